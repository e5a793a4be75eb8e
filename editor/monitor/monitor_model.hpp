#pragma once
// What monitor mode shows, computed from the node's metrics push without any widget: per graph
// node the rates summed over its instances, busy / back-pressured / idle time (max and mean over
// instances), lags, counters and the per-instance rows; per edge the throughput and its
// back-pressure class; a five-minute history per node. The canvas overlays, the panels and the
// tests read it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "editor/monitor/metric_history.hpp"
#include "editor/monitor/pressure_class.hpp"
#include "graphs/control_types.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor::monitor {

// Times are fractions of the sampled second (0..1), from TaskSample's ms-per-second values.
struct InstanceStats {
  std::uint32_t subtask = 0;
  std::string state;
  double records_in_per_second = 0, records_out_per_second = 0;
  double busy = 0, backpressured = 0, idle = 0;
  double input_fill = 0;  // fullest input channel, 0..1
  std::int64_t watermark_lag_ms = 0;
  std::int64_t kafka_lag = 0;  // summed over the instance's partitions
  std::vector<graphs::control::PartitionLag> kafka_lag_by_partition;
  std::uint64_t late_records = 0, dead_letters = 0, skipped_records = 0, dropped_records = 0;
  std::uint64_t committed_records = 0;
};

struct TimeShare {
  double max = 0;
  double mean = 0;
};

struct NodeStats {
  std::string node_id;
  double records_in_per_second = 0, records_out_per_second = 0;  // summed over instances
  TimeShare busy, backpressured, idle;
  double input_fill = 0;              // fullest input channel of any instance
  std::int64_t watermark_lag_ms = 0;  // the largest over instances (the slowest one holds it)
  std::vector<graphs::control::PartitionLag> kafka_lag;  // all partitions, by topic, partition
  std::int64_t kafka_lag_total = 0;
  std::uint64_t late_records = 0, dead_letters = 0, skipped_records = 0, dropped_records = 0;
  std::uint64_t committed_records = 0;
  std::vector<InstanceStats> instances;  // by subtask
  // A failed or restarting instance (its state), or a failure/restart the node reported that
  // names this operator; `failure` says why.
  bool failed = false;
  std::string failure;
};

struct EdgeStats {
  graphs::Endpoint from, to;
  double records_per_second = 0;
  // The back-pressure ratio that colours the edge (see MonitorModel::apply for which side).
  double backpressure = 0;
  PressureClass pressure = PressureClass::Ok;
  double receiver_input_fill = 0;
};

class MonitorModel {
 public:
  explicit MonitorModel(std::int64_t history_window_ms = MetricHistory::kDefaultWindowMs)
      : history_window_ms_(history_window_ms) {}

  // The graph the metrics belong to (edges are not part of the metrics). Clears all state.
  void setGraph(graphs::Graph graph);
  const graphs::Graph& graph() const { return graph_; }

  // Folds in one metrics sample. Instances of node ids not in the graph are counted in
  // unknownNodes() rather than dropped silently (a job deployed from another graph version).
  void apply(const graphs::control::JobMetrics& metrics);
  // A failure or restart event: marks the operator its message names ("node#1: cause") red
  // until a later sample shows all of its instances running again.
  void applyEvent(const graphs::control::JobEvent& event);
  void clear();

  bool hasSample() const { return last_sample_at_ > 0 || !nodes_.empty(); }
  std::int64_t lastSampleAt() const { return last_sample_at_; }
  const NodeStats* node(const std::string& id) const;
  const std::map<std::string, NodeStats>& nodes() const { return nodes_; }
  // Parallel to graph().edges.
  const std::vector<EdgeStats>& edges() const { return edges_; }
  const MetricHistory* history(const std::string& node_id) const;
  const std::vector<graphs::control::CheckpointRecord>& checkpoints() const { return checkpoints_; }
  const std::vector<graphs::control::RestartRecord>& restarts() const { return restarts_; }
  const std::vector<std::string>& unknownNodes() const { return unknown_nodes_; }

  // The operator a failure message names: "alerts#1: division by zero" → "alerts", when the
  // graph has such a node; nullopt otherwise.
  std::optional<std::string> nodeNamedBy(const std::string& message) const;

 private:
  void computeEdges();

  struct Marked {
    std::string cause;
    std::int64_t at = 0;
  };

  std::int64_t history_window_ms_;
  graphs::Graph graph_;
  std::map<std::string, NodeStats> nodes_;
  std::map<std::string, MetricHistory> history_;
  std::map<std::string, Marked> marked_failed_;
  std::vector<EdgeStats> edges_;
  std::vector<graphs::control::CheckpointRecord> checkpoints_;
  std::vector<graphs::control::RestartRecord> restarts_;
  std::vector<std::string> unknown_nodes_;
  std::int64_t last_sample_at_ = 0;
};

}  // namespace rivulet::editor::monitor
