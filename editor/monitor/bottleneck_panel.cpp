#include "editor/monitor/bottleneck_panel.hpp"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "editor/monitor/metric_format.hpp"

namespace rivulet::editor::monitor {

BottleneckPanel::BottleneckPanel(QWidget* parent) : QDockWidget(tr("Bottlenecks"), parent) {
  setObjectName(QStringLiteral("bottleneckPanel"));
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  rank_by_ = new QComboBox(body);
  rank_by_->setObjectName(QStringLiteral("bottleneckRankBy"));
  rank_by_->addItem(tr("Most back-pressured"), static_cast<int>(RankBy::Backpressured));
  rank_by_->addItem(tr("Busiest"), static_cast<int>(RankBy::Busy));
  rank_by_->addItem(tr("Most lagging sources"), static_cast<int>(RankBy::SourceLag));
  layout->addWidget(rank_by_);
  table_ = new QTableWidget(0, 6, body);
  table_->setObjectName(QStringLiteral("bottleneckTable"));
  table_->setHorizontalHeaderLabels({tr("Operator"), tr("Instance"), tr("Back-pressured"),
                                     tr("Busy"), tr("Kafka lag"), tr("Watermark lag")});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(table_);
  setWidget(body);
  connect(rank_by_, &QComboBox::currentIndexChanged, this, [this] { refill(); });
  // A click (not only a double-click) centres the operator: the panel is for jumping there.
  connect(table_, &QTableWidget::cellClicked, this, [this](int row, int) {
    if (const std::string id = nodeAt(row); !id.empty()) emit nodeActivated(id);
  });
}

void BottleneckPanel::setRankBy(RankBy by) {
  rank_by_->setCurrentIndex(rank_by_->findData(static_cast<int>(by)));
}

RankBy BottleneckPanel::rankBy() const {
  return static_cast<RankBy>(rank_by_->currentData().toInt());
}

std::string BottleneckPanel::nodeAt(int row) const {
  return row >= 0 && row < static_cast<int>(rows_.size()) ? rows_[row].node_id : std::string();
}

void BottleneckPanel::update(const MonitorModel& model) {
  model_ = &model;
  refill();
}

void BottleneckPanel::refill() {
  if (!model_) return;
  // Keep the user's selected row on the same instance while the ranking moves under it.
  std::string selected_node;
  std::uint32_t selected_subtask = 0;
  if (const int row = table_->currentRow(); row >= 0 && row < static_cast<int>(rows_.size())) {
    selected_node = rows_[row].node_id;
    selected_subtask = rows_[row].subtask;
  }
  rows_ = rankInstances(*model_, rankBy());
  table_->setRowCount(static_cast<int>(rows_.size()));
  int reselect = -1;
  for (int r = 0; r < static_cast<int>(rows_.size()); ++r) {
    const RankedInstance& i = rows_[r];
    const QStringList cells = {QString::fromStdString(i.node_id),
                               QString::number(i.subtask),
                               formatPercent(i.backpressured),
                               formatPercent(i.busy),
                               formatCount(static_cast<double>(i.kafka_lag)),
                               formatDurationMs(i.watermark_lag_ms)};
    for (int c = 0; c < cells.size(); ++c) {
      QTableWidgetItem* item = table_->item(r, c);
      if (!item) {
        item = new QTableWidgetItem;
        table_->setItem(r, c, item);
      }
      if (item->text() != cells[c]) item->setText(cells[c]);
    }
    if (i.node_id == selected_node && i.subtask == selected_subtask) reselect = r;
  }
  if (reselect >= 0 && reselect != table_->currentRow()) {
    const QSignalBlocker block(table_);
    table_->selectRow(reselect);
  }
}

}  // namespace rivulet::editor::monitor
