// An operator exception in the middle of a checkpointed Kafka → window → Kafka job run by
// `rivulet run --plugin`: the test plugin `fail_once` (fail_once_plugin/) sits between the
// window and the sink and throws once per process, the graph's fixed-delay restart strategy
// restarts the job inside the same process from its latest checkpoint, the job ends with exit 0,
// and the output read with read_committed equals the results computed from the input: nothing
// lost, nothing duplicated. The plugin's marker file shows that the exception was thrown once
// and the operators were opened again (`rivulet run` itself prints nothing about restarts).

#include <gtest/gtest.h>

#include <iostream>

#include "fault_test_support.hpp"

namespace rivulet::runtime {
namespace {

using namespace faulttest;

constexpr long kEvents = 200000;  // 100 s of event time: 2 events per user and 1 s window
constexpr long kEventsPerMs = 2;
constexpr int kPartitions = 16;
constexpr int kParallelism = 2;
constexpr long kFailAt = 20000;  // of the ~50 000 results each pass-through instance sees

std::vector<std::string> read_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(OperatorFailureTest, ExceptionRestartsTheJobInProcessAndOutputStaysExact) {
  TempDir dir("rivulet-operator-failure-test");
  Workload workload;
  workload.events = kEvents;
  workload.partitions = kPartitions;
  workload.per_ms = kEventsPerMs;
  const LoadedBroker broker = start_loaded_broker(workload, 1000, {"out"});
  const std::string& bootstrap = broker.bootstrap;
  const RowCounts& expected = broker.expected;

  const fs::path marker = dir / "marker.txt";
  PipelineOptions options;
  options.name = "operator-failure-test";
  options.input_partitions = kPartitions;
  options.output_topic = "out";
  options.group_id = "operator-failure-test";
  options.transactional_id_prefix = "operator-failure-test";
  options.window_ms = 1000;
  options.parallelism = kParallelism;
  options.pass_through_kind = "fail_once";
  options.pass_through_parameters = R"({"name": "fail_at", "value": {"intValue": ")" +
                                    std::to_string(kFailAt) + R"("}}, )" +
                                    string_param("marker_file", marker.string());
  options.runtime_json = R"({"checkpointIntervalMs": "200", "restartStrategy": )"
                         R"({"fixedDelay": {"attempts": 3, "delayMs": "200"}}})";
  write_file(dir / "graph.json", pipeline_json(options));

  const RunResult run = run_to_end(run_argv(dir / "graph.json", bootstrap, dir / "checkpoints", 200,
                                            {"--plugin", RIVULET_FAIL_ONCE_PLUGIN}));
  ASSERT_EQ(run.exit_code, std::optional<int>(0)) << run.err;
  std::cout << "run: " << run.seconds << " s; stderr: " << run.err << std::endl;

  // The exception happened once, and every instance was opened again after it.
  const std::vector<std::string> lines = read_lines(marker);
  long threw = 0;
  long opened = 0;
  for (const std::string& line : lines) {
    threw += line.rfind("threw ", 0) == 0;
    opened += line.rfind("open ", 0) == 0;
  }
  std::string all;
  for (const std::string& line : lines) all += line + "\n";
  EXPECT_EQ(threw, 1) << all;
  EXPECT_EQ(opened, 2 * kParallelism) << "expected one restart of every instance:\n" << all;

  const TopicContents out = read_committed_to_end(bootstrap, "out", kPartitions);
  EXPECT_EQ(out.problem, "");
  const ParsedRows rows = parse_rows(out.values);
  EXPECT_EQ(rows.bad, 0) << "e.g. " << rows.bad_example;
  std::cout << "expected " << total(expected) << " rows; got " << rows.total << " (delivery "
            << kDelivery << ")" << std::endl;
  const std::string difference =
      compare_rows(expected, rows.rows, "output after the restart vs the input");
  EXPECT_TRUE(difference.empty()) << difference;
}

}  // namespace
}  // namespace rivulet::runtime
