#include "editor/monitor/monitor_controller.hpp"

#include <QLabel>
#include <QStatusBar>
#include <algorithm>

#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/main_window.hpp"
#include "editor/monitor/bottleneck_panel.hpp"
#include "editor/monitor/checkpoints_panel.hpp"
#include "editor/monitor/live_view.hpp"
#include "editor/monitor/metrics_chart.hpp"
#include "editor/monitor/preview_dialog.hpp"
#include "editor/node_item.hpp"
#include "editor/problems_panel.hpp"
#include "editor/validation_controller.hpp"

namespace rivulet::editor::monitor {

MonitorController::MonitorController(QObject* parent) : QObject(parent) {
  refresh_timer_.setSingleShot(true);
  refresh_timer_.setInterval(kCoalesceMs);
  connect(&refresh_timer_, &QTimer::timeout, this, &MonitorController::refresh);
}

MonitorController::~MonitorController() {
  if (window_ && parent() != window_.data()) leave();
}

MonitorController::EdgeKey MonitorController::key(const graphs::control::EdgeRef& e) {
  return {e.from_node, e.from_port, e.to_node, e.to_port};
}

void MonitorController::enter(MainWindow& window, const QString& job_id) {
  if (window_) leave();
  window_ = &window;
  job_id_ = job_id;
  connection_lost_ = false;
  model_.setGraph(window.document().graph());
  authoring_layout_ = window.saveState();

  checkpoints_ = new CheckpointsPanel(&window);
  chart_ = new MetricsChart(&window);
  bottlenecks_ = new BottleneckPanel(&window);
  // Bottom: checkpoints as a tab beside Problems (raised), the bottlenecks to their right, both
  // wide enough for their columns; the chart under the inspector.
  window.tabifyDockWidget(&window.problems(), checkpoints_);
  window.addDockWidget(Qt::BottomDockWidgetArea, bottlenecks_, Qt::Horizontal);
  window.addDockWidget(Qt::RightDockWidgetArea, chart_);
  const int half = window.width() / 2;
  window.resizeDocks({checkpoints_, bottlenecks_}, {half, half}, Qt::Horizontal);
  checkpoints_->show();
  checkpoints_->raise();
  connection_label_ = new QLabel(tr("Monitoring %1").arg(job_id), &window);
  connection_label_->setObjectName(QStringLiteral("monitorConnectionLabel"));
  window.statusBar()->addPermanentWidget(connection_label_);

  connections_.push_back(connect(bottlenecks_, &BottleneckPanel::nodeActivated, &window,
                                 [&window](const std::string& id) { window.centerOnNode(id); }));
  connections_.push_back(connect(&window.scene(), &QGraphicsScene::selectionChanged, this,
                                 &MonitorController::onSelectionChanged));
  window.setEdgePreviewHandler([this](int index) { requestPreview(index); });
  onSelectionChanged();
  refreshNow();  // every operator gets its (still empty) live box right away
}

void MonitorController::leave() {
  if (!window_) return;
  refresh_timer_.stop();
  for (const auto& c : connections_) disconnect(c);
  connections_.clear();
  window_->setEdgePreviewHandler({});
  GraphScene& scene = window_->scene();
  for (const auto& n : window_->document().graph().nodes) {
    if (NodeItem* item = scene.nodeItem(n.id)) item->setLiveView(std::nullopt);
  }
  for (int i = 0; EdgeItem* item = scene.edgeItem(i); ++i) item->setLiveView(std::nullopt);
  // Closing emits closed → previewClosed, whose handler erases from previews_: iterate a copy.
  auto previews = std::move(previews_);
  previews_.clear();
  for (auto& [k, dialog] : previews) {
    if (dialog) dialog->close();  // the taps go too
  }
  for (QDockWidget* dock :
       std::initializer_list<QDockWidget*>{checkpoints_, chart_, bottlenecks_}) {
    window_->removeDockWidget(dock);
    delete dock;
  }
  checkpoints_ = nullptr;
  chart_ = nullptr;
  bottlenecks_ = nullptr;
  window_->restoreState(authoring_layout_);  // the docks where they were before monitoring
  window_->statusBar()->removeWidget(connection_label_);
  delete connection_label_;
  connection_label_ = nullptr;
  // Tooltips and badges exactly as validation leaves them (the live tooltips replaced them).
  window_->validation().validateNow();
  window_ = nullptr;
  job_id_.clear();
  model_.setGraph({});
}

void MonitorController::onMetrics(const graphs::control::JobMetrics& metrics) {
  if (!window_ || (!job_id_.isEmpty() && metrics.job != job_id_.toStdString())) return;
  model_.apply(metrics);
  scheduleRefresh();
}

void MonitorController::onEvents(const std::vector<graphs::control::JobEvent>& events) {
  if (!window_) return;
  for (const auto& e : events) model_.applyEvent(e);
  scheduleRefresh();
}

void MonitorController::onConnectionLost(const QString& reason) {
  if (!window_) return;
  connection_lost_ = true;
  lost_reason_ = reason;
  updateStatusLabel();
  window_->statusBar()->showMessage(tr("Connection to the node lost: %1").arg(reason));
  scheduleRefresh();
}

void MonitorController::onConnectionRestored() {
  if (!window_) return;
  connection_lost_ = false;
  lost_reason_.clear();
  updateStatusLabel();
  window_->statusBar()->showMessage(tr("Connection to the node restored"), 5000);
  scheduleRefresh();
}

void MonitorController::updateStatusLabel() {
  QString text = connection_lost_
                     ? tr("Connection to the node lost: %1 — retrying").arg(lost_reason_)
                     : tr("Monitoring %1").arg(job_id_);
  // Tasks of operators the canvas does not have (the job runs another version of the graph):
  // said, not dropped silently.
  if (const auto& unknown = model_.unknownNodes(); !unknown.empty()) {
    QStringList ids;
    for (const auto& id : unknown) ids << QString::fromStdString(id);
    text +=
        tr(" · metrics for operators not on the canvas: %1").arg(ids.join(QStringLiteral(", ")));
  }
  if (connection_label_->text() != text) connection_label_->setText(text);
  connection_label_->setStyleSheet(
      connection_lost_ ? QStringLiteral("color: #c62828; font-weight: bold") : QString());
}

void MonitorController::scheduleRefresh() {
  if (!refresh_timer_.isActive()) refresh_timer_.start();
}

void MonitorController::refreshNow() {
  refresh_timer_.stop();
  refresh();
}

void MonitorController::refresh() {
  if (!window_) return;
  GraphScene& scene = window_->scene();
  const GraphDocument& document = window_->document();
  // Walk the model's graph (the job's); operators added on the canvas since have no live view.
  for (const auto& n : model_.graph().nodes) {
    NodeItem* item = scene.nodeItem(n.id);
    if (!item) continue;
    NodeLiveView view;
    if (const NodeStats* stats = model_.node(n.id)) view.stats = *stats;
    view.stats.node_id = n.id;
    if (const graphs::OperatorSpec* spec = document.catalog().find(n.kind)) {
      view.is_source = spec->category == "source";
      view.is_sink = spec->category == "sink";
      for (const auto& p : spec->outputs) view.output_ports.push_back(p.name);
    }
    if (const MetricHistory* history = model_.history(n.id)) {
      const auto& points = history->points();
      const std::size_t start =
          points.size() > kSparklinePoints ? points.size() - kSparklinePoints : 0;
      for (std::size_t i = start; i < points.size(); ++i) {
        view.sparkline.push_back(view.is_sink ? points[i].records_in_per_second
                                              : points[i].records_out_per_second);
      }
    }
    view.stale = connection_lost_;
    item->setLiveView(std::move(view));
  }
  const auto& edges = model_.edges();
  const auto& graph_edges = document.graph().edges;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    // Match by endpoints: the canvas' edge indices may have moved since enter().
    const int index = document.edgeIndex(edges[i].from, edges[i].to);
    EdgeItem* item = scene.edgeItem(index);
    if (!item || index >= static_cast<int>(graph_edges.size())) continue;
    item->setLiveView(EdgeLiveView{edges[i], connection_lost_});
  }
  updateStatusLabel();
  checkpoints_->update(model_.checkpoints(), model_.restarts());
  bottlenecks_->update(model_);
  chart_->update(model_.history(chart_->node()));
}

void MonitorController::onSelectionChanged() {
  if (!window_) return;
  const auto ids = window_->scene().selectedNodeIds();
  if (ids.empty()) return;  // keep plotting the last operator while the user clicks around
  chart_->setNode(*ids.begin());
  chart_->update(model_.history(chart_->node()));
}

PreviewDialog* MonitorController::previewDialog(const graphs::control::EdgeRef& edge) const {
  auto it = previews_.find(key(edge));
  return it == previews_.end() ? nullptr : it->second.data();
}

void MonitorController::requestPreview(int edge_index) {
  if (!window_) return;
  const auto& edges = window_->document().graph().edges;
  if (edge_index < 0 || edge_index >= static_cast<int>(edges.size())) return;
  const graphs::Edge& e = edges[edge_index];
  const graphs::control::EdgeRef ref{e.from.node, e.from.port, e.to.node, e.to.port};
  if (PreviewDialog* open = previewDialog(ref)) {
    open->raise();
    open->activateWindow();
    return;
  }
  graphs::Schema schema;
  const auto& schemas = window_->validation().report().edge_schemas;
  if (auto it = schemas.find(static_cast<std::size_t>(edge_index)); it != schemas.end()) {
    schema = it->second;
  }
  auto* dialog = new PreviewDialog(ref, schema, PreviewDialog::kDefaultMaxRows, window_);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  previews_[key(ref)] = dialog;
  connect(dialog, &PreviewDialog::closed, this, [this, ref] {
    previews_.erase(key(ref));
    emit previewClosed(ref);
  });
  dialog->show();
  emit previewRequested(ref);
}

std::vector<graphs::control::EdgeRef> MonitorController::openPreviews() const {
  std::vector<graphs::control::EdgeRef> out;
  for (const auto& [k, dialog] : previews_) {
    if (dialog) out.push_back(dialog->edge());
  }
  return out;
}

void MonitorController::onPreviewInterrupted(const graphs::control::EdgeRef& edge,
                                             const QString& reason) {
  if (PreviewDialog* dialog = previewDialog(edge)) dialog->setInterrupted(reason);
}

void MonitorController::onPreviewResumed(const graphs::control::EdgeRef& edge) {
  if (PreviewDialog* dialog = previewDialog(edge)) dialog->setResumed();
}

void MonitorController::onPreviewEnded(const graphs::control::EdgeRef& edge,
                                       const QString& reason) {
  if (PreviewDialog* dialog = previewDialog(edge)) dialog->setEnded(reason);
}

void MonitorController::onPreviewRecords(const graphs::control::EdgeRef& edge,
                                         const graphs::control::PreviewRecords& records) {
  if (PreviewDialog* dialog = previewDialog(edge)) dialog->append(records);
}

}  // namespace rivulet::editor::monitor
