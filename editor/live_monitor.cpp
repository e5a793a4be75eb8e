#include "editor/live_monitor.hpp"

#include <QAction>
#include <QMenu>
#include <QStatusBar>

#include "editor/main_window.hpp"
#include "editor/monitor/monitor_controller.hpp"
#include "editor/nodes/node_connection.hpp"

namespace rivulet::editor {

namespace control = graphs::control;

LiveMonitor::LiveMonitor(MainWindow& window)
    : QObject(&window), window_(window), controller_(new monitor::MonitorController(this)) {
  leave_ = new QAction(tr("&Leave Monitor Mode"), this);
  leave_->setObjectName(QStringLiteral("actionLeaveMonitor"));
  leave_->setEnabled(false);
  connect(leave_, &QAction::triggered, this, &LiveMonitor::stop);
  connect(controller_, &monitor::MonitorController::previewRequested, this,
          &LiveMonitor::openPreview);
  connect(controller_, &monitor::MonitorController::previewClosed, this,
          [this](const control::EdgeRef& edge) { taps_.erase(key(edge)); });
}

LiveMonitor::~LiveMonitor() {
  taps_.clear();
  if (node_ && !job_.isEmpty()) {
    node_->unsubscribe(job_.toStdString());
    node_->unwatchEvents(job_.toStdString());
  }
}

LiveMonitor::EdgeKey LiveMonitor::key(const control::EdgeRef& edge) {
  return {edge.from_node, edge.from_port, edge.to_node, edge.to_port};
}

bool LiveMonitor::active() const { return controller_->active(); }

void LiveMonitor::populateMenu(QMenu& menu) { menu.addAction(leave_); }

void LiveMonitor::start(NodeConnection* node, const QString& job) {
  if (node == nullptr || job.isEmpty()) return;
  if (node_ == node && job_ == job && active()) return;
  stop();
  node_ = node;
  job_ = job;
  const std::string id = job.toStdString();
  controller_->enter(window_, job);
  // Samples and events of other jobs on the same node (another window's) are not ours.
  connections_[0] = connect(node, &NodeConnection::metricsArrived, controller_,
                            [this, id](const control::JobMetrics& metrics) {
                              if (metrics.job == id) controller_->onMetrics(metrics);
                            });
  connections_[1] = connect(node, &NodeConnection::eventsArrived, controller_,
                            &monitor::MonitorController::onEvents);
  connections_[2] = connect(node, &NodeConnection::lost, controller_,
                            &monitor::MonitorController::onConnectionLost);
  connections_[3] = connect(node, &NodeConnection::refused, controller_,
                            &monitor::MonitorController::onConnectionLost);
  connections_[4] = connect(node, &NodeConnection::connected, controller_,
                            [this] { controller_->onConnectionRestored(); });
  connections_[5] = connect(node, &NodeConnection::subscriptionEnded, this,
                            [this, id](const QString& ended, const QString& reason) {
                              if (ended.toStdString() != id) return;
                              window_.statusBar()->showMessage(
                                  tr("Monitoring %1 ended: %2").arg(ended, reason), 10000);
                            });
  node->subscribe(id, kIntervalMs);
  node->watchEvents(id);
  leave_->setEnabled(true);
  window_.statusBar()->showMessage(tr("Monitoring %1 on %2").arg(job, node->address()), 10000);
}

void LiveMonitor::stop() {
  taps_.clear();  // removes the node's taps
  for (QMetaObject::Connection& connection : connections_) disconnect(connection);
  if (node_ && !job_.isEmpty()) {
    node_->unsubscribe(job_.toStdString());
    node_->unwatchEvents(job_.toStdString());
  }
  if (controller_->active()) controller_->leave();
  node_ = nullptr;
  job_.clear();
  leave_->setEnabled(false);
}

void LiveMonitor::openPreview(const control::EdgeRef& edge) {
  if (!node_ || job_.isEmpty()) return;
  std::unique_ptr<PreviewTap> tap =
      node_->preview(job_.toStdString(), edge, kPreviewRecordsPerSecond);
  if (!tap) return;
  connect(tap.get(), &PreviewTap::recordsArrived, controller_,
          [this, edge](const control::PreviewRecords& records) {
            controller_->onPreviewRecords(edge, records);
          });
  connect(tap.get(), &PreviewTap::ended, this, [this](const QString& reason) {
    window_.statusBar()->showMessage(tr("Preview ended: %1").arg(reason), 10000);
  });
  taps_[key(edge)] = std::move(tap);
}

}  // namespace rivulet::editor
