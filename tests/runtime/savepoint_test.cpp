// Starting a job from a savepoint of an edited graph (JobOptions::restore_from), in process:
// which tasks a checkpoint lists, the compatibility check before anything starts (a node with
// state missing from the graph, a changed parallelism, dropping state when allowed), and where
// a restart after a failure restores from. No assertion depends on wall-clock time.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "actor_system_support.hpp"
#include "caf/actor_system.hpp"
#include "job_test_support.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"
#include "runtime/job.hpp"
#include "runtime/planner.hpp"
#include "runtime/savepoint_restore.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
using jobtest::edge;
using jobtest::node;

constexpr auto kTimeout = 60s;  // only against hangs

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

// A savepoint `id` in which `stateful` tasks wrote a blob and `stateless` ones took part only.
std::shared_ptr<InMemoryCheckpointStore> savepoint(CheckpointId id,
                                                   const std::vector<std::string>& stateful,
                                                   const std::vector<std::string>& stateless = {}) {
  auto store = std::make_shared<InMemoryCheckpointStore>();
  EXPECT_TRUE(store->begin(id));
  for (const std::string& task : stateful) {
    auto writer = store->writer(id, task);
    EXPECT_TRUE(writer);
    if (writer) {
      EXPECT_TRUE((*writer)->write_blob("state", bytes_of(task)));
    }
  }
  for (const std::string& task : stateless) EXPECT_TRUE(store->writer(id, task));
  EXPECT_TRUE(store->complete(id));
  return store;
}

// Counts the readers handed out by the checkpoints of a store: one per task and restore.
class CountingStore final : public CheckpointStore {
 public:
  explicit CountingStore(std::shared_ptr<CheckpointStore> inner) : inner_(std::move(inner)) {}
  graphs::Status begin(CheckpointId id) override { return inner_->begin(id); }
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId id,
                                                      const std::string& task) override {
    return inner_->writer(id, task);
  }
  graphs::Status complete(CheckpointId id) override { return inner_->complete(id); }
  void abort(CheckpointId id) override { inner_->abort(id); }
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override {
    auto latest = inner_->latest();
    if (!latest || !*latest) return latest;
    return std::unique_ptr<CompletedCheckpoint>(
        std::make_unique<Counted>(std::move(*latest), readers));
  }

  std::atomic<int> readers{0};

 private:
  class Counted final : public CompletedCheckpoint {
   public:
    Counted(std::unique_ptr<CompletedCheckpoint> inner, std::atomic<int>& readers)
        : inner_(std::move(inner)), readers_(readers) {}
    CheckpointId id() const override { return inner_->id(); }
    graphs::Result<std::unique_ptr<StateReader>> reader(const std::string& task) override {
      readers_.fetch_add(1);
      return inner_->reader(task);
    }
    std::vector<std::string> tasks_with_state() const override {
      return inner_->tasks_with_state();
    }
    std::vector<std::string> tasks() const override { return inner_->tasks(); }

   private:
    std::unique_ptr<CompletedCheckpoint> inner_;
    std::atomic<int>& readers_;
  };
  std::shared_ptr<CheckpointStore> inner_;
};

// A store whose checkpoints report the operator kinds a directory store reads from its manifest.
class KindRecordingStore final : public CheckpointStore {
 public:
  KindRecordingStore(std::shared_ptr<CheckpointStore> inner,
                     std::map<std::string, std::string> kinds)
      : inner_(std::move(inner)), kinds_(std::move(kinds)) {}
  graphs::Status begin(CheckpointId id) override { return inner_->begin(id); }
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId id,
                                                      const std::string& task) override {
    return inner_->writer(id, task);
  }
  graphs::Status complete(CheckpointId id) override { return inner_->complete(id); }
  void abort(CheckpointId id) override { inner_->abort(id); }
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override {
    auto latest = inner_->latest();
    if (!latest || !*latest) return latest;
    return std::unique_ptr<CompletedCheckpoint>(
        std::make_unique<WithKinds>(std::move(*latest), kinds_));
  }

 private:
  class WithKinds final : public CompletedCheckpoint {
   public:
    WithKinds(std::unique_ptr<CompletedCheckpoint> inner, std::map<std::string, std::string> kinds)
        : inner_(std::move(inner)), kinds_(std::move(kinds)) {}
    CheckpointId id() const override { return inner_->id(); }
    graphs::Result<std::unique_ptr<StateReader>> reader(const std::string& task) override {
      return inner_->reader(task);
    }
    std::vector<std::string> tasks_with_state() const override {
      return inner_->tasks_with_state();
    }
    std::vector<std::string> tasks() const override { return inner_->tasks(); }
    std::map<std::string, std::string> operator_kinds() const override { return kinds_; }

   private:
    std::unique_ptr<CompletedCheckpoint> inner_;
    std::map<std::string, std::string> kinds_;
  };
  std::shared_ptr<CheckpointStore> inner_;
  std::map<std::string, std::string> kinds_;
};

class RestartOnce final : public RestartPolicy {
 public:
  std::optional<std::chrono::milliseconds> restart_after(const TaskFailure&,
                                                         std::uint32_t restarts) override {
    if (restarts > 0) return std::nullopt;
    return 1ms;
  }
};

// src(2) -> mid(2) -> sink(1); `extra` adds a node "fresh" between mid and sink.
graphs::Graph pipeline(std::uint32_t src_parallelism = 2, bool extra = false) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", src_parallelism, {{"count", std::int64_t{5000}}}),
             node("mid", "pass", src_parallelism), node("sink", "collect", 1)};
  g.edges = {edge("src", "mid")};
  if (extra) {
    g.nodes.push_back(node("fresh", "pass", 1));
    g.edges.push_back(edge("mid", "fresh", graphs::PartitioningKind::Rebalance));
    g.edges.push_back(edge("fresh", "sink"));
  } else {
    g.edges.push_back(edge("mid", "sink", graphs::PartitioningKind::Rebalance));
  }
  return g;
}

class SavepointTest : public ::testing::Test {
 protected:
  SavepointTest() : system_(testing::test_actor_config()) {}

  graphs::Result<std::unique_ptr<Job>> start(graphs::Graph graph, JobOptions options) {
    auto plan = plan_job({std::move(graph)}, registry_);
    if (!plan) return plan.error();
    options.restore_from_name = "savepoint sp";
    return Job::start(system_, std::move(plan).value(), std::move(options));
  }

  JobStatus await(Job& job) {
    if (!job.wait_for(kTimeout)) {
      ADD_FAILURE() << "job did not end";
      job.cancel();
    }
    return job.wait();
  }

  std::shared_ptr<jobtest::Collected> log_ = std::make_shared<jobtest::Collected>();
  runtime::OperatorRegistry registry_ = jobtest::make_registry(log_, 1);
  caf::actor_system system_;  // declared after the log, destroyed before it
};

TEST(CheckpointListing, InMemoryStoreListsTasksWithStateAndEveryTaskThatTookPart) {
  auto store = savepoint(3, {"b#1", "a#0"}, {"c#0"});
  auto latest = store->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->tasks_with_state(), (std::vector<std::string>{"a#0", "b#1"}));
  EXPECT_EQ((*latest)->tasks(), (std::vector<std::string>{"a#0", "b#1", "c#0"}));
}

TEST_F(SavepointTest, NodeWithStateMissingFromTheGraphIsNamed) {
  JobOptions options;
  options.restore_from = savepoint(5, {"src#0", "src#1", "gone#0"}, {"mid#0", "mid#1", "sink#0"});
  auto job = start(pipeline(), options);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().message,
            "savepoint sp: node 'gone' has state in the savepoint but is not in the graph (pass "
            "--allow-non-restored-state to drop it)");

  options.restore_from = savepoint(5, {"src#0", "src#1", "gone#0", "old#0", "old#1"});
  job = start(pipeline(), options);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().message,
            "savepoint sp: nodes 'gone', 'old' have state in the savepoint but are not in the "
            "graph (pass --allow-non-restored-state to drop their state)");
  EXPECT_EQ(log_->count.load(), 0u);  // nothing ran
}

TEST_F(SavepointTest, ChangedParallelismOfAStatefulNodeIsAnError) {
  JobOptions options;
  options.allow_non_restored_state = true;  // does not cover rescaling
  options.restore_from = savepoint(5, {"src#0", "src#1", "src#2", "src#3"});
  auto job = start(pipeline(2), options);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().message.rfind("savepoint sp: node 'src' has state for parallelism 4 in "
                                      "the savepoint but parallelism 2 in the graph",
                                      0),
            0u)
      << job.error().message;
  EXPECT_NE(job.error().message.find("not supported"), std::string::npos);

  // Growing counts too, and subtasks that took part without state tell the old parallelism.
  options.restore_from = savepoint(5, {"src#0"}, {"src#1"});
  job = start(pipeline(3), options);
  ASSERT_FALSE(job);
  EXPECT_NE(job.error().message.find("node 'src' has state for parallelism 2 in the savepoint but "
                                     "parallelism 3 in the graph"),
            std::string::npos)
      << job.error().message;
}

// A node whose spec declares partition state (a Kafka source's offsets) may change its
// parallelism: each of its tasks then restores every saved task's state.
TEST_F(SavepointTest, PartitionStateNodesMayChangeTheirParallelism) {
  auto plan = plan_job({pipeline(3)}, registry_);
  ASSERT_TRUE(plan) << plan.error().message;
  auto store = savepoint(5, {"src#0", "src#1"});
  auto latest = store->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_FALSE(check_restore_compatibility(**latest, *plan, false, "savepoint sp"));
  plan->nodes[0].spec.partition_state = true;
  auto checked = check_restore_compatibility(**latest, *plan, false, "savepoint sp");
  ASSERT_TRUE(checked) << checked.error().message;
  EXPECT_TRUE(checked->empty());
  EXPECT_EQ(saved_tasks_of(**latest, "src"), (std::vector<std::string>{"src#0", "src#1"}));
}

TEST_F(SavepointTest, StatelessNodesMayGoAndNewNodesStartEmpty) {
  JobOptions options;
  options.restore_from = savepoint(9, {"src#0", "src#1"}, {"removed#0", "mid#0", "mid#1"});
  auto job = start(pipeline(2, /*extra=*/true), options);
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ((*job)->restored_id(), 9u);
  EXPECT_TRUE((*job)->non_restored_nodes().empty());
  const JobStatus status = await(**job);
  EXPECT_EQ(status.state, JobState::Finished) << status.message;
  EXPECT_EQ(log_->count.load(), 10000u);  // count_source keeps no state: it starts over
}

TEST_F(SavepointTest, AllowNonRestoredStateDropsTheMissingNodesState) {
  auto store = std::make_shared<CountingStore>(
      savepoint(5, {"src#0", "src#1", "gone#0", "gone#1"}, {"mid#0", "mid#1", "sink#0"}));
  JobOptions options;
  options.restore_from = store;
  options.allow_non_restored_state = true;
  auto job = start(pipeline(), options);
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ((*job)->non_restored_nodes(), (std::vector<std::string>{"gone"}));
  const JobStatus status = await(**job);
  EXPECT_EQ(status.state, JobState::Finished) << status.message;
  EXPECT_EQ(store->readers.load(), 5);  // one per task of the plan; gone#* never read
}

// State belongs to the kind of operator that wrote it: under the same id, another kind is
// refused naming both kinds, or (when dropping state is allowed) starts empty.
TEST_F(SavepointTest, AChangedOperatorKindUnderTheSameIdIsRefusedOrStartsEmpty) {
  const std::map<std::string, std::string> kinds = {
      {"src", "count_source"}, {"mid", "window_aggregate"}, {"sink", "collect"}};
  auto saved = [&] {
    return std::make_shared<KindRecordingStore>(
        savepoint(5, {"mid#0", "mid#1"}, {"src#0", "src#1", "sink#0"}), kinds);
  };
  JobOptions options;
  options.restore_from = saved();
  auto job = start(pipeline(), options);  // mid is a "pass" now
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().message,
            "savepoint sp: node 'mid' was a window_aggregate when it was taken and is a pass in "
            "the graph; state cannot carry over to another operator kind (give the node a new id "
            "to start it empty, or pass --allow-non-restored-state to drop its state)");
  EXPECT_EQ(log_->count.load(), 0u);

  // Allowed: the node is reported as dropped and none of its tasks finds the old state.
  auto plan = plan_job({pipeline()}, registry_);
  ASSERT_TRUE(plan) << plan.error().message;
  auto store = saved();
  auto prepared = prepare_restore(*store, *plan, /*allow_non_restored_state=*/true, "savepoint sp");
  ASSERT_TRUE(prepared) << prepared.error().message;
  EXPECT_EQ(prepared->dropped_nodes, (std::vector<std::string>{"mid"}));
  auto latest = prepared->store->latest();
  ASSERT_TRUE(latest && *latest);
  EXPECT_TRUE((*latest)->tasks_with_state().empty());
  for (const std::string task : {"mid#0", "mid#1"}) {
    auto reader = (*latest)->reader(task);
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_FALSE((*reader)->has_blob("state")) << task;
  }
  EXPECT_TRUE(saved_tasks_of(**latest, "mid").empty());

  // The same kind restores as before; an unrecorded kind (an older manifest) is not compared.
  auto same = kinds;
  same["mid"] = "pass";
  options.restore_from = std::make_shared<KindRecordingStore>(
      savepoint(5, {"mid#0", "mid#1"}, {"src#0", "src#1", "sink#0"}), same);
  job = start(pipeline(), options);
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_TRUE((*job)->non_restored_nodes().empty());
  EXPECT_EQ(await(**job).state, JobState::Finished);
}

TEST_F(SavepointTest, RestartWithoutANewerCheckpointRestoresTheSavepointAgain) {
  graphs::Graph g;  // the first fail_after instance fails, the rebuilt one passes
  g.nodes = {node("src", "count_source", 1, {{"count", std::int64_t{3000}}}),
             node("fail", "fail_after", 1, {{"after", std::int64_t{1000}}}),
             node("sink", "collect", 1)};
  g.edges = {edge("src", "fail"), edge("fail", "sink")};
  auto store = std::make_shared<CountingStore>(savepoint(41, {"src#0"}, {"fail#0", "sink#0"}));
  auto checkpoints = std::make_shared<InMemoryCheckpointStore>(100);
  JobOptions options;
  options.restore_from = store;
  options.checkpoints = checkpoints;  // no interval: nothing completes before the failure
  options.restart = std::make_shared<RestartOnce>();
  auto job = start(std::move(g), options);
  ASSERT_TRUE(job) << job.error().message;
  const JobStatus status = await(**job);
  EXPECT_EQ(status.state, JobState::Finished) << status.message;
  EXPECT_EQ(status.restarts, 1u);
  EXPECT_EQ(store->readers.load(), 6);  // both deployments, three tasks each
  // This job's checkpoints (if any) continue after the savepoint's id.
  for (CheckpointId id : checkpoints->completed_ids()) EXPECT_GT(id, 41u);
}

// Passes records on until a checkpoint completed, then throws (only the first instance built;
// later ones pass everything), so a restart has a checkpoint of this job to restore.
class FailAfterACheckpoint final : public Operator {
 public:
  explicit FailAfterACheckpoint(bool fails) : fails_(fails) {}
  void process(std::size_t, const BatchPtr& batch, Collector& out) override {
    if (fails_ && completed_) throw std::runtime_error("boom after a checkpoint");
    out.emit(batch);
  }
  void on_checkpoint_complete(std::uint64_t) override { completed_ = true; }

 private:
  bool fails_;
  bool completed_ = false;
};

TEST_F(SavepointTest, RestartAfterACheckpointOfThisJobRestoresThatCheckpoint) {
  auto builds = std::make_shared<std::atomic<int>>(0);
  {
    using namespace operators::spec;  // NOLINT(google-build-using-namespace)
    using SpecOf = operators::spec::Operator;
    ASSERT_TRUE(registry_.add(
        SpecOf("fail_after_checkpoint", "transform", "Fails once a checkpoint completed.")
            .inputs({input("in", "Records.")})
            .outputs({output("out", same_as_input("in"), "Records.")}),
        runtime::TransformFactory([builds](const runtime::OperatorBuildContext&)
                                      -> graphs::Result<std::unique_ptr<Operator>> {
          return std::unique_ptr<Operator>(
              std::make_unique<FailAfterACheckpoint>(builds->fetch_add(1) == 0));
        })));
  }
  graphs::Graph g;
  g.nodes = {node("src", "count_source", 1, {{"count", std::int64_t{0}}}),  // unbounded
             node("fail", "fail_after_checkpoint", 1), node("sink", "collect", 1)};
  g.edges = {edge("src", "fail"), edge("fail", "sink")};
  auto saved = std::make_shared<CountingStore>(savepoint(41, {"src#0"}, {"fail#0", "sink#0"}));
  auto checkpoints =
      std::make_shared<CountingStore>(std::make_shared<InMemoryCheckpointStore>(100));
  JobOptions options;
  options.restore_from = saved;
  options.checkpoints = checkpoints;
  options.checkpoint_interval = 2ms;
  options.restart = std::make_shared<RestartOnce>();
  auto job = start(std::move(g), options);
  ASSERT_TRUE(job) << job.error().message;
  const auto give_up = std::chrono::steady_clock::now() + kTimeout;
  while (builds->load() < 2 && !(*job)->wait_for(1ms)) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "no restart";
  }
  (*job)->stop();
  const JobStatus status = await(**job);
  EXPECT_EQ(status.state, JobState::Finished) << status.message;
  EXPECT_EQ(status.restarts, 1u);
  EXPECT_EQ(saved->readers.load(), 3);        // the first deployment only
  EXPECT_EQ(checkpoints->readers.load(), 3);  // the restart: this job's checkpoint
}

}  // namespace
}  // namespace rivulet::runtime
