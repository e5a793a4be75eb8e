#pragma once
// Connects a runtime node (editor/nodes/NodeConnection) to monitor mode on the canvas
// (editor/monitor/MonitorController): "Monitor" in the Nodes panel, a deploy or a redeploy from
// the Node menu, or `rivulet-editor --monitor JOB` start it; it subscribes to the job's metrics
// (every 500 ms) and events, passes a lost and a restored connection on, and opens and drops
// the node's preview taps for the edges the user previews. A lost connection takes the taps
// with it: their dialogs say so, and the taps are re-opened when the node is back (the metric
// and event streams are re-opened by NodeConnection itself). One job is monitored at a time.

#include <QObject>
#include <QPointer>
#include <QString>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "graphs/control_types.hpp"

class QAction;
class QMenu;

namespace rivulet::editor {

class MainWindow;
class NodeConnection;
class PreviewTap;
namespace monitor {
class MonitorController;
}

class LiveMonitor : public QObject {
  Q_OBJECT
 public:
  static constexpr std::uint32_t kIntervalMs = 500;  // the "at least twice a second"
  static constexpr std::uint32_t kPreviewRecordsPerSecond = 20;

  explicit LiveMonitor(MainWindow& window);
  ~LiveMonitor() override;

  void start(NodeConnection* node, const QString& job);
  void stop();
  bool active() const;
  const QString& job() const { return job_; }
  NodeConnection* node() const { return node_; }
  monitor::MonitorController& controller() { return *controller_; }
  // "Leave Monitor Mode" (actionLeaveMonitor), enabled while monitoring.
  void populateMenu(QMenu& menu);

 private:
  using EdgeKey = std::tuple<std::string, std::string, std::string, std::string>;
  static EdgeKey key(const graphs::control::EdgeRef& edge);
  void openPreview(const graphs::control::EdgeRef& edge);
  void onTapEnded(const graphs::control::EdgeRef& edge, const QString& reason);
  void interruptPreviews(const QString& reason);
  void reopenPreviews();

  MainWindow& window_;
  monitor::MonitorController* controller_ = nullptr;
  QPointer<NodeConnection> node_;
  QString job_;
  std::vector<QMetaObject::Connection> connections_;
  std::map<EdgeKey, std::unique_ptr<PreviewTap>> taps_;
  QAction* leave_ = nullptr;
};

}  // namespace rivulet::editor
