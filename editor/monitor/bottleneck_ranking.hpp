#pragma once
// The Top-N of operator instances a user looks at to find the bottleneck (after the page Flink
// users asked for in FLINK-39489): most back-pressured, busiest, most-lagging sources.

#include <cstdint>
#include <string>
#include <vector>

#include "editor/monitor/monitor_model.hpp"

namespace rivulet::editor::monitor {

enum class RankBy { Backpressured, Busy, SourceLag };

struct RankedInstance {
  std::string node_id;
  std::uint32_t subtask = 0;
  double backpressured = 0, busy = 0;
  std::int64_t kafka_lag = 0, watermark_lag_ms = 0;
};

// Every instance of every node, highest first by `by` (ties: the other measures, then node id
// and subtask, so the order is stable between samples). SourceLag lists only instances with a
// Kafka or watermark lag, by Kafka lag, then watermark lag.
std::vector<RankedInstance> rankInstances(const MonitorModel& model, RankBy by);

}  // namespace rivulet::editor::monitor
