// Job metrics (runtime/metrics/job_sampler.hpp) and edge preview taps (Job::tap) on jobs of
// test operators. No assertion depends on wall-clock time; timeouts only bound hangs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "actor_system_support.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "job_test_support.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/job.hpp"
#include "runtime/metrics/edge_tap.hpp"
#include "runtime/metrics/job_sampler.hpp"
#include "runtime/planner.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
using jobtest::edge;
using jobtest::node;

constexpr auto kTimeout = 60s;  // only against hangs

class JobMetricsTest : public ::testing::Test {
 protected:
  JobMetricsTest() : system_(testing::test_actor_config()) {}

  std::unique_ptr<Job> start(graphs::Graph graph) {
    auto plan = plan_job({std::move(graph)}, registry_);
    if (!plan) {
      ADD_FAILURE() << plan.error().message;
      return nullptr;
    }
    auto job = Job::start(system_, std::move(plan).value());
    if (!job) {
      ADD_FAILURE() << job.error().message;
      return nullptr;
    }
    return std::move(job).value();
  }

  std::shared_ptr<jobtest::Collected> log_ = std::make_shared<jobtest::Collected>();
  runtime::OperatorRegistry registry_ = jobtest::make_registry(log_, 1);
  caf::actor_system system_;
};

graphs::Graph pipeline(std::int64_t count, std::uint32_t parallelism) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", parallelism, {{"count", count}}),
             node("mid", "pass", parallelism), node("sink", "collect", 1)};
  g.edges = {edge("src", "mid"), edge("mid", "sink", graphs::PartitioningKind::Rebalance)};
  return g;
}

TEST_F(JobMetricsTest, SamplerCountsRecordsBytesAndTimeSharesPerTaskAndPerNode) {
  auto job = start(pipeline(20000, 2));
  ASSERT_TRUE(job);
  JobSampler sampler;
  const node::JobMetrics first = sampler.sample(*job, 1000);
  ASSERT_TRUE(job->wait_for(kTimeout));
  std::this_thread::sleep_for(20ms);  // a non-empty interval for the rates
  const node::JobMetrics last = sampler.sample(*job, 2000);

  ASSERT_EQ(first.tasks.size(), 5u);  // 2 src, 2 mid, 1 sink
  ASSERT_EQ(last.tasks.size(), 5u);
  for (const node::TaskSample& t : last.tasks) {
    EXPECT_NEAR(t.busy_ms_per_second + t.backpressured_ms_per_second + t.idle_ms_per_second, 1000.0,
                1e-6)
        << t.node_id << "#" << t.subtask;
    EXPECT_EQ(t.state, "finished") << t.node_id;
  }
  const auto nodes = per_node(last.tasks);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].node_id, "src");
  EXPECT_EQ(nodes[0].parallelism, 2u);
  EXPECT_EQ(nodes[0].records_out, 40000u);
  EXPECT_EQ(nodes[1].records_in, 40000u);
  EXPECT_EQ(nodes[2].records_in, 40000u);
  EXPECT_GT(nodes[0].bytes_out, 40000u * 8);
  // A forward edge hands the very batches on: what went out is what came in.
  EXPECT_EQ(nodes[1].bytes_in, nodes[0].bytes_out);
  EXPECT_EQ(nodes[1].bytes_out, nodes[2].bytes_in);
  // One input channel per mid instance, two into the sink; all drained at the end.
  EXPECT_EQ(nodes[1].input_fill.size(), 2u);
  EXPECT_EQ(nodes[2].input_fill.size(), 2u);
  for (double fill : nodes[2].input_fill) EXPECT_EQ(fill, 0.0);
  EXPECT_EQ(nodes[0].dropped_records, 0u);
}

TEST(EdgeTapTest, KeepsRowsWithinTheBudgetAndCountsTheRestAsSkipped) {
  auto schema = std::make_shared<const graphs::Schema>(jobtest::record_schema());
  auto batch = [&](std::int64_t first) {
    BatchBuilder b(schema, 10);
    for (std::int64_t i = 0; i < 10; ++i) {
      b.append_int64(0, first + i);
      b.append_string(1, "k" + std::to_string(i));
      b.end_row(0);
    }
    return b.finish();
  };
  EdgeTap tap(0, 15);
  for (int i = 0; i < 3; ++i) tap.offer(batch(i * 10));
  EdgeTap::Sampled sampled = tap.take(4);
  EXPECT_EQ(sampled.rows, 15u);
  EXPECT_EQ(sampled.skipped, 15u);
  tap.offer(batch(100));
  sampled = tap.take(4);
  ASSERT_EQ(sampled.rows, 4u);
  EXPECT_EQ(sampled.skipped, 6u);
  const auto rows = format_rows(*sampled.parts.at(0).first, sampled.parts.at(0).second);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"100", "k0"}));
  EXPECT_EQ(tap_budget(10), 5u);
  EXPECT_EQ(tap_budget(0), 1u);
}

TEST_F(JobMetricsTest, TapDeliversRecordsOfTheEdgeWithinItsRateAndStopsWhenDropped) {
  auto job = start(pipeline(0, 2));  // unbounded
  ASSERT_TRUE(job);
  std::mutex mutex;
  std::vector<node::PreviewRecords> seen;
  std::atomic<int> deliveries{0};
  auto handle =
      job->tap(node::EdgeRef{"src", "out", "mid", "in"}, 10, [&](node::PreviewRecords records) {
        std::lock_guard lock(mutex);
        seen.push_back(std::move(records));
        ++deliveries;
      });
  ASSERT_TRUE(handle) << handle.error().message;
  const auto give_up = std::chrono::steady_clock::now() + kTimeout;
  while (deliveries.load() < 3) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "no previews arrive";
    std::this_thread::sleep_for(5ms);
  }
  handle->reset();  // removes the tap and joins its thread
  const int delivered = deliveries.load();
  for (TaskId t : job->plan().nodes[0].tasks) {
    EXPECT_EQ(job->task_metrics()[t]->tapped_ports.load(), 0u);
    EXPECT_TRUE(job->task_metrics()[t]->taps.empty());
  }
  std::this_thread::sleep_for(kTapPeriod * 2);
  EXPECT_EQ(deliveries.load(), delivered);  // nothing after the handle is gone
  job->cancel();
  ASSERT_TRUE(job->wait_for(kTimeout));

  std::lock_guard lock(mutex);
  std::uint64_t skipped = 0;
  for (const node::PreviewRecords& p : seen) {
    EXPECT_EQ(p.schema, jobtest::record_schema());
    EXPECT_LE(p.rows.size(), tap_budget(10));  // 10 per second, per half-second delivery
    skipped += p.skipped;
    for (const auto& row : p.rows) {
      ASSERT_EQ(row.size(), 2u);
      EXPECT_NO_THROW((void)std::stoll(row[0])) << row[0];
      EXPECT_EQ(row[1].rfind("k", 0), 0u) << row[1];
    }
  }
  EXPECT_GT(skipped, 0u);  // the source runs far faster than 10 records per second
}

TEST_F(JobMetricsTest, TapOnAnEdgeThatDoesNotExistNamesWhatIsMissing) {
  auto job = start(pipeline(100, 1));
  ASSERT_TRUE(job);
  auto deliver = [](node::PreviewRecords) {};
  auto no_node = job->tap(node::EdgeRef{"nope", "out", "mid", "in"}, 10, deliver);
  ASSERT_FALSE(no_node);
  EXPECT_NE(no_node.error().message.find("no node nope"), std::string::npos);
  auto no_port = job->tap(node::EdgeRef{"src", "bad", "mid", "in"}, 10, deliver);
  ASSERT_FALSE(no_port);
  EXPECT_NE(no_port.error().message.find("no output port bad"), std::string::npos);
  auto no_edge = job->tap(node::EdgeRef{"src", "out", "sink", "in"}, 10, deliver);
  ASSERT_FALSE(no_edge);
  EXPECT_NE(no_edge.error().message.find("no such edge"), std::string::npos);
  ASSERT_TRUE(job->wait_for(kTimeout));
}

}  // namespace
}  // namespace rivulet::runtime
