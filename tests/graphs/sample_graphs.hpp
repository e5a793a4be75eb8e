#pragma once
// Graphs shared by the I/O tests: one that exercises every member of the model.

#include <cmath>
#include <cstdint>
#include <limits>

#include "graphs/graph.hpp"

namespace rivulet::graphs::testing {

// Every Value variant, every partitioning, awkward doubles, non-default runtime settings.
inline Graph rich_graph() {
  Graph g;
  g.name = "fraud-detection";
  g.description =
      "Flags cards with many large payments.\nSecond line, \"quoted\", tab\there, ünïcode.";

  Node source{"payments", "kafka_source", "Payments", {}, 4, {0.1, -1e300}};
  source.set_parameter("topic", Value{std::string("payments")});
  source.set_parameter("from_beginning", Value{false});
  source.set_parameter("batch", Value{std::int64_t{9007199254740993}});  // not a double
  source.set_parameter("min_int", Value{std::numeric_limits<std::int64_t>::min()});
  source.set_parameter("max_int", Value{std::numeric_limits<std::int64_t>::max()});
  source.set_parameter("schema", Value{Schema{{"card", FieldType::String, false},
                                              {"amount", FieldType::Float64, false},
                                              {"id", FieldType::Int64, false},
                                              {"ok", FieldType::Bool, true},
                                              {"ts", FieldType::Timestamp, false}}});
  source.set_parameter("empty_schema", Value{Schema{}});

  Node filter{"large", "filter", "", {}, 1, {1.0 / 3.0, 5e-324}};
  filter.set_parameter("predicate", Value{Expression{"amount > 1000.0 AND card <> ''"}});
  filter.set_parameter("ratio", Value{0.1});
  filter.set_parameter("tiny", Value{-2.2250738585072014e-308});
  filter.set_parameter("huge", Value{1.7976931348623157e308});
  filter.set_parameter("enabled", Value{true});
  filter.set_parameter("empty", Value{std::string()});

  Node window{"per_card", "tumbling_window", "Per card", {}, 8, {-0.0, 123456.789}};
  window.set_parameter("size", Value{Duration{60000}});
  window.set_parameter("negative", Value{Duration{-1}});
  window.set_parameter("aggregates", Value{StringList{"count(*) AS n", "sum(amount) AS total"}});
  window.set_parameter("no_keys", Value{StringList{}});

  Node alert{"alerts", "alert", "Alert", {}, 0, {1e-300, 42}};
  alert.set_parameter("threshold", Value{std::int64_t{5}});
  alert.set_parameter("zero", Value{0.0});

  Node sink{"out", "file_sink", "", {}, 1, {}};

  g.nodes = {source, filter, window, alert, sink};
  g.edges = {
      {{"payments", "out"}, {"large", "in"}, {PartitioningKind::Forward, {}}},
      {{"large", "out"}, {"per_card", "in"}, {PartitioningKind::Hash, {"card", "id"}}},
      {{"per_card", "out"}, {"alerts", "in"}, {PartitioningKind::Broadcast, {}}},
      {{"alerts", "out"}, {"out", "in"}, {PartitioningKind::Rebalance, {}}},
      {{"payments", "out"}, {"out", "in"}, {PartitioningKind::Hash, {}}},
  };

  g.runtime.checkpoint_interval_ms = 10000;
  g.runtime.state_backend = StateBackend::RocksDb;
  g.runtime.restart.kind = RestartKind::ExponentialBackoff;
  g.runtime.restart.initial_delay_ms = 100;
  g.runtime.restart.max_delay_ms = 60000;
  g.runtime.restart.multiplier = 1.5;
  g.runtime.restart.attempts = 10;
  g.runtime.checkpoint_directory = "/var/lib/rivulet/checkpoints";
  g.runtime.checkpoints_retained = 0;
  return g;
}

}  // namespace rivulet::graphs::testing
