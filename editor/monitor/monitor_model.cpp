#include "editor/monitor/monitor_model.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace rivulet::editor::monitor {
namespace {

// How long a failure or restart keeps its operator red after it happened, even when the
// instances already report "running" again: a restart that took 200 ms must still be seen.
constexpr std::int64_t kFailureHoldMs = 10'000;
constexpr std::size_t kMaxCheckpoints = 200;
constexpr std::size_t kMaxRestarts = 200;
// A receiver input this full is the one that stops a fanning-out sender (see computeEdges).
constexpr double kFullInput = 0.8;

double share(double ms_per_second) { return std::clamp(ms_per_second / 1000.0, 0.0, 1.0); }

bool isFailing(const std::string& state) { return state == "failed" || state == "restarting"; }

InstanceStats instanceFrom(const graphs::control::TaskSample& t) {
  InstanceStats s;
  s.subtask = t.subtask;
  s.state = t.state;
  s.records_in_per_second = t.records_in_per_second;
  s.records_out_per_second = t.records_out_per_second;
  s.busy = share(t.busy_ms_per_second);
  s.backpressured = share(t.backpressured_ms_per_second);
  s.idle = share(t.idle_ms_per_second);
  for (double f : t.input_fill) s.input_fill = std::max(s.input_fill, std::clamp(f, 0.0, 1.0));
  s.watermark_lag_ms = t.watermark_lag_ms;
  s.kafka_lag_by_partition = t.kafka_lag;
  for (const auto& p : t.kafka_lag) s.kafka_lag += p.lag;
  s.late_records = t.late_records;
  s.dead_letters = t.dead_letters;
  s.skipped_records = t.skipped_records;
  s.dropped_records = t.dropped_records;
  s.committed_records = t.committed_records;
  return s;
}

void accumulate(TimeShare& total, double value, std::size_t count) {
  total.max = std::max(total.max, value);
  total.mean += value / static_cast<double>(count);
}

}  // namespace

void MonitorModel::setGraph(graphs::Graph graph) {
  graph_ = std::move(graph);
  clear();
}

void MonitorModel::clear() {
  nodes_.clear();
  history_.clear();
  marked_failed_.clear();
  checkpoints_.clear();
  restarts_.clear();
  unknown_nodes_.clear();
  edges_.clear();
  last_sample_at_ = 0;
  computeEdges();
}

const NodeStats* MonitorModel::node(const std::string& id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

const MetricHistory* MonitorModel::history(const std::string& node_id) const {
  auto it = history_.find(node_id);
  return it == history_.end() ? nullptr : &it->second;
}

std::optional<std::string> MonitorModel::nodeNamedBy(const std::string& message) const {
  // Task names are "<node id>#<subtask>"; the node id itself may contain neither ':' nor ' '.
  const std::size_t end = message.find_first_of(": ");
  std::string name = message.substr(0, end);
  if (const std::size_t hash = name.rfind('#'); hash != std::string::npos) name.resize(hash);
  if (name.empty() || !graph_.node(name)) return std::nullopt;
  return name;
}

void MonitorModel::applyEvent(const graphs::control::JobEvent& event) {
  using graphs::control::JobEventKind;
  if (event.kind != JobEventKind::Failed && event.kind != JobEventKind::Restarted) return;
  const auto id = nodeNamedBy(event.message);
  if (!id) return;
  marked_failed_[*id] = Marked{event.message, event.at};
  if (auto it = nodes_.find(*id); it != nodes_.end()) {
    it->second.failed = true;
    it->second.failure = event.message;
  }
}

void MonitorModel::apply(const graphs::control::JobMetrics& metrics) {
  std::map<std::string, std::vector<const graphs::control::TaskSample*>> by_node;
  std::set<std::string> unknown(unknown_nodes_.begin(), unknown_nodes_.end());
  for (const auto& t : metrics.tasks) {
    if (!graph_.node(t.node_id)) {
      unknown.insert(t.node_id);
      continue;
    }
    by_node[t.node_id].push_back(&t);
  }
  unknown_nodes_.assign(unknown.begin(), unknown.end());

  // Restart records not seen before count like restart events (the push may be all we get).
  for (const auto& r : metrics.restarts) {
    const bool seen = std::any_of(restarts_.begin(), restarts_.end(), [&](const auto& old) {
      return old.at == r.at && old.cause == r.cause;
    });
    if (seen) continue;
    restarts_.push_back(r);
    if (auto id = nodeNamedBy(r.cause)) {
      auto& mark = marked_failed_[*id];
      if (r.at >= mark.at) mark = Marked{r.cause, r.at};
    }
  }
  if (restarts_.size() > kMaxRestarts) {
    restarts_.erase(restarts_.begin(), restarts_.end() - kMaxRestarts);
  }
  for (const auto& c : metrics.checkpoints) {
    auto it = std::find_if(checkpoints_.begin(), checkpoints_.end(),
                           [&](const auto& old) { return old.id == c.id; });
    if (it != checkpoints_.end()) {
      *it = c;  // an in-progress checkpoint completed or failed
    } else {
      checkpoints_.push_back(c);
    }
  }
  std::sort(checkpoints_.begin(), checkpoints_.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  if (checkpoints_.size() > kMaxCheckpoints) {
    checkpoints_.erase(checkpoints_.begin(), checkpoints_.end() - kMaxCheckpoints);
  }

  for (auto& [id, samples] : by_node) {
    NodeStats stats;
    stats.node_id = id;
    const std::size_t n = samples.size();
    bool all_running = true;
    for (const auto* t : samples) {
      InstanceStats s = instanceFrom(*t);
      stats.records_in_per_second += s.records_in_per_second;
      stats.records_out_per_second += s.records_out_per_second;
      accumulate(stats.busy, s.busy, n);
      accumulate(stats.backpressured, s.backpressured, n);
      accumulate(stats.idle, s.idle, n);
      stats.input_fill = std::max(stats.input_fill, s.input_fill);
      stats.watermark_lag_ms = std::max(stats.watermark_lag_ms, s.watermark_lag_ms);
      stats.kafka_lag.insert(stats.kafka_lag.end(), s.kafka_lag_by_partition.begin(),
                             s.kafka_lag_by_partition.end());
      stats.kafka_lag_total += s.kafka_lag;
      stats.late_records += s.late_records;
      stats.dead_letters += s.dead_letters;
      stats.skipped_records += s.skipped_records;
      stats.dropped_records += s.dropped_records;
      stats.committed_records += s.committed_records;
      if (s.state != "running") all_running = false;
      if (isFailing(s.state) && !stats.failed) {
        stats.failed = true;
        stats.failure = "instance #" + std::to_string(s.subtask) + " is " + s.state;
      }
      stats.instances.push_back(std::move(s));
    }
    std::sort(stats.instances.begin(), stats.instances.end(),
              [](const auto& a, const auto& b) { return a.subtask < b.subtask; });
    std::sort(stats.kafka_lag.begin(), stats.kafka_lag.end(), [](const auto& a, const auto& b) {
      return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
    });

    if (auto mark = marked_failed_.find(id); mark != marked_failed_.end()) {
      if (all_running && metrics.at >= mark->second.at + kFailureHoldMs) {
        marked_failed_.erase(mark);
      } else {
        stats.failed = true;
        stats.failure = mark->second.cause;  // the node's own words beat "instance #0 is failed"
      }
    }

    auto& history = history_.try_emplace(id, history_window_ms_).first->second;
    history.push(HistoryPoint{metrics.at, stats.records_in_per_second, stats.records_out_per_second,
                              stats.busy.max, stats.backpressured.max, stats.kafka_lag_total,
                              stats.watermark_lag_ms});
    nodes_[id] = std::move(stats);
  }
  // Marked operators without instances in this sample (a restarting job reports none) stay red.
  for (const auto& [id, mark] : marked_failed_) {
    if (graph_.node(id) && !by_node.count(id)) {
      NodeStats& stats = nodes_[id];
      stats.node_id = id;
      stats.failed = true;
      stats.failure = mark.cause;
    }
  }
  last_sample_at_ = std::max(last_sample_at_, metrics.at);
  computeEdges();
}

// Which side's back-pressure colours an edge: the SENDER's. Flink measures back-pressure where
// a task cannot emit because the downstream input is full, so a sender that is back-pressured
// 80 % of the time means "the operator this edge leads into does not keep up": the red edge
// then points at the bottleneck, which is how a user reads a coloured arrow. Colouring by the
// receiver's own back-pressured time would paint the edge into a blocked operator red while
// the edge into the real bottleneck (busy 100 %, never back-pressured itself) stayed green.
// A sender with several outgoing edges is blocked by one of them at a time, so its ratio goes
// only to the edges whose receiver has a (nearly) full input queue.
// Throughput: the metrics count records per task, not per edge. The receiver's input rate is
// exact when the edge is its only input; otherwise the sender's output rate when the edge is
// its only output; otherwise the receiver's input rate shared across its inputs.
void MonitorModel::computeEdges() {
  edges_.assign(graph_.edges.size(), {});
  std::map<std::string, int> out_degree, in_degree;
  for (const auto& e : graph_.edges) {
    ++out_degree[e.from.node];
    ++in_degree[e.to.node];
  }
  for (std::size_t i = 0; i < graph_.edges.size(); ++i) {
    const graphs::Edge& e = graph_.edges[i];
    EdgeStats& s = edges_[i];
    s.from = e.from;
    s.to = e.to;
    const NodeStats* sender = node(e.from.node);
    const NodeStats* receiver = node(e.to.node);
    if (receiver) s.receiver_input_fill = receiver->input_fill;
    if (receiver && in_degree[e.to.node] == 1) {
      s.records_per_second = receiver->records_in_per_second;
    } else if (sender && out_degree[e.from.node] == 1) {
      s.records_per_second = sender->records_out_per_second;
    } else if (receiver) {
      s.records_per_second = receiver->records_in_per_second / in_degree[e.to.node];
    }
    if (sender) {
      const bool attributable = out_degree[e.from.node] == 1 || s.receiver_input_fill >= kFullInput;
      s.backpressure = attributable ? sender->backpressured.max : 0.0;
    }
    s.pressure = pressureClass(s.backpressure);
  }
}

}  // namespace rivulet::editor::monitor
