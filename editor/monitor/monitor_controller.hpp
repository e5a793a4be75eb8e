#pragma once
// Monitor mode on the main window's canvas. enter() puts a live view on every operator and edge
// and docks the checkpoints, chart and bottleneck panels; leave() removes all of it, restoring
// the authoring look. Fed through plain slots by whoever holds the node connection
// (editor/nodes/): metrics, job events, the connection going and coming back, preview records.
// Samples are folded into the model as they arrive (the history needs each one) but the canvas
// and panels are refreshed at most every kCoalesceMs, and only items whose drawing changed
// repaint, so a burst of pushes never freezes the GUI.

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "editor/control_metatypes.hpp"
#include "editor/monitor/monitor_model.hpp"
#include "graphs/control_types.hpp"

class QLabel;

#include "editor/main_window.hpp"

namespace rivulet::editor::monitor {

class BottleneckPanel;
class CheckpointsPanel;
class MetricsChart;
class PreviewDialog;

class MonitorController : public QObject {
  Q_OBJECT
 public:
  static constexpr int kCoalesceMs = 100;
  static constexpr std::size_t kSparklinePoints = 120;

  explicit MonitorController(QObject* parent = nullptr);
  // Leaves monitor mode if still in it — unless the window is gone or being destroyed (the
  // controller deleted as the window's child): then there is nothing left to restore.
  ~MonitorController() override;

  // Monitors `job_id` on the window's canvas; the graph on the canvas is taken as the job's.
  void enter(MainWindow& window, const QString& job_id);
  void leave();
  bool active() const { return window_ != nullptr; }
  const QString& jobId() const { return job_id_; }
  bool connectionLost() const { return connection_lost_; }

  const MonitorModel& model() const { return model_; }
  CheckpointsPanel* checkpointsPanel() const { return checkpoints_; }
  MetricsChart* metricsChart() const { return chart_; }
  BottleneckPanel* bottleneckPanel() const { return bottlenecks_; }
  // The open preview of an edge, or null.
  PreviewDialog* previewDialog(const graphs::control::EdgeRef& edge) const;
  // The edges whose preview dialog is open.
  std::vector<graphs::control::EdgeRef> openPreviews() const;
  // Opens (or raises) the preview dialog of the graph's edge `index` and emits previewRequested.
  void requestPreview(int edge_index);
  // Refreshes canvas and panels now instead of at the next coalesced tick (tests, benchmark).
  void refreshNow();

 public slots:
  void onMetrics(const graphs::control::JobMetrics& metrics);
  void onEvents(const std::vector<graphs::control::JobEvent>& events);
  void onEvent(const graphs::control::JobEvent& event) { onEvents({event}); }
  void onConnectionLost(const QString& reason);
  void onConnectionRestored();
  void onPreviewRecords(const graphs::control::EdgeRef& edge,
                        const graphs::control::PreviewRecords& records);
  // The tap of an open preview stopped: interrupted (lost connection; it is re-opened later),
  // re-opened, or ended for good (the job ended, the node refused it).
  void onPreviewInterrupted(const graphs::control::EdgeRef& edge, const QString& reason);
  void onPreviewResumed(const graphs::control::EdgeRef& edge);
  void onPreviewEnded(const graphs::control::EdgeRef& edge, const QString& reason);

 signals:
  // The user asked to preview an edge: start the node's tap and feed onPreviewRecords.
  void previewRequested(const graphs::control::EdgeRef& edge);
  // Its dialog was closed: drop the tap.
  void previewClosed(const graphs::control::EdgeRef& edge);

 private:
  using EdgeKey = std::tuple<std::string, std::string, std::string, std::string>;
  static EdgeKey key(const graphs::control::EdgeRef& edge);
  void scheduleRefresh();
  void refresh();
  void onSelectionChanged();
  void updateStatusLabel();

  QPointer<MainWindow> window_;
  QString job_id_;
  MonitorModel model_;
  QTimer refresh_timer_;
  bool connection_lost_ = false;
  QString lost_reason_;
  CheckpointsPanel* checkpoints_ = nullptr;
  MetricsChart* chart_ = nullptr;
  BottleneckPanel* bottlenecks_ = nullptr;
  QLabel* connection_label_ = nullptr;
  QByteArray authoring_layout_;
  std::map<EdgeKey, QPointer<PreviewDialog>> previews_;
  std::vector<QMetaObject::Connection> connections_;
};

}  // namespace rivulet::editor::monitor
