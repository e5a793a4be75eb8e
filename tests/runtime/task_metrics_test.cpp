// Live task metrics as readers see them: the watermark a source task emits, and backpressure
// that includes a wait still in progress (TaskMetrics::backpressured_since_ns), both in the
// counters and in `rivulet run`'s live table. No assertion depends on wall-clock time:
// "greater than zero while stalled" at most; timeouts only keep a broken build from hanging.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "actor_system_support.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/after.hpp"
#include "caf/exit_reason.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"
#include "fake_transport.hpp"
#include "runtime/backpressure_clock.hpp"
#include "runtime/cli/live_table.hpp"
#include "runtime/source_runner.hpp"
#include "runtime/task_actor.hpp"
#include "task_test_support.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
using testing::FakeTransport;
using testing::forward_to;
using testing::GeneratorSource;
using testing::input_from;
using testing::seq_batch;
using testing::seq_schema;

constexpr auto kTimeout = 30s;  // only against hangs

// Each poll emits one batch and then the next scripted watermark (as a Kafka source emits its
// minimum over partitions, which may repeat or, from a buggy source, go back).
class ScriptedWatermarkSource final : public SourceOperator {
 public:
  explicit ScriptedWatermarkSource(std::vector<std::int64_t> watermarks)
      : watermarks_(std::move(watermarks)) {}
  void poll(SourceCollector& out, std::size_t) override {
    out.emit(seq_batch(schema_, static_cast<std::int64_t>(next_ * 10), 10));
    out.emit_watermark(watermarks_[next_++]);
  }
  bool has_more() const override { return next_ < watermarks_.size(); }

 private:
  SchemaPtr schema_ = seq_schema();
  std::vector<std::int64_t> watermarks_;
  std::size_t next_ = 0;
};

TaskSpec source_spec(ChannelConfig channels = {}) {
  TaskSpec spec;
  spec.id = 1;
  spec.name = "src#0";
  spec.outputs = {forward_to(1, 2)};
  spec.channels = channels;
  return spec;
}

std::vector<std::int64_t> sent_watermarks(const FakeTransport& transport) {
  std::vector<std::int64_t> out;
  for (const auto& sent : transport.downstream) {
    if (const auto* wm = std::get_if<Watermark>(&sent.message.payload)) out.push_back(wm->ms);
  }
  return out;
}

TEST(SourceWatermarkMetric, RecordsTheWatermarkAsEmittedAndEndAtEndOfStream) {
  FakeTransport transport;
  auto metrics = std::make_shared<TaskMetrics>();
  SourceRunner runner(source_spec(),
                      std::make_unique<ScriptedWatermarkSource>(
                          std::vector<std::int64_t>{1000, 1000, 400, 2500}),
                      transport, metrics);
  ASSERT_TRUE(runner.open());
  EXPECT_EQ(metrics->watermark_ms.load(), kMinWatermark);  // "-" before the first watermark

  const std::vector<std::int64_t> expected_after_step{1000, 1000, 1000, 2500};
  for (std::int64_t expected : expected_after_step) {
    auto step = runner.step();
    ASSERT_TRUE(step) << step.error().message;
    EXPECT_EQ(metrics->watermark_ms.load(), expected);
  }
  // Exactly what went downstream: watermarks only move forward.
  EXPECT_EQ(sent_watermarks(transport), (std::vector<std::int64_t>{1000, 2500}));

  auto step = runner.step();  // exhausted: end of stream
  ASSERT_TRUE(step);
  EXPECT_EQ(metrics->watermark_ms.load(), kMaxWatermark);
  EXPECT_EQ(cli::format_watermark(metrics->watermark_ms.load()), "end");
}

TEST(BackpressureMetric, OngoingWaitIsVisibleBeforeCreditReturnsAndBookedAfter) {
  FakeTransport transport;  // the receiver never grants credit until told to below
  auto metrics = std::make_shared<TaskMetrics>();
  ChannelConfig channels;
  channels.credit_window = 4;
  channels.max_pending = 1;
  SourceRunner runner(source_spec(channels), std::make_unique<GeneratorSource>(-1, 10), transport,
                      metrics);
  ASSERT_TRUE(runner.open());
  EXPECT_EQ(metrics->backpressured_since_ns.load(), 0);

  // Poll until the window and the local buffer are full; the runner then waits for credit.
  for (int i = 0; i < 100; ++i) {
    auto step = runner.step();
    ASSERT_TRUE(step);
    if (*step == SourceRunner::Step::WaitForCredit) break;
  }
  ASSERT_FALSE(runner.has_capacity());
  const std::int64_t since = metrics->backpressured_since_ns.load();
  EXPECT_NE(since, 0);
  EXPECT_EQ(metrics->backpressured_ns.load(), 0u);  // nothing booked: credit never came back
  // A reader includes the wait in progress (any moment after it began counts).
  std::this_thread::sleep_for(1ms);
  EXPECT_GT(metrics->backpressured_ns_at(TaskMetrics::steady_clock_ns()), 0u);
  EXPECT_EQ(metrics->backpressured_ns_at(since), 0u);  // consistent at the wait's first instant

  // Credit returns: the wait is booked and the "since" mark cleared.
  EXPECT_TRUE(runner.on_credit(CreditGrant{0, channels.credit_window}));
  EXPECT_EQ(metrics->backpressured_since_ns.load(), 0);
  const std::uint64_t booked = metrics->backpressured_ns.load();
  EXPECT_GT(booked, 0u);
  EXPECT_EQ(metrics->backpressured_ns_at(TaskMetrics::steady_clock_ns()), booked);
  runner.request_stop();
}

TEST(BackpressureMetric, ReadersNeverSeeTheOngoingWaitTwiceOrLoseIt) {
  // The writer books waits of exactly 1000 ns that began 1000 ns before `now`, so a reader at
  // `now` sees 1000 per wait, ongoing or booked. A torn read that counted a wait both as
  // booked and as ongoing would run 1000 ahead and the next read would go backwards.
  TaskMetrics metrics;
  const std::int64_t now = 1'000'000'000;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 200000; ++i) {
      metrics.begin_backpressure(now - 1000);
      metrics.end_backpressure(1000);
    }
    done = true;
  });
  std::uint64_t last = 0;
  while (!done.load()) {
    const std::uint64_t seen = metrics.backpressured_ns_at(now);
    ASSERT_EQ(seen % 1000, 0u);
    ASSERT_GE(seen, last);  // monotonic
    last = seen;
  }
  writer.join();
  EXPECT_EQ(metrics.backpressured_ns_at(now), 200000u * 1000u);
}

// --- the live table ---------------------------------------------------------------------

PhysicalPlan one_node_plan(bool source) {
  PhysicalPlan plan;
  PlannedNode node;
  node.name = source ? "src" : "sink";
  node.spec.kind = source ? "kafka_source" : "kafka_sink";
  node.source = source;
  node.tasks = {0};
  plan.nodes.push_back(std::move(node));
  plan.tasks.resize(1);
  return plan;
}

std::string row_of(const std::vector<std::string>& table, const std::string& name) {
  for (const std::string& line : table) {
    if (line.rfind(name + " ", 0) == 0) return line;
  }
  return {};
}

TEST(LiveTableMetrics, ShowsAWaitInProgressAndTheSourceWatermark) {
  const PhysicalPlan plan = one_node_plan(/*source=*/true);
  auto metrics = std::make_shared<TaskMetrics>();
  const auto start = std::chrono::steady_clock::time_point{} + 1h;  // explicit, not "now"
  cli::LiveTable table(plan, {metrics}, start);

  // Stuck from the start and still stuck at both samples: 100% both times, although nothing
  // has been booked into backpressured_ns yet.
  metrics->begin_backpressure(TaskMetrics::steady_clock_ns(start));
  metrics->watermark_ms.store(1700000000123);  // 22:13:20.123 UTC
  table.sample(start + 1s);
  std::string row = row_of(table.table(), "src");
  EXPECT_NE(row.find("100%"), std::string::npos) << row;
  EXPECT_NE(row.find("22:13:20.123"), std::string::npos) << row;
  table.sample(start + 2s);
  row = row_of(table.table(), "src");
  EXPECT_NE(row.find("100%"), std::string::npos) << row;

  // Released half-way through the next interval: 50%, then 0% once it stays released.
  metrics->end_backpressure(2'500'000'000);
  table.sample(start + 3s);
  row = row_of(table.table(), "src");
  EXPECT_NE(row.find(" 50%"), std::string::npos) << row;
  table.sample(start + 4s);
  row = row_of(table.table(), "src");
  EXPECT_NE(row.find("  0%"), std::string::npos) << row;
}

// --- real task actors: a sink that holds its credit ----------------------------------------

// Blocks in process() until released: it neither consumes nor grants credit meanwhile.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> entered{0};
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
};

class HoldingSink final : public Operator {
 public:
  explicit HoldingSink(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  void process(std::size_t, const BatchPtr&, Collector&) override {
    gate_->entered.fetch_add(1);
    std::unique_lock lock(gate_->mutex);
    gate_->cv.wait(lock, [&] { return gate_->open; });
  }

 private:
  std::shared_ptr<Gate> gate_;
};

class HeldCreditTest : public ::testing::Test {
 protected:
  HeldCreditTest() : system_(testing::test_actor_config()), self_(system_) {}
  ~HeldCreditTest() override {
    gate_->release();  // never leave a scheduler thread blocked, whatever failed
    for (const caf::actor& a : spawned_) caf::anon_send_exit(a, caf::exit_reason::kill);
  }
  caf::actor track(caf::actor a) {
    self_->monitor(a);
    spawned_.push_back(a);
    return a;
  }

  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  caf::actor_system system_;
  caf::scoped_actor self_;
  std::vector<caf::actor> spawned_;
};

template <class Predicate>
bool eventually(Predicate predicate) {
  const auto give_up = std::chrono::steady_clock::now() + kTimeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST_F(HeldCreditTest, StalledSourceShowsBackpressureWhileTheSinkHoldsCredit) {
  ChannelConfig channels;
  channels.credit_window = 4;
  channels.max_pending = 1;
  auto source_m = std::make_shared<TaskMetrics>();
  auto sink_m = std::make_shared<TaskMetrics>();

  TaskWiring sink;
  sink.spec.id = 2;
  sink.spec.name = "holding-sink#0";
  sink.spec.inputs = {input_from(1, 2)};
  sink.spec.channels = channels;
  sink.metrics = sink_m;
  caf::actor sink_actor =
      track(spawn_task(system_, std::move(sink), std::make_unique<HoldingSink>(gate_)));
  TaskWiring source;
  source.spec = source_spec(channels);
  source.targets = {sink_actor};
  source.metrics = source_m;
  caf::actor source_actor = track(
      spawn_source_task(system_, std::move(source), std::make_unique<GeneratorSource>(-1, 10)));

  // The sink holds the first batch; the source fills the window and its buffer, then waits.
  ASSERT_TRUE(eventually([&] { return source_m->backpressured_since_ns.load() != 0; }))
      << "the source never ran out of credit";
  ASSERT_TRUE(eventually([&] { return gate_->entered.load() > 0; }));
  // Stalled, nothing released: the completed-wait counter alone would say 0%, the reader's
  // view does not. The watermark of what it emitted so far is there too.
  std::this_thread::sleep_for(1ms);
  EXPECT_NE(source_m->backpressured_since_ns.load(), 0);
  EXPECT_GT(source_m->backpressured_ns_at(TaskMetrics::steady_clock_ns()), 0u);
  EXPECT_GE(source_m->watermark_ms.load(), 9);  // GeneratorSource: last seq of a batch

  // Release the sink and stop: the wait gets booked, everything drains, all exit normally.
  gate_->release();
  self_->send(source_actor, StopSource{});
  for (int i = 0; i < 2; ++i) {
    bool timed_out = false;
    self_->receive(
        [](const caf::down_msg& down) { EXPECT_FALSE(down.reason) << to_string(down.reason); },
        caf::after(kTimeout) >> [&] { timed_out = true; });
    ASSERT_FALSE(timed_out) << "task did not finish";
  }
  EXPECT_GT(source_m->backpressured_ns.load(), 0u);
  EXPECT_EQ(source_m->watermark_ms.load(), kMaxWatermark);
  EXPECT_EQ(source_m->batches_out.load(), sink_m->batches_in.load());
}

}  // namespace
}  // namespace rivulet::runtime
