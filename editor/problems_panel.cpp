#include "editor/problems_panel.hpp"

#include <QApplication>
#include <QHeaderView>
#include <QStyle>
#include <QTreeWidget>

namespace rivulet::editor {
namespace {
constexpr int kNodeRole = Qt::UserRole + 1;
constexpr int kEdgeRole = Qt::UserRole + 2;
}  // namespace

ProblemsPanel::ProblemsPanel(QWidget* parent) : QDockWidget(tr("Problems"), parent) {
  setObjectName(QStringLiteral("problems"));
  list_ = new QTreeWidget(this);
  list_->setColumnCount(3);
  list_->setHeaderLabels({tr("Problem"), tr("Node"), tr("Field")});
  list_->setRootIsDecorated(false);
  list_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  list_->header()->setStretchLastSection(false);
  setWidget(list_);
  auto activate = [this](QTreeWidgetItem* item) {
    if (!item) return;
    const QString node = item->data(0, kNodeRole).toString();
    const int edge = item->data(0, kEdgeRole).toInt();
    if (!node.isEmpty()) {
      emit nodeRequested(node.toStdString());
    } else if (edge >= 0) {
      emit edgeRequested(edge);
    }
  };
  connect(list_, &QTreeWidget::itemClicked, this, activate);
  connect(list_, &QTreeWidget::itemActivated, this, activate);
}

void ProblemsPanel::setReport(const graphs::ValidationReport& report) {
  list_->clear();
  const QIcon error_icon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
  const QIcon warning_icon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
  int errors = 0;
  for (int pass = 0; pass < 2; ++pass) {  // errors first, then warnings
    const auto wanted = pass == 0 ? graphs::Severity::Error : graphs::Severity::Warning;
    for (const auto& p : report.problems) {
      if (p.severity != wanted) continue;
      errors += pass == 0;
      auto* item = new QTreeWidgetItem(list_);
      item->setIcon(0, pass == 0 ? error_icon : warning_icon);
      item->setText(0, QString::fromStdString(p.message));
      item->setToolTip(0, QString::fromStdString(p.to_string()));
      item->setText(1, QString::fromStdString(p.node_id));
      item->setText(2, QString::fromStdString(p.field));
      item->setData(0, kNodeRole, QString::fromStdString(p.node_id));
      item->setData(0, kEdgeRole, p.edge ? static_cast<int>(*p.edge) : -1);
    }
  }
  if (report.problems.empty()) {
    auto* item = new QTreeWidgetItem(list_);
    item->setIcon(0, QApplication::style()->standardIcon(QStyle::SP_DialogApplyButton));
    item->setText(0, tr("No problems: the graph is valid."));
    item->setData(0, kEdgeRole, -1);
    item->setFlags(Qt::ItemIsEnabled);
  }
  const int warnings = static_cast<int>(report.problems.size()) - errors;
  setWindowTitle(report.problems.empty()
                     ? tr("Problems")
                     : tr("Problems (%1 errors, %2 warnings)").arg(errors).arg(warnings));
}

}  // namespace rivulet::editor
