// The node's job manager in-process: every problem of an invalid graph, two isolated jobs (one
// failing through the fail_once test plugin loaded from the plugin dir), stop with a savepoint
// and a redeploy from it, resuming after a crash-like end (no shutdown) and after shutdown().

#include "runtime/node/job_manager.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "graphs/graph_io.hpp"
#include "runtime/state/state_directory.hpp"

namespace rivulet::runtime::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class JobManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = state::StateDirectory::create_temporary("job-manager-test-");
    ASSERT_TRUE(dir.ok()) << dir.error().message;
    temp_ = std::move(dir).value();
    fs::create_directories(plugins());
    fs::copy_file(RIVULET_FAIL_ONCE_PLUGIN, plugins() / "rivulet_fail_once.so");
  }

  fs::path root() const { return temp_->path(); }
  fs::path plugins() const { return root() / "plugins"; }
  NodeConfig config() const {
    NodeConfig c;
    c.data_dir = (root() / "data").string();
    c.plugin_dir = plugins().string();
    c.file_root = root().string();  // the tests' file sinks write to absolute paths below it
    c.savepoint_timeout = 60s;
    return c;
  }

  std::unique_ptr<JobManager> open() {
    auto manager = JobManager::open(config());
    EXPECT_TRUE(manager.ok()) << manager.error().message;
    return manager.ok() ? std::move(manager).value() : nullptr;
  }

  // datagen -> file_sink writing `count` records to `out` (rate 0: as fast as it goes).
  graphs::Graph cards(const std::string& name, const fs::path& out, std::int64_t count,
                      std::int64_t rate = 0) {
    auto graph = graphs::load_graph(std::string(RIVULET_SOURCE_DIR) +
                                    "/tests/runtime/data/cards_to_file.json");
    EXPECT_TRUE(graph.ok());
    graph->name = name;
    for (graphs::Node& node : graph->nodes) {
      if (node.id == "out") node.set_parameter("path", out.string());
      if (node.id == "gen") {
        node.set_parameter("count", count);
        node.set_parameter("rate", rate);
      }
    }
    return std::move(graph).value();
  }

  static void insert_fail_once(graphs::Graph& graph) {
    graphs::Node fail;
    fail.id = "boom";
    fail.kind = "fail_once";
    fail.set_parameter("fail_at", std::int64_t{10});
    graph.nodes.push_back(fail);
    graph.edges = {{{"gen", "out"}, {"boom", "in"}, {}}, {{"boom", "out"}, {"out", "in"}, {}}};
  }

  static bool wait_for_state(JobManager& manager, const JobId& job, JobState state,
                             std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto status = manager.status(job);
      if (status.ok() && status->summary.state == state) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  static bool wait_for_event(JobManager& manager, const JobId& job, JobEventKind kind,
                             std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto events = manager.events(job, 0);
      if (events.ok()) {
        for (const JobEvent& event : *events) {
          if (event.kind == kind) return true;
        }
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  static std::size_t lines(const fs::path& file) {
    std::ifstream in(file);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  static std::uint64_t records_out(JobManager& manager, const JobId& job) {
    auto metrics = manager.metrics(job, 7);
    std::uint64_t n = 0;
    if (metrics.ok()) {
      for (const TaskSample& t : metrics->tasks) {
        if (t.node_id == "gen") n += t.records_out;
      }
    }
    return n;
  }

  // The "id" of the first line of a JSON-lines file written by `cards` (-1 if none).
  static std::int64_t first_id(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    if (!std::getline(in, line)) return -1;
    const std::size_t at = line.find("\"id\":");
    return at == std::string::npos ? -1 : std::stoll(line.substr(at + 5));
  }

  std::shared_ptr<state::StateDirectory> temp_;
};

TEST_F(JobManagerTest, InvalidGraphAnswersEveryProblemAndRunsNothing) {
  auto manager = open();
  ASSERT_TRUE(manager);
  graphs::Graph graph = cards("bad", root() / "bad.jsonl", 10);
  graph.nodes[0].set_parameter("count", std::int64_t{-5});  // below the minimum
  graphs::Node stray;
  stray.id = "stray";
  stray.kind = "no_such_kind";
  graph.nodes.push_back(stray);
  DeployOutcome outcome = manager->deploy({{graph}, {}});
  EXPECT_FALSE(outcome.job);
  bool count = false, kind = false;
  for (const graphs::Problem& p : outcome.problems) {
    count = count || (p.node_id == "gen" && p.field == "parameters.count");
    kind = kind || p.node_id == "stray";
  }
  EXPECT_TRUE(count && kind) << "every problem, each naming its node";
  EXPECT_TRUE(manager->jobs().empty());
  EXPECT_FALSE(fs::exists(root() / "bad.jsonl"));
}

TEST_F(JobManagerTest, OneFailingJobDoesNotDisturbAnother) {
  auto manager = open();
  ASSERT_TRUE(manager);
  ASSERT_NE(manager->catalog().find("fail_once"), nullptr) << "plugins come from the plugin dir";
  graphs::Graph failing = cards("failing", root() / "failing.jsonl", 1000);
  insert_fail_once(failing);
  DeployOutcome bad = manager->deploy({{failing}, {}});
  ASSERT_TRUE(bad.job) << (bad.problems.empty() ? "" : bad.problems[0].to_string());
  DeployOutcome good = manager->deploy({{cards("good", root() / "good.jsonl", 20000)}, {}});
  ASSERT_TRUE(good.job);
  EXPECT_NE(*bad.job, *good.job);

  ASSERT_TRUE(wait_for_state(*manager, *bad.job, JobState::Failed));
  ASSERT_TRUE(wait_for_state(*manager, *good.job, JobState::Finished));
  EXPECT_TRUE(wait_for_event(*manager, *bad.job, JobEventKind::Failed));
  EXPECT_NE(manager->status(*bad.job)->message.find("injected failure"), std::string::npos);
  EXPECT_EQ(lines(root() / "good.jsonl"), 20000u);
  EXPECT_TRUE(manager->status(*good.job)->message.empty());
}

TEST_F(JobManagerTest, StopWithSavepointThenRedeployFromIt) {
  auto manager = open();
  ASSERT_TRUE(manager);
  graphs::Graph graph = cards("slow", root() / "slow.jsonl", 1'000'000, 2000);
  DeployOutcome first = manager->deploy({{graph}, {}});
  ASSERT_TRUE(first.job);
  std::this_thread::sleep_for(500ms);
  auto savepoint = manager->stop(*first.job, "", /*drain=*/false);
  ASSERT_TRUE(savepoint.ok()) << savepoint.error().message;
  EXPECT_TRUE(fs::exists(fs::path(*savepoint) / "MANIFEST")) << *savepoint;
  EXPECT_TRUE(wait_for_event(*manager, *first.job, JobEventKind::SavepointTaken));
  ASSERT_TRUE(wait_for_state(*manager, *first.job, JobState::Finished));

  DeployOptions options;
  options.from_savepoint = *savepoint;
  graph.nodes[1].set_parameter("path", (root() / "slow-2.jsonl").string());
  DeployOutcome second = manager->deploy({{graph}, options});
  ASSERT_TRUE(second.job) << (second.problems.empty() ? "" : second.problems[0].to_string());
  EXPECT_NE(*second.job, *first.job) << "job ids are never reused";
  ASSERT_TRUE(wait_for_state(*manager, *second.job, JobState::Running));
  EXPECT_TRUE(manager->cancel(*second.job).ok());
}

TEST_F(JobManagerTest, OpenResumesARunningJobAfterACrashLikeEnd) {
  JobId id;
  {
    auto manager = open();
    ASSERT_TRUE(manager);
    graphs::Graph graph = cards("resumed", root() / "resumed.jsonl", 1'000'000, 2000);
    graph.runtime.checkpoint_interval_ms = 100;
    DeployOutcome deployed = manager->deploy({{graph}, {}});
    ASSERT_TRUE(deployed.job);
    id = *deployed.job;
    ASSERT_TRUE(wait_for_event(*manager, id, JobEventKind::CheckpointCompleted));
    ASSERT_TRUE(manager->status(id)->last_checkpoint);
  }  // destroyed without shutdown(): the record still says running
  auto manager = open();
  ASSERT_TRUE(manager);
  ASSERT_EQ(manager->jobs().size(), 1u);
  EXPECT_EQ(manager->jobs()[0].id, id);
  EXPECT_TRUE(wait_for_state(*manager, id, JobState::Running));
  EXPECT_TRUE(wait_for_event(*manager, id, JobEventKind::Started));
  EXPECT_TRUE(wait_for_event(*manager, id, JobEventKind::CheckpointCompleted));
  EXPECT_TRUE(manager->cancel(id).ok());
}

TEST_F(JobManagerTest, ShutdownSavepointsAndTheNextOpenResumesFromIt) {
  JobId id;
  {
    auto manager = open();
    ASSERT_TRUE(manager);
    DeployOutcome deployed =
        manager->deploy({{cards("sp", root() / "sp.jsonl", 1'000'000, 2000)}, {}});
    ASSERT_TRUE(deployed.job);
    id = *deployed.job;
    std::this_thread::sleep_for(300ms);
    manager->shutdown();
    EXPECT_TRUE(wait_for_event(*manager, id, JobEventKind::SavepointTaken));
  }
  const fs::path savepoint = fs::path(config().data_dir) / "jobs" / id / "savepoints" / "sp-1";
  EXPECT_TRUE(fs::exists(savepoint / "MANIFEST"));
  auto manager = open();
  ASSERT_TRUE(manager);
  EXPECT_TRUE(wait_for_state(*manager, id, JobState::Running));
  EXPECT_TRUE(manager->cancel(id).ok());
  EXPECT_TRUE(wait_for_state(*manager, id, JobState::Cancelled));
}

// savepoint(job) of a running job: it keeps running (its records keep growing), the savepoint
// is in the job's savepoints/ directory and in the checkpoint history, and a second job
// deployed from it continues where the savepoint was taken.
TEST_F(JobManagerTest, SavepointOfARunningJobKeepsItRunningAndARedeployResumesFromIt) {
  auto manager = open();
  ASSERT_TRUE(manager);
  graphs::Graph graph = cards("live", root() / "live.jsonl", 1'000'000, 2000);
  DeployOutcome first = manager->deploy({{graph}, {}});
  ASSERT_TRUE(first.job);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (records_out(*manager, *first.job) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  auto savepoint = manager->savepoint(*first.job);
  ASSERT_TRUE(savepoint.ok()) << savepoint.error().message;
  EXPECT_EQ(fs::path(*savepoint).parent_path(),
            fs::path(config().data_dir) / "jobs" / *first.job / "savepoints");
  EXPECT_TRUE(fs::exists(fs::path(*savepoint) / "MANIFEST")) << *savepoint;
  EXPECT_EQ(manager->status(*first.job)->summary.state, JobState::Running);
  const std::uint64_t at_savepoint = records_out(*manager, *first.job);
  while (records_out(*manager, *first.job) <= at_savepoint &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GT(records_out(*manager, *first.job), at_savepoint) << "the job keeps producing";
  EXPECT_TRUE(wait_for_event(*manager, *first.job, JobEventKind::SavepointTaken));
  auto detail = manager->status(*first.job);
  ASSERT_TRUE(detail.ok());
  ASSERT_FALSE(detail->checkpoints.empty());
  EXPECT_TRUE(detail->checkpoints.back().savepoint);
  EXPECT_EQ(detail->checkpoints.back().status, CheckpointStatus::Completed);
  ASSERT_TRUE(manager->cancel(*first.job).ok());

  DeployOptions options;
  options.from_savepoint = *savepoint;
  for (graphs::Node& node : graph.nodes) {
    if (node.id == "out") node.set_parameter("path", (root() / "live-2.jsonl").string());
  }
  DeployOutcome second = manager->deploy({{graph}, options});
  ASSERT_TRUE(second.job) << (second.problems.empty() ? "" : second.problems[0].to_string());
  ASSERT_TRUE(wait_for_state(*manager, *second.job, JobState::Running));
  while (first_id(root() / "live-2.jsonl") < 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  // The datagen's sequence goes on from the savepoint's position, not from 0.
  EXPECT_GT(first_id(root() / "live-2.jsonl"), 0);
  EXPECT_TRUE(manager->cancel(*second.job).ok());
}

// A checkpoint that fails is reported when it fails: a CheckpointFailed event with the cause
// and a Failed entry in the history (here the job's checkpoint directory is replaced by a
// file, so the next checkpoint cannot begin); once the directory is back, checkpoints go on.
TEST_F(JobManagerTest, AFailedCheckpointIsAnEventWithItsCause) {
  auto manager = open();
  ASSERT_TRUE(manager);
  graphs::Graph graph = cards("ckpt", root() / "ckpt.jsonl", 1'000'000, 2000);
  graph.runtime.checkpoint_interval_ms = 50;
  DeployOutcome deployed = manager->deploy({{graph}, {}});
  ASSERT_TRUE(deployed.job);
  const JobId id = *deployed.job;
  ASSERT_TRUE(wait_for_event(*manager, id, JobEventKind::CheckpointCompleted));
  const fs::path checkpoints = fs::path(config().data_dir) / "jobs" / id / "checkpoints";
  const fs::path aside = checkpoints.string() + ".aside";
  fs::rename(checkpoints, aside);
  { std::ofstream(checkpoints) << "not a directory"; }
  const bool failed = wait_for_event(*manager, id, JobEventKind::CheckpointFailed);
  if (!failed) {  // what happened instead
    const auto seen = manager->events(id, 0);
    for (const JobEvent& e : seen.ok() ? *seen : std::vector<JobEvent>{}) {
      std::cerr << to_string(e.kind) << " " << e.checkpoint_id << " " << e.message << "\n";
    }
  }
  ASSERT_TRUE(failed);
  fs::remove(checkpoints);
  fs::rename(aside, checkpoints);

  std::string cause;
  const auto events = manager->events(id, 0);
  ASSERT_TRUE(events.ok());
  for (const JobEvent& event : *events) {
    if (event.kind == JobEventKind::CheckpointFailed && cause.empty()) cause = event.message;
  }
  // The checkpoint after the swap fails to begin, or one already begun fails to complete: both
  // name the checkpoint directory that broke.
  EXPECT_TRUE(cause.find("could not begin") != std::string::npos ||
              cause.find("could not complete") != std::string::npos)
      << cause;
  EXPECT_NE(cause.find("checkpoints"), std::string::npos) << cause;
  bool failed_in_history = false;
  const auto detail = manager->status(id);
  ASSERT_TRUE(detail.ok());
  for (const CheckpointRecord& c : detail->checkpoints) {
    failed_in_history = failed_in_history || (c.status == CheckpointStatus::Failed &&
                                              c.failure == cause && c.started > 0);
  }
  EXPECT_TRUE(failed_in_history);
  auto metrics = manager->metrics(id, 1);
  ASSERT_TRUE(metrics.ok());
  EXPECT_FALSE(metrics->checkpoints.empty());
  EXPECT_EQ(manager->status(id)->summary.state, JobState::Running) << "a failed checkpoint only";
  EXPECT_TRUE(manager->cancel(id).ok());
}

// The node warns about its jobs' checkpoint health as `rivulet run` does (checkpoint_health.hpp):
// with the checkpoint directory replaced by a file every checkpoint fails, and the job's events
// gain a warning that several failed in a row and, after 3 intervals or 10 s, one that none
// completed; the per-checkpoint failures stay CheckpointFailed events of their own.
TEST_F(JobManagerTest, ConsecutiveAndStaleCheckpointFailuresAreWarnedInTheEvents) {
  auto manager = open();
  ASSERT_TRUE(manager);
  graphs::Graph graph = cards("health", root() / "health.jsonl", 1'000'000, 2000);
  graph.runtime.checkpoint_interval_ms = 50;
  graph.runtime.tolerable_failed_checkpoints = 10'000;  // keeps failing, keeps running
  DeployOutcome deployed = manager->deploy({{graph}, {}});
  ASSERT_TRUE(deployed.job);
  const JobId id = *deployed.job;
  ASSERT_TRUE(wait_for_event(*manager, id, JobEventKind::CheckpointCompleted));
  const fs::path checkpoints = fs::path(config().data_dir) / "jobs" / id / "checkpoints";
  fs::rename(checkpoints, checkpoints.string() + ".aside");
  { std::ofstream(checkpoints) << "not a directory"; }

  // The timeout only keeps a broken build from hanging; the stale warning needs 10 s.
  std::vector<std::string> warnings;
  std::size_t failures = 0;
  bool in_a_row = false;
  bool stale = false;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!(in_a_row && stale) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    const auto events = manager->events(id, 0);
    ASSERT_TRUE(events.ok());
    warnings.clear();
    failures = 0;
    for (const JobEvent& event : *events) {
      if (event.kind != JobEventKind::CheckpointFailed) continue;
      if (event.checkpoint_id != 0) {
        ++failures;
        continue;
      }
      warnings.push_back(event.message);
      in_a_row = in_a_row || event.message.find("checkpoints failed in a row") != std::string::npos;
      stale = stale || event.message.find("no checkpoint completed for") != std::string::npos;
    }
  }
  std::string seen;
  for (const std::string& w : warnings) seen += w + "\n";
  EXPECT_TRUE(in_a_row) << seen;
  EXPECT_TRUE(stale) << seen;
  EXPECT_GE(failures, 2u);
  for (const std::string& w : warnings) EXPECT_EQ(w.rfind("warning: ", 0), 0u) << w;
  // Warned once per stretch, not at every failure: far fewer warnings than failures.
  EXPECT_LT(warnings.size(), failures) << seen;
  EXPECT_EQ(manager->status(id)->summary.state, JobState::Running);
  EXPECT_TRUE(manager->cancel(id).ok());
}

// file_source / file_sink paths of a deployed graph stay inside the node's file root: '..',
// an absolute path elsewhere and a symlink leading out are refused, each naming the node and
// its parameter; a relative path lands inside the root.
TEST_F(JobManagerTest, FileOperatorsAreConfinedToTheFileRoot) {
  auto manager = open();
  ASSERT_TRUE(manager);
  // The file root is root(); "escape" inside it is a symlink to a directory elsewhere.
  auto elsewhere = state::StateDirectory::create_temporary("job-manager-test-outside-");
  ASSERT_TRUE(elsewhere.ok());
  const fs::path outside = (*elsewhere)->path();
  fs::create_symlink(outside, root() / "escape");
  for (const std::string& path :
       {std::string("../x.jsonl"), std::string("/tmp/x.jsonl"), std::string("escape/x.jsonl")}) {
    graphs::Graph graph = cards("bad", root() / "unused.jsonl", 10);
    for (graphs::Node& node : graph.nodes) {
      if (node.id == "out") node.set_parameter("path", path);
    }
    DeployOutcome outcome = manager->deploy({{graph}, {}});
    EXPECT_FALSE(outcome.job) << path;
    ASSERT_EQ(outcome.problems.size(), 1u) << path;
    EXPECT_EQ(outcome.problems[0].node_id, "out") << path;
    EXPECT_EQ(outcome.problems[0].field, "parameters.path") << path;
    EXPECT_NE(outcome.problems[0].message.find("file root"), std::string::npos)
        << outcome.problems[0].message;
  }
  EXPECT_FALSE(fs::exists(outside / "x.jsonl"));
  EXPECT_TRUE(manager->jobs().empty());
  EXPECT_TRUE(fs::is_empty(fs::path(config().data_dir) / "jobs")) << "no record of a refused job";
  EXPECT_FALSE(fs::exists("/tmp/x.jsonl"));

  DeployOutcome good = manager->deploy({{cards("good", "inside/good.jsonl", 10)}, {}});
  ASSERT_TRUE(good.job) << (good.problems.empty() ? "" : good.problems[0].to_string());
  ASSERT_TRUE(wait_for_state(*manager, *good.job, JobState::Finished));
  EXPECT_EQ(lines(root() / "inside" / "good.jsonl"), 10u);
}

// Without --file-root the node confines file operators to <data dir>/files.
TEST_F(JobManagerTest, WithoutAFileRootFilesStayUnderTheDataDir) {
  NodeConfig c = config();
  c.file_root.clear();
  auto manager = JobManager::open(c);
  ASSERT_TRUE(manager.ok()) << manager.error().message;
  DeployOutcome refused = (*manager)->deploy({{cards("abs", root() / "abs.jsonl", 10)}, {}});
  EXPECT_FALSE(refused.job);
  DeployOutcome good = (*manager)->deploy({{cards("rel", "rel.jsonl", 10)}, {}});
  ASSERT_TRUE(good.job) << (good.problems.empty() ? "" : good.problems[0].to_string());
  ASSERT_TRUE(wait_for_state(**manager, *good.job, JobState::Finished));
  EXPECT_EQ(lines(fs::path(c.data_dir) / "files" / "rel.jsonl"), 10u);
}

TEST_F(JobManagerTest, NotYetServedCallsSaySo) {
  auto manager = open();
  ASSERT_TRUE(manager);
  EXPECT_FALSE(manager->metrics("job-1", 1).ok());
  EXPECT_FALSE(manager->status("job-404").ok());
  EXPECT_FALSE(manager->info().bootstrap_servers.empty()) << "the embedded broker's address";
}

}  // namespace
}  // namespace rivulet::runtime::node
