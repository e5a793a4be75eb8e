#include "editor/palette.hpp"

#include <QKeyEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>
#include <map>

#include "editor/graph_scene.hpp"

namespace rivulet::editor {
namespace {

constexpr int kKindRole = Qt::UserRole + 1;
constexpr int kSearchRole = Qt::UserRole + 2;

// Puts the operator kind into drags that start on a leaf of the tree.
class OperatorModel : public QStandardItemModel {
 public:
  using QStandardItemModel::QStandardItemModel;
  QStringList mimeTypes() const override { return {QString::fromLatin1(kOperatorMimeType)}; }
  QMimeData* mimeData(const QModelIndexList& indexes) const override {
    for (const QModelIndex& index : indexes) {
      const QString kind = index.data(kKindRole).toString();
      if (kind.isEmpty()) continue;
      auto* data = new QMimeData();  // ownership passes to the drag
      data->setData(QString::fromLatin1(kOperatorMimeType), kind.toUtf8());
      data->setText(kind);
      return data;
    }
    return nullptr;
  }
};

// Matches the search text against the leaf's kind, category and description; categories stay
// visible while any child matches.
class OperatorFilter : public QSortFilterProxyModel {
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
    const QModelIndex index = sourceModel()->index(row, 0, parent);
    if (sourceModel()->hasChildren(index)) {
      for (int i = 0; i < sourceModel()->rowCount(index); ++i) {
        if (filterAcceptsRow(i, index)) return true;
      }
      return false;
    }
    return index.data(kSearchRole).toString().contains(filterRegularExpression());
  }
};

}  // namespace

Palette::Palette(const graphs::Catalog& catalog, QWidget* parent)
    : QDockWidget(tr("Operators"), parent) {
  setObjectName(QStringLiteral("palette"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  search_ = new QLineEdit(body);
  search_->setPlaceholderText(tr("Search operators (Ctrl+F)"));
  search_->setClearButtonEnabled(true);
  tree_ = new QTreeView(body);
  tree_->setHeaderHidden(true);
  tree_->setDragEnabled(true);
  tree_->setDragDropMode(QAbstractItemView::DragOnly);
  tree_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layout->addWidget(search_);
  layout->addWidget(tree_);
  setWidget(body);

  model_ = new OperatorModel(this);
  setCatalog(catalog);
  proxy_ = new OperatorFilter(this);
  proxy_->setSourceModel(model_);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  tree_->setModel(proxy_);
  tree_->expandAll();

  connect(search_, &QLineEdit::textChanged, this, [this](const QString& text) {
    proxy_->setFilterFixedString(text);
    tree_->expandAll();
    // Keep Enter meaningful: the first match is current.
    for (int i = 0; i < proxy_->rowCount(); ++i) {
      const QModelIndex group = proxy_->index(i, 0);
      if (proxy_->rowCount(group) > 0) {
        tree_->setCurrentIndex(proxy_->index(0, 0, group));
        break;
      }
    }
  });
  connect(search_, &QLineEdit::returnPressed, this, [this] {
    const QString kind = tree_->currentIndex().data(kKindRole).toString();
    if (!kind.isEmpty()) emit operatorActivated(kind.toStdString());
  });
  connect(tree_, &QTreeView::activated, this, [this](const QModelIndex& index) {
    const QString kind = index.data(kKindRole).toString();
    if (!kind.isEmpty()) emit operatorActivated(kind.toStdString());
  });
}

void Palette::setCatalog(const graphs::Catalog& catalog) {
  model_->clear();
  std::map<std::string, QStandardItem*> categories;
  for (const auto& op : catalog.operators) {
    const std::string category = op.category.empty() ? "other" : op.category;
    QStandardItem*& group = categories[category];
    if (!group) {
      group = new QStandardItem(QString::fromStdString(category));
      group->setFlags(Qt::ItemIsEnabled);
      model_->appendRow(group);
    }
    auto* item = new QStandardItem(QString::fromStdString(op.kind));
    item->setData(QString::fromStdString(op.kind), kKindRole);
    item->setData(QString::fromStdString(op.kind + " " + category + " " + op.description),
                  kSearchRole);
    item->setToolTip(QString::fromStdString(op.description));
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    group->appendRow(item);
  }
  if (proxy_ != nullptr) tree_->expandAll();
}

void Palette::focusSearch() {
  show();
  raise();
  search_->setFocus(Qt::ShortcutFocusReason);
  search_->selectAll();
}

int Palette::visibleOperatorCount() const {
  int count = 0;
  for (int i = 0; i < proxy_->rowCount(); ++i) count += proxy_->rowCount(proxy_->index(i, 0));
  return count;
}

}  // namespace rivulet::editor
