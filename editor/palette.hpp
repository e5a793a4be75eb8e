#pragma once
// The operator palette: every operator of the catalog, grouped by category, with a search field
// that filters by kind, category and description. Items drag onto the canvas (MIME type
// kOperatorMimeType) or are added at the view centre on double-click/Enter. Built from the
// catalog only, so a new operator appears here without an editor change.

#include <QDockWidget>
#include <string>

#include "graphs/catalog.hpp"

class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTreeView;

namespace rivulet::editor {

class Palette : public QDockWidget {
  Q_OBJECT
 public:
  explicit Palette(const graphs::Catalog& catalog, QWidget* parent = nullptr);

  QLineEdit* searchField() const { return search_; }
  QTreeView* tree() const { return tree_; }
  // Puts keyboard focus into the search field and selects its text (Ctrl+F).
  void focusSearch();
  // Number of operators visible under the current filter.
  int visibleOperatorCount() const;
  // Shows another catalog's operators (a node's, plugins included).
  void setCatalog(const graphs::Catalog& catalog);

 signals:
  void operatorActivated(const std::string& kind);

 private:
  QLineEdit* search_;
  QTreeView* tree_;
  QStandardItemModel* model_;
  QSortFilterProxyModel* proxy_ = nullptr;
};

}  // namespace rivulet::editor
