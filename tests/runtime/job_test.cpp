// Jobs of test operators on a real CAF actor system: completion, hash routing across
// parallelism, failure with the operator's message, stop, cancel, restart hook. No assertion
// depends on wall-clock time; timeouts only keep a broken build from hanging.
#include "runtime/job.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "actor_system_support.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "job_test_support.hpp"
#include "runtime/partitioner.hpp"
#include "runtime/planner.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
using graphs::PartitioningKind;
using jobtest::edge;
using jobtest::node;

constexpr auto kTimeout = 60s;  // only against hangs

class JobTest : public ::testing::Test {
 protected:
  JobTest() : system_(testing::test_actor_config()) {}

  std::unique_ptr<Job> start(graphs::Graph graph, JobOptions options = {}) {
    auto plan = plan_job({std::move(graph)}, registry_);
    if (!plan) {
      ADD_FAILURE() << plan.error().message;
      return nullptr;
    }
    auto job = Job::start(system_, std::move(plan).value(), std::move(options));
    if (!job) {
      ADD_FAILURE() << job.error().message;
      return nullptr;
    }
    return std::move(job).value();
  }

  JobStatus await(Job& job) {
    if (!job.wait_for(kTimeout)) {
      ADD_FAILURE() << "job did not end";
      job.cancel();
    }
    return job.wait();
  }

  // Waits until the sinks saw at least `n` records.
  void await_records(std::uint64_t n) {
    const auto give_up = std::chrono::steady_clock::now() + kTimeout;
    while (log_->count.load() < n) {
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "no records arrive";
      std::this_thread::sleep_for(1ms);
    }
  }

  std::shared_ptr<jobtest::Collected> log_ = std::make_shared<jobtest::Collected>();
  runtime::OperatorRegistry registry_ = jobtest::make_registry(log_, 1);
  caf::actor_system system_;  // declared after the log, destroyed before it
};

TEST_F(JobTest, BoundedJobDeliversEveryRecordOnceAndFinishes) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", 2, {{"count", std::int64_t{5000}}}),
             node("mid", "pass", 2), node("sink", "collect", 1)};
  g.edges = {edge("src", "mid"), edge("mid", "sink", PartitioningKind::Rebalance)};
  auto job = start(std::move(g));
  ASSERT_TRUE(job);
  JobStatus status = await(*job);
  EXPECT_EQ(status.state, JobState::Finished) << status.message;
  std::multiset<std::int64_t> seqs;
  for (const auto& row : log_->snapshot()) seqs.insert(row.seq);
  ASSERT_EQ(seqs.size(), 10000u);
  for (std::int64_t subtask = 0; subtask < 2; ++subtask) {
    for (std::int64_t i = 0; i < 5000; ++i) EXPECT_EQ(seqs.count(subtask * 1000000 + i), 1u);
  }
  std::uint64_t sink_in = 0;
  for (TaskId id : job->plan().nodes[2].tasks) sink_in += job->task_metrics()[id]->records_in;
  EXPECT_EQ(sink_in, 10000u);
  for (const auto& m : job->task_metrics()) EXPECT_EQ(m->state.load(), TaskState::Finished);
}

TEST_F(JobTest, HashTwoToThreeSendsEachKeyToItsKeyGroupsInstance) {
  graphs::Graph g;
  g.nodes = {
      node("src", "count_source", 2, {{"count", std::int64_t{2000}}, {"keys", std::int64_t{50}}}),
      node("by_key", "keyer", 2, {{"keys", graphs::StringList{"key"}}}),
      node("sink", "keyed_collect", 3)};
  g.edges = {edge("src", "by_key"), edge("by_key", "sink", PartitioningKind::Hash, {"key"})};
  auto job = start(std::move(g));
  ASSERT_TRUE(job);
  JobStatus status = await(*job);
  ASSERT_EQ(status.state, JobState::Finished) << status.message;

  // Recompute where each key must go with the runtime's own hash, one single-row batch per key.
  auto schema = std::make_shared<const graphs::Schema>(jobtest::record_schema());
  auto expected_subtask = [&](const std::string& key) {
    BatchBuilder b(schema, 1);
    b.append_int64(0, 0);
    b.append_string(1, key);
    b.end_row(0);
    BatchPtr batch = b.finish();
    std::uint64_t hash = 0;
    const std::size_t key_column = 1;
    hash_key_columns(*batch, {&key_column, 1}, {&hash, 1});
    return instance_of_key_group(key_group_of(hash, 128), 3, 128);
  };
  const auto rows = log_->snapshot();
  EXPECT_EQ(rows.size(), 4000u);
  std::set<std::uint32_t> used;
  for (const auto& row : rows) {
    EXPECT_EQ(row.subtask, expected_subtask(row.key)) << row.key;
    used.insert(row.subtask);
  }
  EXPECT_EQ(used.size(), 3u);  // 50 keys over 3 instances
  std::lock_guard lock(log_->mutex);
  for (const auto& keys : log_->input_keys) EXPECT_EQ(keys, (std::vector<std::string>{"key"}));
}

TEST_F(JobTest, FailingOperatorFailsTheJobWithItsMessage) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", 1, {{"count", std::int64_t{0}}}),  // unbounded
             node("fail", "fail_after", 1, {{"after", std::int64_t{500}}}),
             node("sink", "collect", 1)};
  g.edges = {edge("src", "fail"), edge("fail", "sink")};
  auto job = start(std::move(g));
  ASSERT_TRUE(job);
  JobStatus status = await(*job);
  EXPECT_EQ(status.state, JobState::Failed);
  EXPECT_EQ(status.message.rfind("fail#0: ", 0), 0u) << status.message;
  EXPECT_NE(status.message.find("boom after 500 records"), std::string::npos) << status.message;
  EXPECT_LT(log_->count.load(), 500u);
}

TEST_F(JobTest, StopEndsTheStreamsAndDrainsEverything) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", 2, {{"count", std::int64_t{0}}}), node("mid", "pass", 2),
             node("sink", "collect", 2)};
  g.edges = {edge("src", "mid"), edge("mid", "sink", PartitioningKind::Hash, {"key"})};
  auto job = start(std::move(g));
  ASSERT_TRUE(job);
  await_records(1000);
  job->stop();
  JobStatus status = await(*job);
  EXPECT_EQ(status.state, JobState::Finished) << status.message;
  std::uint64_t produced = 0;
  for (TaskId id : job->plan().nodes[0].tasks) produced += job->task_metrics()[id]->records_out;
  EXPECT_EQ(log_->count.load(), produced);  // nothing in flight was lost
}

TEST_F(JobTest, CancelKillsEveryTask) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", 1, {{"count", std::int64_t{0}}}), node("sink", "collect")};
  g.edges = {edge("src", "sink")};
  auto job = start(std::move(g));
  ASSERT_TRUE(job);
  await_records(100);
  job->cancel();
  EXPECT_EQ(await(*job).state, JobState::Cancelled);
}

TEST_F(JobTest, DestroyingARunningJobCancelsIt) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", 1, {{"count", std::int64_t{0}}}), node("sink", "collect")};
  g.edges = {edge("src", "sink")};
  auto job = start(std::move(g));
  ASSERT_TRUE(job);
  await_records(100);
  const std::shared_ptr<TaskMetrics> source = job->task_metrics()[job->plan().nodes[0].tasks[0]];
  job.reset();  // must return, leaving nothing behind for the actor system to wait for
  // The unbounded source is gone: while a second job runs to its end on the same schedulers,
  // it emits nothing more (a source left running would keep being polled meanwhile).
  const std::uint64_t emitted = source->records_out.load();
  EXPECT_GE(emitted, 100u);
  graphs::Graph second;
  second.nodes = {node("src2", "count_source", 1, {{"count", std::int64_t{20000}}}),
                  node("sink2", "collect")};
  second.edges = {edge("src2", "sink2")};
  auto after = start(std::move(second));
  ASSERT_TRUE(after);
  EXPECT_EQ(await(*after).state, JobState::Finished);
  EXPECT_EQ(source->records_out.load(), emitted);
}

class RestartOnce final : public RestartPolicy {
 public:
  std::optional<std::chrono::milliseconds> restart_after(const TaskFailure& failure,
                                                         std::uint32_t restarts) override {
    failures.push_back(failure.message);
    if (restarts >= 1) return std::nullopt;
    return std::chrono::milliseconds(1);
  }
  std::vector<std::string> failures;  // only touched by the supervisor until the job ends
};

TEST_F(JobTest, RestartPolicyRedeploysWithFreshOperators) {
  graphs::Graph g;  // the first fail_after instance fails, the rebuilt one passes (fail_builds = 1)
  g.nodes = {node("src", "count_source", 1, {{"count", std::int64_t{3000}}}),
             node("fail", "fail_after", 1, {{"after", std::int64_t{1000}}}),
             node("sink", "collect", 1)};
  g.edges = {edge("src", "fail"), edge("fail", "sink")};
  auto policy = std::make_shared<RestartOnce>();
  JobOptions options;
  options.restart = policy;
  auto job = start(std::move(g), options);
  ASSERT_TRUE(job);
  JobStatus status = await(*job);
  EXPECT_EQ(status.state, JobState::Finished) << status.message;
  EXPECT_EQ(status.restarts, 1u);
  ASSERT_EQ(policy->failures.size(), 1u);
  EXPECT_NE(policy->failures[0].find("boom"), std::string::npos);
  // Without checkpoints a restart replays from the start: the second attempt delivers all 3000.
  EXPECT_GE(log_->count.load(), 3000u);
}

TEST_F(JobTest, FactoryErrorFailsTheStartWithNothingSpawned) {
  runtime::OperatorRegistry registry;
  using namespace operators::spec;  // NOLINT(google-build-using-namespace)
  using SpecOf = operators::spec::Operator;
  ASSERT_TRUE(
      registry.add(SpecOf("bad_source", "source", "Never builds.")
                       .outputs({output("out", fixed(jobtest::record_schema()), "Records.")}),
                   runtime::SourceFactory([](const runtime::OperatorBuildContext&)
                                              -> graphs::Result<std::unique_ptr<SourceOperator>> {
                     return graphs::Error{"parameter 'path': cannot open 'x'"};
                   })));
  graphs::Graph g;
  g.nodes = {node("src", "bad_source")};
  auto plan = plan_job({g}, registry);
  ASSERT_TRUE(plan) << plan.error().message;
  auto job = Job::start(system_, std::move(plan).value());
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().message, "node 'src' (bad_source): parameter 'path': cannot open 'x'");
}

}  // namespace
}  // namespace rivulet::runtime
