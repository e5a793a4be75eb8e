#pragma once
// The "find the bottleneck" dock: operator instances ranked by back-pressured time, busy time or
// source lag (bottleneck_ranking.hpp). Activating a row asks for its operator to be selected and
// centred on the canvas.

#include <QDockWidget>
#include <string>
#include <vector>

#include "editor/monitor/bottleneck_ranking.hpp"

class QComboBox;
class QTableWidget;

namespace rivulet::editor::monitor {

class BottleneckPanel : public QDockWidget {
  Q_OBJECT
 public:
  explicit BottleneckPanel(QWidget* parent = nullptr);

  void update(const MonitorModel& model);
  void setRankBy(RankBy by);
  RankBy rankBy() const;
  QTableWidget& table() { return *table_; }
  // The node id shown in a row (column 0), or "" for a row that does not exist.
  std::string nodeAt(int row) const;

 signals:
  void nodeActivated(const std::string& node_id);

 private:
  void refill();

  QComboBox* rank_by_ = nullptr;
  QTableWidget* table_ = nullptr;
  const MonitorModel* model_ = nullptr;
  std::vector<RankedInstance> rows_;
};

}  // namespace rivulet::editor::monitor
