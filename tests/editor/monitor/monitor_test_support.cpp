#include "monitor_test_support.hpp"

namespace rivulet::editor::test {

graphs::Graph pipelineGraph() {
  graphs::Graph g;
  g.name = "pipeline";
  const char* kinds[] = {"events_source", "filter", "key_by", "window_count", "print_sink"};
  for (int i = 0; i < 5; ++i) {
    graphs::Node n;
    n.id = kPipeline[i];
    n.kind = kinds[i];
    n.position = {i * 300.0, 0};
    g.nodes.push_back(n);
    if (i > 0) {
      graphs::Edge e;
      e.from = {kPipeline[i - 1], "out"};
      e.to = {n.id, "in"};
      g.edges.push_back(e);
    }
  }
  g.nodes[0].parameters.push_back(
      {"schema", graphs::Value(graphs::Schema{{"user", graphs::FieldType::String, false},
                                              {"amount", graphs::FieldType::Float64, false}})});
  g.nodes[1].parameters.push_back({"condition", graphs::Value(graphs::Expression{"amount > 1"})});
  g.nodes[2].parameters.push_back({"keys", graphs::Value(graphs::StringList{"user"})});
  g.nodes[3].parameters.push_back({"size", graphs::Value(graphs::Duration{1000})});
  return g;
}

graphs::control::TaskSample task(const std::string& node, std::uint32_t subtask, double in_rate,
                                 double out_rate, double busy_ms, double backpressured_ms,
                                 std::uint32_t parallelism) {
  graphs::control::TaskSample t;
  t.node_id = node;
  t.subtask = subtask;
  t.parallelism = parallelism;
  t.state = "running";
  t.records_in_per_second = in_rate;
  t.records_out_per_second = out_rate;
  t.busy_ms_per_second = busy_ms;
  t.backpressured_ms_per_second = backpressured_ms;
  t.idle_ms_per_second = std::max(0.0, 1000 - busy_ms - backpressured_ms);
  return t;
}

graphs::control::JobMetrics busyPipeline(std::int64_t at, const std::string& job) {
  graphs::control::JobMetrics m;
  m.job = job;
  m.at = at;
  m.tasks.push_back(task("source", 0, 0, 1000, 300, 0));
  m.tasks.back().kafka_lag = {{"payments", 0, 120}, {"payments", 1, 30}};
  m.tasks.back().watermark_lag_ms = 1500;
  m.tasks.push_back(task("filter", 0, 1000, 800, 400, 0));
  m.tasks.push_back(task("key_by", 0, 800, 800, 200, 0));
  m.tasks.push_back(task("window", 0, 400, 10, 500, 0, 2));
  m.tasks.push_back(task("window", 1, 400, 10, 700, 0, 2));
  m.tasks.push_back(task("sink", 0, 20, 0, 100, 0));
  m.tasks.back().committed_records = 1234;
  return m;
}

}  // namespace rivulet::editor::test
