#pragma once
// The Problems dock: one row per validation problem (errors first). Activating a row asks the
// window to select and centre the node or edge it names.

#include <QDockWidget>
#include <string>

#include "graphs/validator.hpp"

class QTreeWidget;

namespace rivulet::editor {

class ProblemsPanel : public QDockWidget {
  Q_OBJECT
 public:
  explicit ProblemsPanel(QWidget* parent = nullptr);

  void setReport(const graphs::ValidationReport& report);
  QTreeWidget* list() const { return list_; }

 signals:
  void nodeRequested(const std::string& node_id);
  void edgeRequested(int edge_index);

 private:
  QTreeWidget* list_;
};

}  // namespace rivulet::editor
