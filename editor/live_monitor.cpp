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
  connections_.push_back(connect(node, &NodeConnection::metricsArrived, controller_,
                                 [this, id](const control::JobMetrics& metrics) {
                                   if (metrics.job == id) controller_->onMetrics(metrics);
                                 }));
  connections_.push_back(connect(node, &NodeConnection::eventsArrived, controller_,
                                 &monitor::MonitorController::onEvents));
  for (auto signal : {&NodeConnection::lost, &NodeConnection::refused}) {
    connections_.push_back(connect(node, signal, controller_, [this](const QString& reason) {
      controller_->onConnectionLost(reason);
      interruptPreviews(reason);
    }));
  }
  connections_.push_back(connect(node, &NodeConnection::connected, controller_, [this] {
    controller_->onConnectionRestored();
    reopenPreviews();
  }));
  connections_.push_back(connect(node, &NodeConnection::subscriptionEnded, this,
                                 [this, id](const QString& ended, const QString& reason) {
                                   if (ended.toStdString() != id) return;
                                   window_.statusBar()->showMessage(
                                       tr("Monitoring %1 ended: %2").arg(ended, reason), 10000);
                                 }));
  node->subscribe(id, kIntervalMs);
  node->watchEvents(id);
  leave_->setEnabled(true);
  window_.statusBar()->showMessage(tr("Monitoring %1 on %2").arg(job, node->address()), 10000);
}

void LiveMonitor::stop() {
  taps_.clear();  // removes the node's taps
  for (QMetaObject::Connection& connection : connections_) disconnect(connection);
  connections_.clear();
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
  connect(tap.get(), &PreviewTap::ended, this,
          [this, edge](const QString& reason) { onTapEnded(edge, reason); });
  taps_[key(edge)] = std::move(tap);
}

void LiveMonitor::onTapEnded(const control::EdgeRef& edge, const QString& reason) {
  auto it = taps_.find(key(edge));
  if (it != taps_.end()) {
    // Its own signal is being delivered: the tap goes once that is done. Without a tap, a
    // reconnect re-opens the preview.
    it->second.release()->deleteLater();
    taps_.erase(it);
  }
  if (node_ && node_->state() == NodeConnection::State::Connected) {
    controller_->onPreviewEnded(edge, reason);
    window_.statusBar()->showMessage(tr("Preview ended: %1").arg(reason), 10000);
  } else {
    controller_->onPreviewInterrupted(edge, reason);
  }
}

// The connection went: its taps are dead. The dialogs stay open, saying so.
void LiveMonitor::interruptPreviews(const QString& reason) {
  taps_.clear();
  for (const control::EdgeRef& edge : controller_->openPreviews()) {
    controller_->onPreviewInterrupted(edge, reason);
  }
}

// The node is back: every open preview without a live tap gets a new one.
void LiveMonitor::reopenPreviews() {
  for (const control::EdgeRef& edge : controller_->openPreviews()) {
    if (taps_.contains(key(edge))) continue;
    openPreview(edge);
    controller_->onPreviewResumed(edge);
  }
}

}  // namespace rivulet::editor
