// `rivulet run` end to end, as a child process: argument errors, the plan, bounded jobs compared
// record by record with an expected file, a pipeline through the embedded Kafka broker stopped
// with SIGINT. No assertion depends on wall-clock time; timeouts only keep a broken build from
// hanging. Every child is killed and reaped by ChildProcess, every temporary file removed.

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.hpp"

namespace rivulet::runtime {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using processtest::ChildProcess;
using processtest::Outcome;
using processtest::run_rivulet;

const fs::path kData = fs::path(RIVULET_SOURCE_DIR) / "tests" / "runtime" / "data";

std::vector<std::string> read_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void expect_one_line_error(const Outcome& outcome, const std::string& mentions) {
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.err.rfind("rivulet: error: ", 0), 0u) << outcome.err;
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
  EXPECT_NE(outcome.err.find(mentions), std::string::npos) << outcome.err;
}

class RunCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rivulet-run-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string out_path() const { return (dir_ / "out.jsonl").string(); }

  fs::path dir_;
};

TEST_F(RunCommandTest, BadSetValueNamesNodeAndParameter) {
  expect_one_line_error(
      run_rivulet({"run", (kData / "cards_to_file.json").string(), "--set", "gen.count=many"}),
      "--set gen.count: parameter 'count' of node 'gen': expected an integer, got 'many'");
  expect_one_line_error(
      run_rivulet({"run", (kData / "cards_to_file.json").string(), "--set", "gen.cuont=1"}),
      "node 'gen' (datagen) has no parameter 'cuont'");
  expect_one_line_error(
      run_rivulet({"run", (kData / "cards_to_file.json").string(), "--set", "nope.count=1"}),
      "no node 'nope'");
  // Out of range is the validator's finding, with node and field.
  Outcome range =
      run_rivulet({"run", (kData / "cards_to_file.json").string(), "--set", "gen.count=-1"});
  EXPECT_EQ(range.exit_code, 1);
  EXPECT_NE(range.err.find("node 'gen', field 'parameters.count'"), std::string::npos) << range.err;
}

TEST_F(RunCommandTest, DryRunPrintsTasksAndChannels) {
  Outcome plan = run_rivulet({"run", "--dry-run", (kData / "cards_to_file.json").string()});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("gen#0 [datagen] in=0 | out forward -> out#0"), std::string::npos)
      << plan.out;
  EXPECT_NE(plan.out.find("out#0 [file_sink] in=1"), std::string::npos) << plan.out;
}

TEST_F(RunCommandTest, BoundedDatagenToFileMatchesTheExpectedFile) {
  Outcome run = run_rivulet(
      {"run", (kData / "cards_to_file.json").string(), "--set", "out.path=" + out_path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(read_lines(out_path()), read_lines(kData / "cards_expected.jsonl"));
  // The summary: per operator totals and the duration.
  EXPECT_NE(run.out.find("RECORDS IN"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("duration "), std::string::npos) << run.out;
}

TEST_F(RunCommandTest, CheckpointDirReceivesCompleteCheckpoints) {
  // 500 records at 500/s: about a second of running, checkpoints every 100 ms.
  const fs::path checkpoints = dir_ / "checkpoints";
  Outcome run = run_rivulet({"run", (kData / "cards_to_file.json").string(), "--set",
                             "out.path=" + out_path(), "--set", "gen.rate=500", "--checkpoint-dir",
                             checkpoints.string(), "--checkpoint-interval", "100"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Same records as without checkpoints; only event times differ (they follow the rate).
  auto without_time = [](std::vector<std::string> lines) {
    for (std::string& line : lines) line = line.substr(0, line.find(",\"ts\":"));
    return lines;
  };
  EXPECT_EQ(without_time(read_lines(out_path())),
            without_time(read_lines(kData / "cards_expected.jsonl")));
  std::size_t complete = 0;
  for (const auto& entry : fs::directory_iterator(checkpoints)) {
    if (fs::exists(entry.path() / "MANIFEST")) ++complete;
  }
  EXPECT_GE(complete, 1u) << "no complete checkpoint in " << checkpoints;
  EXPECT_LE(complete, 3u);  // the graph's default checkpointsRetained
}

TEST_F(RunCommandTest, FilterBetweenDatagenAndFileKeepsTheMatchingRecords) {
  const std::string graph = (kData / "cards_filtered.json").string();
  Outcome run = run_rivulet({"run", graph, "--set", "out.path=" + out_path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The expectation: the unfiltered expected records whose amount is above 50, in order.
  std::vector<std::string> expected;
  for (const std::string& line : read_lines(kData / "cards_expected.jsonl")) {
    const std::size_t at = line.find("\"amount\":");
    ASSERT_NE(at, std::string::npos) << line;
    if (std::strtod(line.c_str() + at + 9, nullptr) > 50) expected.push_back(line);
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(read_lines(out_path()), expected);
}

TEST_F(RunCommandTest, TwoGraphsShareTheEmbeddedBrokerAndSigintStopsCleanly) {
  // cards_to_kafka produces the expected records to "cards"; kafka_to_file reads them back into
  // a file. The Kafka source is unbounded, so the job runs until SIGINT.
  ChildProcess child({RIVULET_CLI, "run", (kData / "cards_to_kafka.json").string(),
                      (kData / "kafka_to_file.json").string(), "--set", "out.path=" + out_path(),
                      "--show", "cards"});
  const std::vector<std::string> expected = read_lines(kData / "cards_expected.jsonl");
  // --show prints each record of the topic on its own line (stdout is a pipe), and the table's
  // periodic log lines carry totals: stop once every record was shown and reached the sink (the
  // file itself is only complete once the sink flushes at the end).
  const std::string sink_done = "] out: ";
  const std::string all_in = ", " + std::to_string(expected.size()) + " in ";
  std::size_t shown = 0;
  bool sink_has_all = false;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while ((shown < expected.size() || !sink_has_all) && std::chrono::steady_clock::now() < give_up) {
    auto line = child.read_line(100ms);
    if (!line) continue;
    shown += line->rfind("cards: {", 0) == 0;
    sink_has_all = sink_has_all || (line->find(sink_done) != std::string::npos &&
                                    line->find(all_in) != std::string::npos);
  }
  EXPECT_TRUE(sink_has_all);
  EXPECT_EQ(shown, expected.size());
  child.signal(SIGINT);
  auto code = child.wait(60s);
  ASSERT_TRUE(code) << "rivulet run did not stop on SIGINT";
  EXPECT_EQ(*code, 0) << child.err();
  // One partition (both nodes have parallelism 1), so Kafka keeps the order.
  EXPECT_EQ(read_lines(out_path()), expected);
  EXPECT_NE(child.out().find("duration "), std::string::npos) << child.out();
}

}  // namespace
}  // namespace rivulet::runtime
