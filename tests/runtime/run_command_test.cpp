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
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.hpp"
#include "runtime/checkpoint/directory_checkpoint_store.hpp"

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

// Lines without the event time (it follows the wall clock when datagen has a rate).
std::vector<std::string> without_time(std::vector<std::string> lines) {
  for (std::string& line : lines) line = line.substr(0, line.find(",\"ts\":"));
  return lines;
}

// A savepoint of cards_to_file as `rivulet run --savepoint-on-stop` would write it: datagen
// subtasks at `position` (its state blob) and the stateless sink; `extra` tasks with state.
void write_savepoint(const fs::path& dir, std::uint64_t position, std::uint32_t gen_parallelism = 1,
                     const std::vector<std::string>& extra = {}) {
  auto store = checkpoint::DirectoryCheckpointStore::open_savepoint(
      dir, checkpoint::JobIdentity{"cards-to-file", {"gen", "out"}});
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->begin(17));
  std::byte bytes[sizeof position];
  std::memcpy(bytes, &position, sizeof position);
  for (std::uint32_t i = 0; i < gen_parallelism; ++i) {
    auto writer = (*store)->writer(17, "gen#" + std::to_string(i));
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->write_blob("position", bytes));
  }
  ASSERT_TRUE((*store)->writer(17, "out#0"));
  for (const std::string& task : extra) {
    auto writer = (*store)->writer(17, task);
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->write_blob("state", bytes));
  }
  auto complete = (*store)->complete(17);
  ASSERT_TRUE(complete) << complete.error().message;
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

  // `rivulet run` confines file paths to the working directory unless --file-root says
  // otherwise: the tests' output files are in dir_, so every run is given it.
  Outcome run_rivulet(std::vector<std::string> args) const {
    if (!args.empty() && args[0] == "run")
      args.insert(args.begin() + 1, {"--file-root", dir_.string()});
    return processtest::run_rivulet(args);
  }
  std::vector<std::string> run_argv(std::vector<std::string> args) const {
    args.insert(args.begin(), {RIVULET_CLI, "run", "--file-root", dir_.string()});
    return args;
  }

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
  ChildProcess child(
      run_argv({(kData / "cards_to_kafka.json").string(), (kData / "kafka_to_file.json").string(),
                "--set", "out.path=" + out_path(), "--show", "cards"}));
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

TEST_F(RunCommandTest, FromSavepointResumesWhereTheSavepointWasTaken) {
  const fs::path savepoint = dir_ / "sp";
  write_savepoint(savepoint, 200);
  Outcome run = run_rivulet({"run", (kData / "cards_to_file.json").string(), "--set",
                             "out.path=" + out_path(), "--from-savepoint", savepoint.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> expected = read_lines(kData / "cards_expected.jsonl");
  EXPECT_EQ(read_lines(out_path()),
            std::vector<std::string>(expected.begin() + 200, expected.end()));
  EXPECT_NE(run.err.find("starting from savepoint " + savepoint.string() + " (checkpoint 17)"),
            std::string::npos)
      << run.err;
  EXPECT_TRUE(fs::exists(savepoint / "MANIFEST"));  // only read
}

TEST_F(RunCommandTest, FromSavepointWithCheckpointDirCheckpointsAfterTheSavepoint) {
  const fs::path savepoint = dir_ / "sp";
  const fs::path checkpoints = dir_ / "checkpoints";
  write_savepoint(savepoint, 200);
  // 300 records left at 500/s: about 0.6 s, checkpoints every 50 ms.
  Outcome run = run_rivulet({"run", (kData / "cards_to_file.json").string(), "--set",
                             "out.path=" + out_path(), "--set", "gen.rate=500", "--from-savepoint",
                             savepoint.string(), "--checkpoint-dir", checkpoints.string(),
                             "--checkpoint-interval", "50"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> expected = read_lines(kData / "cards_expected.jsonl");
  EXPECT_EQ(without_time(read_lines(out_path())),
            without_time(std::vector<std::string>(expected.begin() + 200, expected.end())));
  std::size_t complete = 0;
  for (const auto& entry : fs::directory_iterator(checkpoints)) {
    if (!fs::exists(entry.path() / "MANIFEST")) continue;
    ++complete;
    const std::string name = entry.path().filename().string();  // chk-<id>
    EXPECT_GT(std::stoull(name.substr(4)), 17u) << name;  // ids continue after the savepoint's
  }
  EXPECT_GE(complete, 1u);
}

TEST_F(RunCommandTest, FromSavepointNamesANodeWithStateThatIsNotInTheGraph) {
  const fs::path savepoint = dir_ / "sp";
  write_savepoint(savepoint, 200, 1, {"enrich#0"});
  const std::vector<std::string> args = {"run",
                                         (kData / "cards_to_file.json").string(),
                                         "--set",
                                         "out.path=" + out_path(),
                                         "--from-savepoint",
                                         savepoint.string()};
  expect_one_line_error(run_rivulet(args),
                        "savepoint " + savepoint.string() +
                            ": node 'enrich' has state in the savepoint but is not in the graph "
                            "(pass --allow-non-restored-state to drop it)");
  EXPECT_FALSE(fs::exists(out_path()));  // nothing ran

  std::vector<std::string> allowed = args;
  allowed.push_back("--allow-non-restored-state");
  Outcome run = run_rivulet(allowed);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("rivulet: warning: savepoint " + savepoint.string() +
                         ": dropping the state of node 'enrich' (not in the graph)"),
            std::string::npos)
      << run.err;
  const std::vector<std::string> expected = read_lines(kData / "cards_expected.jsonl");
  EXPECT_EQ(read_lines(out_path()),
            std::vector<std::string>(expected.begin() + 200, expected.end()));
}

TEST_F(RunCommandTest, DryRunChecksTheSavepointToo) {
  const fs::path savepoint = dir_ / "sp";
  write_savepoint(savepoint, 200, 1, {"enrich#0"});
  std::vector<std::string> args = {"run",
                                   (kData / "cards_to_file.json").string(),
                                   "--set",
                                   "out.path=" + out_path(),
                                   "--from-savepoint",
                                   savepoint.string(),
                                   "--dry-run"};
  expect_one_line_error(run_rivulet(args),
                        "savepoint " + savepoint.string() +
                            ": node 'enrich' has state in the savepoint but is not in the graph "
                            "(pass --allow-non-restored-state to drop it)");
  args.push_back("--allow-non-restored-state");
  Outcome planned = run_rivulet(args);
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.out.find("gen#0"), std::string::npos) << planned.out;  // the plan
  EXPECT_FALSE(fs::exists(out_path()));                                    // nothing ran
}

TEST_F(RunCommandTest, FromSavepointRefusesAChangedParallelism) {
  const fs::path savepoint = dir_ / "sp";
  write_savepoint(savepoint, 200, /*gen_parallelism=*/2);
  for (bool allow : {false, true}) {  // dropping state does not cover rescaling
    std::vector<std::string> args = {"run",
                                     (kData / "cards_to_file.json").string(),
                                     "--set",
                                     "out.path=" + out_path(),
                                     "--from-savepoint",
                                     savepoint.string()};
    if (allow) args.push_back("--allow-non-restored-state");
    expect_one_line_error(run_rivulet(args),
                          "savepoint " + savepoint.string() +
                              ": node 'gen' has state for parallelism 2 in the savepoint but "
                              "parallelism 1 in the graph; rescaling stateful nodes is not "
                              "supported yet");
  }
}

TEST_F(RunCommandTest, SavepointFlagsAreCheckedBeforeAnythingRuns) {
  const std::string graph = (kData / "cards_to_file.json").string();
  const std::string out = "out.path=" + out_path();
  expect_one_line_error(
      run_rivulet({"run", graph, "--set", out, "--from-savepoint", (dir_ / "nope").string()}),
      "savepoint " + (dir_ / "nope").string() + ": no such directory");
  fs::create_directories(dir_ / "taken");
  expect_one_line_error(
      run_rivulet({"run", graph, "--set", out, "--savepoint-on-stop", (dir_ / "taken").string()}),
      "savepoint " + (dir_ / "taken").string() + ": already exists");
  fs::create_directories(dir_ / "empty");
  expect_one_line_error(
      run_rivulet({"run", graph, "--set", out, "--from-savepoint", (dir_ / "empty").string()}),
      "savepoint " + (dir_ / "empty").string() + ": holds no complete savepoint or checkpoint");
  expect_one_line_error(run_rivulet({"run", graph, "--allow-non-restored-state"}),
                        "--from-savepoint");
  EXPECT_FALSE(fs::exists(out_path()));
}

TEST_F(RunCommandTest, SavepointOnStopThenResumeMatchesAnUninterruptedRun) {
  // 500 records at 200/s: about 2.5 s of running; --for stops it with a savepoint halfway.
  const std::string graph = (kData / "cards_to_file.json").string();
  const fs::path savepoint = dir_ / "savepoints" / "sp-1";
  const std::string first = (dir_ / "first.jsonl").string();
  Outcome stopped =
      run_rivulet({"run", graph, "--set", "out.path=" + first, "--set", "gen.rate=200", "--for",
                   "1", "--savepoint-on-stop", savepoint.string()});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_NE(stopped.out.find("savepoint written to " + savepoint.string() + " (checkpoint "),
            std::string::npos)
      << stopped.out << stopped.err;
  ASSERT_TRUE(fs::exists(savepoint / "MANIFEST"));
  const std::vector<std::string> before = read_lines(first);
  const std::vector<std::string> expected = read_lines(kData / "cards_expected.jsonl");
  ASSERT_LT(before.size(), expected.size()) << "the job ended before the stop";

  const std::string second = (dir_ / "second.jsonl").string();
  Outcome resumed = run_rivulet(
      {"run", graph, "--set", "out.path=" + second, "--from-savepoint", savepoint.string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  std::vector<std::string> both = before;
  for (std::string& line : read_lines(second)) both.push_back(std::move(line));
  EXPECT_EQ(without_time(both), without_time(expected));  // nothing lost, nothing twice
}

TEST_F(RunCommandTest, SigintWithSavepointOnStopWritesTheSavepoint) {
  // 500 records at 100/s: 5 s of running; the table's first log line (printed at once on a
  // pipe) says the job runs, and SIGINT stops it long before its input ends.
  const std::string graph = (kData / "cards_to_file.json").string();
  const fs::path savepoint = dir_ / "sp";
  const std::string first = (dir_ / "first.jsonl").string();
  ChildProcess child(run_argv({graph, "--set", "out.path=" + first, "--set", "gen.rate=100",
                               "--savepoint-on-stop", savepoint.string()}));
  ASSERT_TRUE(child.read_line(60s)) << "rivulet run printed nothing";
  child.signal(SIGINT);
  auto code = child.wait(60s);
  ASSERT_TRUE(code) << "rivulet run did not stop on SIGINT";
  ASSERT_EQ(*code, 0) << child.err();
  EXPECT_NE(child.out().find("savepoint written to " + savepoint.string() + " (checkpoint "),
            std::string::npos)
      << child.out();
  const std::vector<std::string> expected = read_lines(kData / "cards_expected.jsonl");
  std::vector<std::string> both = read_lines(first);
  ASSERT_LT(both.size(), expected.size());

  const std::string second = (dir_ / "second.jsonl").string();
  Outcome resumed = run_rivulet(
      {"run", graph, "--set", "out.path=" + second, "--from-savepoint", savepoint.string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  for (std::string& line : read_lines(second)) both.push_back(std::move(line));
  EXPECT_EQ(without_time(both), without_time(expected));
}

// `rivulet run ... | head`: the reader goes away, the next write fails with EPIPE (SIGPIPE is
// ignored), and the run stops its job as on Ctrl-C and exits 0 without a message, instead of
// dying of SIGPIPE (exit 141) mid-job.
TEST_F(RunCommandTest, AClosedOutputPipeStopsTheJobQuietly) {
  const std::string command = "'" + std::string(RIVULET_CLI) + "' run --file-root '" +
                              dir_.string() + "' '" + (kData / "cards_to_file.json").string() +
                              "' --set gen.count=0 --set gen.rate=200 --set out.path='" +
                              out_path() + "' 2> '" + (dir_ / "err.txt").string() +
                              "' | head -n 1 > /dev/null; echo \"status ${PIPESTATUS[0]}\"";
  ChildProcess shell({"/bin/bash", "-c", command});
  // The table is logged every 5 s: head takes the first line, the next write finds the pipe
  // closed. The timeout only keeps a broken build from hanging.
  ASSERT_EQ(shell.wait(60s).value_or(-1), 0) << shell.err();
  EXPECT_EQ(shell.out(), "status 0\n");
  std::ifstream err_file(dir_ / "err.txt");
  const std::string err((std::istreambuf_iterator<char>(err_file)),
                        std::istreambuf_iterator<char>());
  EXPECT_EQ(err.find("error"), std::string::npos) << err;
  EXPECT_EQ(err.find("output closed"), std::string::npos) << err;
  // The job drained as on Ctrl-C: what reached the file sink is whole lines.
  const std::vector<std::string> lines = read_lines(out_path());
  EXPECT_FALSE(lines.empty());
  for (const std::string& line : lines) EXPECT_EQ(line.back(), '}') << line;
}

// A graph file is untrusted input to `rivulet run` as well (issue 11): its file paths stay
// inside the working directory, or --file-root. Each attack is refused before anything runs,
// naming the node and the parameter, and leaves nothing outside.
TEST_F(RunCommandTest, FilePathsAreConfinedToTheFileRoot) {
  const fs::path root = dir_ / "root";
  const fs::path outside = dir_ / "outside";
  fs::create_directories(root);
  fs::create_directories(outside);
  fs::create_directory_symlink(outside, root / "escape");
  const std::string graph = (kData / "cards_to_file.json").string();
  const auto attempt = [&](const std::string& path) {
    return processtest::run_rivulet(
        {"run", graph, "--file-root", root.string(), "--set", "out.path=" + path});
  };
  for (const std::string& path :
       {std::string("../outside/out.jsonl"), std::string("new/../../outside/out.jsonl"),
        (outside / "out.jsonl").string(), std::string("escape/out.jsonl"),
        std::string("escape/made/out.jsonl")}) {
    const Outcome refused = attempt(path);
    EXPECT_EQ(refused.exit_code, 1) << path << ": " << refused.err;
    EXPECT_NE(refused.err.find("node 'out'"), std::string::npos) << path << ": " << refused.err;
    EXPECT_NE(refused.err.find("path"), std::string::npos) << path << ": " << refused.err;
    EXPECT_NE(refused.err.find("file root"), std::string::npos) << path << ": " << refused.err;
  }
  EXPECT_TRUE(fs::is_empty(outside)) << "a refused run wrote outside the file root";
  // Inside the root, relative paths (also through directories that do not exist yet) work.
  const Outcome inside = attempt("made/out.jsonl");
  ASSERT_EQ(inside.exit_code, 0) << inside.err;
  EXPECT_EQ(read_lines(root / "made" / "out.jsonl"), read_lines(kData / "cards_expected.jsonl"));
  const Outcome missing = processtest::run_rivulet(
      {"run", graph, "--file-root", (dir_ / "none").string(), "--set", "out.path=a.jsonl"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("--file-root"), std::string::npos) << missing.err;
}

// Without --file-root the base is the working directory; a file_source cannot read
// /etc/passwd.
TEST_F(RunCommandTest, WithoutFileRootTheWorkingDirectoryIsTheBase) {
  const fs::path work = dir_ / "work";
  fs::create_directories(work);
  const std::string source_graph = (dir_ / "read.json").string();
  {
    std::ofstream out(source_graph);
    out << R"({"formatVersion": 1, "name": "read-passwd", "nodes": [
      {"id": "in", "kind": "file_source", "parameters": [
        {"name": "path", "value": {"stringValue": "/etc/passwd"}},
        {"name": "format", "value": {"stringValue": "csv"}},
        {"name": "schema", "value": {"schema": [{"name": "line", "type": "string"}]}}]},
      {"id": "out", "kind": "file_sink", "parameters": [
        {"name": "path", "value": {"stringValue": "copy.csv"}}]}],
      "edges": [{"from": {"node": "in", "port": "out"}, "to": {"node": "out", "port": "in"}}]})";
  }
  const auto in_work = [&](const std::string& arguments) {
    ChildProcess shell(
        {"/bin/bash", "-c",
         "cd '" + work.string() + "' && exec '" + std::string(RIVULET_CLI) + "' run " + arguments});
    const int code = shell.wait(60s).value_or(-1);
    return Outcome{code, shell.out(), shell.err()};
  };
  const Outcome passwd = in_work("'" + source_graph + "'");
  EXPECT_EQ(passwd.exit_code, 1) << passwd.err;
  EXPECT_NE(passwd.err.find("node 'in'"), std::string::npos) << passwd.err;
  EXPECT_NE(
      passwd.err.find("'/etc/passwd' is outside the file root " + fs::canonical(work).string()),
      std::string::npos)
      << passwd.err;
  EXPECT_FALSE(fs::exists(work / "copy.csv"));
  const Outcome relative =
      in_work("'" + (kData / "cards_to_file.json").string() + "' --set out.path=out.jsonl");
  ASSERT_EQ(relative.exit_code, 0) << relative.err;
  EXPECT_EQ(read_lines(work / "out.jsonl"), read_lines(kData / "cards_expected.jsonl"));
}

}  // namespace
}  // namespace rivulet::runtime
