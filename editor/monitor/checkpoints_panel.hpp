#pragma once
// The checkpoint history dock: one row per checkpoint (id, duration, alignment, size, status,
// failure) and below it the job's restarts with their causes, newest first.

#include <QDockWidget>
#include <vector>

#include "graphs/control_types.hpp"

class QTableWidget;

namespace rivulet::editor::monitor {

class CheckpointsPanel : public QDockWidget {
  Q_OBJECT
 public:
  explicit CheckpointsPanel(QWidget* parent = nullptr);

  void update(const std::vector<graphs::control::CheckpointRecord>& checkpoints,
              const std::vector<graphs::control::RestartRecord>& restarts);
  QTableWidget& checkpointTable() { return *checkpoints_; }
  QTableWidget& restartTable() { return *restarts_; }

 private:
  QTableWidget* checkpoints_ = nullptr;
  QTableWidget* restarts_ = nullptr;
};

}  // namespace rivulet::editor::monitor
