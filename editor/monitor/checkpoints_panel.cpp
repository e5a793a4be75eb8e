#include "editor/monitor/checkpoints_panel.hpp"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "editor/monitor/metric_format.hpp"

namespace rivulet::editor::monitor {
namespace {

QTableWidget* makeTable(const QStringList& headers, const char* name, QWidget* parent) {
  auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
  t->setObjectName(QString::fromLatin1(name));
  t->setHorizontalHeaderLabels(headers);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->verticalHeader()->setVisible(false);
  t->horizontalHeader()->setStretchLastSection(true);
  return t;
}

void setRow(QTableWidget& table, int row, const QStringList& cells) {
  for (int c = 0; c < cells.size(); ++c) {
    QTableWidgetItem* item = table.item(row, c);
    if (!item) {
      item = new QTableWidgetItem;
      table.setItem(row, c, item);
    }
    if (item->text() != cells[c]) item->setText(cells[c]);
    item->setToolTip(cells[c]);  // failure causes are long
  }
}

QString wallTime(graphs::control::WallMs ms) {
  return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

}  // namespace

CheckpointsPanel::CheckpointsPanel(QWidget* parent) : QDockWidget(tr("Checkpoints"), parent) {
  setObjectName(QStringLiteral("checkpointsPanel"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  checkpoints_ = makeTable({tr("ID"), tr("Started"), tr("Duration"), tr("Alignment"), tr("Size"),
                            tr("Status"), tr("Failure")},
                           "checkpointTable", body);
  layout->addWidget(checkpoints_, 3);
  layout->addWidget(new QLabel(tr("Restarts"), body));
  restarts_ = makeTable({tr("At"), tr("Cause")}, "restartTable", body);
  layout->addWidget(restarts_, 1);
  setWidget(body);
}

void CheckpointsPanel::update(const std::vector<graphs::control::CheckpointRecord>& checkpoints,
                              const std::vector<graphs::control::RestartRecord>& restarts) {
  checkpoints_->setRowCount(static_cast<int>(checkpoints.size()));
  int row = 0;
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it, ++row) {  // newest first
    const auto& c = *it;
    QString status = QString::fromStdString(graphs::control::to_string(c.status));
    if (c.savepoint) status += tr(" (savepoint)");
    setRow(*checkpoints_, row,
           {QString::number(c.id), wallTime(c.started), formatDurationMs(c.duration_ms),
            formatDurationMs(c.alignment_ms), formatBytes(c.bytes), status,
            QString::fromStdString(c.failure)});
    if (c.status == graphs::control::CheckpointStatus::Failed) {
      for (int col = 0; col < checkpoints_->columnCount(); ++col) {
        checkpoints_->item(row, col)->setForeground(QColor(0xc6, 0x28, 0x28));
      }
    }
  }
  restarts_->setRowCount(static_cast<int>(restarts.size()));
  row = 0;
  for (auto it = restarts.rbegin(); it != restarts.rend(); ++it, ++row) {
    setRow(*restarts_, row, {wallTime(it->at), QString::fromStdString(it->cause)});
  }
}

}  // namespace rivulet::editor::monitor
