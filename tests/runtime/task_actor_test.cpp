// Real task actors on a real CAF actor system. No assertion depends on wall-clock time;
// timeouts only keep a broken build from hanging.
#include "runtime/task_actor.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "actor_system_support.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/after.hpp"
#include "caf/exit_reason.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"
#include "task_test_support.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
using testing::forward_to;
using testing::GeneratorSource;
using testing::input_from;
using testing::PassThrough;
using testing::RecordingSink;
using testing::seq_batch;
using testing::seq_schema;
using testing::SinkLog;

constexpr auto kTimeout = 30s;  // only against hangs

class TaskActorTest : public ::testing::Test {
 protected:
  TaskActorTest() : system_(testing::test_actor_config()), self_(system_) {}

  ~TaskActorTest() override {
    // Whatever a failed assertion left running is killed, so the system always shuts down.
    for (const caf::actor& a : spawned_) caf::anon_send_exit(a, caf::exit_reason::kill);
  }

  caf::actor track(caf::actor a) {
    self_->monitor(a);
    spawned_.push_back(a);
    return a;
  }

  // Waits for `n` tasks to exit; all must exit normally. Where the test actor is the tasks'
  // coordinator it ends each task that reports its stream ended, as the coordinator does.
  void await_exits(std::size_t n) {
    for (std::size_t exited = 0; exited < n;) {
      bool timed_out = false;
      self_->receive(
          [&](const caf::down_msg& down) {
            EXPECT_FALSE(down.reason) << to_string(down.reason);
            ++exited;
          },
          [&](const TaskEnded&) {
            self_->send(caf::actor_cast<caf::actor>(self_->current_sender()), FinishTask{});
          },
          caf::after(kTimeout) >> [&] { timed_out = true; });
      ASSERT_FALSE(timed_out) << "task did not finish";
    }
  }

  // Receives the next StreamMessage sent to the test actor (credit grants are counted and
  // skipped, checkpoint acks are collected).
  StreamMessage next_output() {
    StreamMessage out;
    bool got = false;
    while (!got) {
      bool timed_out = false;
      self_->receive(
          [&](StreamMessage& m) {
            out = std::move(m);
            got = true;
          },
          [&](const CreditGrant& g) { credits_ += g.credits; },
          [&](const CheckpointAck& a) { acks_.push_back(a); },
          caf::after(kTimeout) >> [&] { timed_out = true; });
      if (timed_out) {
        ADD_FAILURE() << "no output";
        return out;
      }
    }
    return out;
  }

  void send_to(const caf::actor& task, std::uint32_t channel, ChannelPayload payload) {
    self_->send(task, StreamMessage{channel, 0, std::move(payload)});
  }

  caf::actor_system system_;
  caf::scoped_actor self_;
  std::vector<caf::actor> spawned_;
  std::uint64_t credits_ = 0;
  std::vector<CheckpointAck> acks_;
};

TEST_F(TaskActorTest, SourcePassThroughSinkDeliversInOrderWithWatermarksAndEnd) {
  auto log = std::make_shared<SinkLog>();
  auto source_metrics = std::make_shared<TaskMetrics>();
  auto sink_metrics = std::make_shared<TaskMetrics>();
  constexpr std::int64_t kBatches = 200;
  constexpr std::size_t kRows = 100;

  TaskWiring sink;
  sink.spec.id = 3;
  sink.spec.name = "sink#0";
  sink.spec.inputs = {input_from(2, 3)};
  sink.metrics = sink_metrics;
  caf::actor sink_actor =
      track(spawn_task(system_, std::move(sink), std::make_unique<RecordingSink>(log)));

  TaskWiring pass;
  pass.spec.id = 2;
  pass.spec.name = "pass#0";
  pass.spec.inputs = {input_from(1, 2)};
  pass.spec.outputs = {forward_to(2, 3)};
  pass.targets = {sink_actor};
  caf::actor pass_actor =
      track(spawn_task(system_, std::move(pass), std::make_unique<PassThrough>()));

  TaskWiring source;
  source.spec.id = 1;
  source.spec.name = "gen#0";
  source.spec.outputs = {forward_to(1, 2)};
  source.targets = {pass_actor};
  source.metrics = source_metrics;
  track(spawn_source_task(system_, std::move(source),
                          std::make_unique<GeneratorSource>(kBatches, kRows)));

  await_exits(3);

  const auto events = log->snapshot();
  std::int64_t next_seq = 0;
  std::int64_t last_wm = kMinWatermark;
  std::size_t watermarks = 0;
  ASSERT_FALSE(events.empty());
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    const auto& e = events[i];
    if (e.kind == SinkLog::Event::Data) {
      EXPECT_EQ(e.value, next_seq) << "data out of order at event " << i;
      EXPECT_GT(e.value, last_wm) << "data behind an earlier watermark";
      next_seq = e.value + static_cast<std::int64_t>(e.rows);
    } else if (e.kind == SinkLog::Event::Watermark) {
      EXPECT_GT(e.value, last_wm);
      if (e.value != kMaxWatermark) {
        EXPECT_EQ(e.value, next_seq - 1) << "watermark not in band";
      }
      last_wm = e.value;
      ++watermarks;
    } else {
      ADD_FAILURE() << "unexpected event kind " << e.kind;
    }
  }
  EXPECT_EQ(next_seq, kBatches * static_cast<std::int64_t>(kRows));
  EXPECT_GE(watermarks, 2u);
  EXPECT_EQ(last_wm, kMaxWatermark);  // end of stream completes event time
  EXPECT_EQ(events.back().kind, SinkLog::Event::End);
  EXPECT_EQ(sink_metrics->records_in.load(), kBatches * kRows);
  EXPECT_EQ(source_metrics->records_out.load(), kBatches * kRows);
  EXPECT_EQ(sink_metrics->state.load(), TaskState::Finished);
  EXPECT_EQ(sink_metrics->credit_violations.load(), 0u);
}

TEST_F(TaskActorTest, WatermarkIsTheMinimumOverInputsExcludingIdleAndEnded) {
  TaskWiring w;
  w.spec.id = 5;
  w.spec.name = "merge#0";
  w.spec.inputs = {input_from(1, 5, 0), input_from(2, 5, 1)};
  w.spec.outputs = {forward_to(5, 9)};
  w.targets = {caf::actor_cast<caf::actor>(self_)};
  caf::actor task = track(spawn_task(system_, std::move(w), std::make_unique<PassThrough>()));

  auto expect_watermark = [&](std::int64_t expected) {
    StreamMessage m = next_output();
    ASSERT_TRUE(std::holds_alternative<Watermark>(m.payload)) << "index " << m.payload.index();
    EXPECT_EQ(std::get<Watermark>(m.payload).ms, expected);
  };
  send_to(task, 0, Watermark{10});
  send_to(task, 1, Watermark{5});
  expect_watermark(5);
  send_to(task, 1, Watermark{20});
  expect_watermark(10);
  send_to(task, 0, IdleStatus{true});
  expect_watermark(20);             // the idle input no longer holds it back
  send_to(task, 0, Watermark{15});  // active again, but behind: no regression
  send_to(task, 1, Watermark{30});
  send_to(task, 0, Watermark{25});
  expect_watermark(25);
  send_to(task, 0, EndOfStream{});
  expect_watermark(30);  // the ended input is excluded
  send_to(task, 1, EndOfStream{});
  StreamMessage end = next_output();
  EXPECT_TRUE(std::holds_alternative<EndOfStream>(end.payload));
  await_exits(1);
}

TEST_F(TaskActorTest, BarrierAlignmentHoldsRecordsAfterTheBarrier) {
  // The aligning task forwards to the test actor and acks to it as coordinator; a recording
  // operator would hide the output order, so use pass-through and read the output stream.
  TaskWiring w;
  w.spec.id = 7;
  w.spec.name = "align#0";
  w.spec.inputs = {input_from(1, 7), input_from(2, 7)};
  w.spec.outputs = {forward_to(7, 9)};
  w.targets = {caf::actor_cast<caf::actor>(self_)};
  w.coordinator = caf::actor_cast<caf::actor>(self_);
  caf::actor task = track(spawn_task(system_, std::move(w), std::make_unique<PassThrough>()));

  const SchemaPtr schema = seq_schema();
  send_to(task, 0, seq_batch(schema, 0, 10));  // fast input: before the barrier
  send_to(task, 0, CheckpointBarrier{1, 0, false});
  send_to(task, 0, seq_batch(schema, 100, 10));  // fast input: after the barrier — held
  send_to(task, 1, seq_batch(schema, 200, 10));  // slow input: still before its barrier
  send_to(task, 1, CheckpointBarrier{1, 0, false});
  send_to(task, 0, EndOfStream{});
  send_to(task, 1, EndOfStream{});

  auto first_seq = [](const StreamMessage& m) {
    return std::get<BatchPtr>(m.payload)->column(0).int64s()[0];
  };
  StreamMessage m1 = next_output();
  StreamMessage m2 = next_output();
  StreamMessage m3 = next_output();
  StreamMessage m4 = next_output();
  ASSERT_TRUE(std::holds_alternative<BatchPtr>(m1.payload));
  ASSERT_TRUE(std::holds_alternative<BatchPtr>(m2.payload));
  EXPECT_EQ(first_seq(m1), 0);
  EXPECT_EQ(first_seq(m2), 200);
  ASSERT_TRUE(std::holds_alternative<CheckpointBarrier>(m3.payload));
  EXPECT_EQ(std::get<CheckpointBarrier>(m3.payload).checkpoint_id, 1u);
  ASSERT_TRUE(std::holds_alternative<BatchPtr>(m4.payload));
  EXPECT_EQ(first_seq(m4), 100);  // released only after alignment
  EXPECT_TRUE(std::holds_alternative<EndOfStream>(next_output().payload));
  await_exits(1);
  ASSERT_EQ(acks_.size(), 1u);
  EXPECT_EQ(acks_[0].task, 7u);
  EXPECT_EQ(acks_[0].checkpoint_id, 1u);
  EXPECT_EQ(credits_, 3u);  // every consumed batch was credited back
}

TEST_F(TaskActorTest, SinkSnapshotsWhenBarrierAlignedAndSourceAcks) {
  auto log = std::make_shared<SinkLog>();
  TaskWiring sink;
  sink.spec.id = 2;
  sink.spec.name = "sink#0";
  sink.spec.inputs = {input_from(1, 2)};
  sink.coordinator = caf::actor_cast<caf::actor>(self_);
  caf::actor sink_actor =
      track(spawn_task(system_, std::move(sink), std::make_unique<RecordingSink>(log)));
  TaskWiring source;
  source.spec.id = 1;
  source.spec.name = "gen#0";
  source.spec.outputs = {forward_to(1, 2)};
  source.targets = {sink_actor};
  source.coordinator = caf::actor_cast<caf::actor>(self_);
  caf::actor source_actor = track(
      spawn_source_task(system_, std::move(source), std::make_unique<GeneratorSource>(-1, 10)));
  self_->send(source_actor, InjectBarrier{CheckpointBarrier{42, 0, false}});
  std::vector<TaskId> acked;
  while (acked.size() < 2) {
    bool timed_out = false;
    self_->receive(
        [&](const CheckpointAck& a) {
          EXPECT_EQ(a.checkpoint_id, 42u);
          acked.push_back(a.task);
        },
        caf::after(kTimeout) >> [&] { timed_out = true; });
    ASSERT_FALSE(timed_out);
  }
  EXPECT_EQ(acked, (std::vector<TaskId>{1, 2}));  // source first, then downstream
  self_->send(source_actor, StopSource{});
  await_exits(2);
  std::size_t snapshots = 0;
  for (const auto& e : log->snapshot()) snapshots += e.kind == SinkLog::Event::Snapshot;
  EXPECT_EQ(snapshots, 1u);
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

TEST_F(TaskActorTest, BackpressureBoundsInFlightBatchesAndMemory) {
  ChannelConfig channels;
  channels.credit_window = 8;
  channels.max_pending = 2;
  channels.pause_after_ms = 0;  // every shortage is told (hysteresis: the tests below)
  auto log = std::make_shared<SinkLog>();
  auto capacity_changes = std::make_shared<std::atomic<int>>(0);
  auto source_m = std::make_shared<TaskMetrics>();
  auto pass_m = std::make_shared<TaskMetrics>();
  auto sink_m = std::make_shared<TaskMetrics>();

  TaskWiring sink;
  sink.spec.id = 3;
  sink.spec.name = "slow-sink#0";
  sink.spec.inputs = {input_from(2, 3)};
  sink.spec.channels = channels;
  sink.metrics = sink_m;
  caf::actor sink_actor = track(spawn_task(
      system_, std::move(sink), std::make_unique<RecordingSink>(log, 500us, /*log_data=*/false)));
  TaskWiring pass;
  pass.spec.id = 2;
  pass.spec.name = "pass#0";
  pass.spec.inputs = {input_from(1, 2)};
  pass.spec.outputs = {forward_to(2, 3)};
  pass.spec.channels = channels;
  pass.targets = {sink_actor};
  pass.metrics = pass_m;
  caf::actor pass_actor =
      track(spawn_task(system_, std::move(pass), std::make_unique<PassThrough>()));
  TaskWiring source;
  source.spec.id = 1;
  source.spec.name = "unbounded#0";
  source.spec.outputs = {forward_to(1, 2)};
  source.spec.channels = channels;
  source.targets = {pass_actor};
  source.metrics = source_m;
  // 1000 rows of ~20 bytes: an unthrottled generator would allocate hundreds of MB per second.
  caf::actor source_actor = track(spawn_source_task(
      system_, std::move(source), std::make_unique<GeneratorSource>(-1, 1000, capacity_changes)));

  // Pipeline capacity: each channel holds at most its credit window, each sender at most
  // max_pending; a little slack because the two counters are not read atomically together.
  const std::uint64_t bound = 2 * channels.credit_window + channels.max_pending + 2;
  std::uint64_t max_seen = 0;
  std::size_t rss_after_warmup = 0;
  const auto give_up = std::chrono::steady_clock::now() + kTimeout;
  while (sink_m->batches_in.load() < 2500) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "pipeline stalled";
    // Reading the sink first makes the difference an over-estimate, never an under-estimate.
    const std::uint64_t in = sink_m->batches_in.load();
    const std::uint64_t out = source_m->batches_out.load();
    max_seen = std::max(max_seen, out - in);
    if (rss_after_warmup == 0 && in >= 500) rss_after_warmup = resident_bytes();
    std::this_thread::sleep_for(1ms);
  }
  const std::size_t rss_end = resident_bytes();
  self_->send(source_actor, StopSource{});
  await_exits(3);

  EXPECT_LE(max_seen, bound);
  for (const auto* m : {source_m.get(), pass_m.get()}) {
    EXPECT_LE(m->max_in_flight.load(), channels.credit_window);
    EXPECT_LE(m->max_pending.load(), channels.max_pending);
  }
  for (const auto* m : {pass_m.get(), sink_m.get()}) {
    EXPECT_LE(m->max_input_queue.load(), channels.credit_window);
    EXPECT_EQ(m->credit_violations.load(), 0u);
  }
  // The source really was throttled (it would otherwise have run ahead by millions of batches)
  // and was told so, which is where a Kafka source pauses its partitions.
  EXPECT_GT(source_m->backpressured_ns.load(), 0u);
  EXPECT_GE(capacity_changes->load(), 2);
  EXPECT_EQ(source_m->batches_out.load(), sink_m->batches_in.load());  // nothing lost at stop
  const std::size_t margin = 32u << 20;
  EXPECT_LE(rss_end, rss_after_warmup + margin)
      << "RSS grew from " << rss_after_warmup << " to " << rss_end;
}

// A sink that stalls once, for `stall`, at its `at`-th batch (a checkpoint, a blocked write).
class StallingSink final : public Operator {
 public:
  StallingSink(std::shared_ptr<SinkLog> log, std::chrono::microseconds delay_per_batch,
               std::uint64_t at, std::chrono::milliseconds stall)
      : log_(std::move(log)), delay_(delay_per_batch), at_(at), stall_(stall) {}
  void process(std::size_t, const BatchPtr&, Collector&) override {
    std::this_thread::sleep_for(log_->batches.load() + 1 == at_ ? stall_ : delay_);
    log_->batches.fetch_add(1);
  }

 private:
  std::shared_ptr<SinkLog> log_;
  std::chrono::microseconds delay_;
  std::uint64_t at_;
  std::chrono::milliseconds stall_;
};

// An unbounded source → a sink slower than it (and stalling once if `stall` > 0): how often
// the source was told that its capacity went or came back (where a Kafka source pauses or
// resumes its partitions) while the sink took `batches` batches.
int capacity_changes_under_a_slow_sink(caf::actor_system& system, std::uint32_t pause_after_ms,
                                       std::uint64_t batches,
                                       std::chrono::milliseconds stall = {}) {
  ChannelConfig channels;
  channels.credit_window = 4;
  channels.max_pending = 1;
  channels.pause_after_ms = pause_after_ms;
  auto log = std::make_shared<SinkLog>();
  auto changes = std::make_shared<std::atomic<int>>(0);
  TaskWiring sink;
  sink.spec.id = 2;
  sink.spec.name = "slow-sink#0";
  sink.spec.inputs = {input_from(1, 2)};
  sink.spec.channels = channels;
  caf::actor sink_actor = spawn_task(
      system, std::move(sink),
      std::make_unique<StallingSink>(log, 300us, stall.count() > 0 ? batches / 2 : 0, stall));
  TaskWiring source;
  source.spec.id = 1;
  source.spec.name = "unbounded#0";
  source.spec.outputs = {forward_to(1, 2)};
  source.spec.channels = channels;
  source.targets = {sink_actor};
  caf::actor source_actor = spawn_source_task(system, std::move(source),
                                              std::make_unique<GeneratorSource>(-1, 100, changes));
  caf::scoped_actor self(system);
  self->monitor(source_actor);
  self->monitor(sink_actor);
  const auto give_up = std::chrono::steady_clock::now() + kTimeout;
  while (log->batches.load() < batches && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_GE(log->batches.load(), batches) << "pipeline stalled";
  self->send(source_actor, StopSource{});
  for (int exited = 0; exited < 2;) {
    bool timed_out = false;
    self->receive([&](const caf::down_msg&) { ++exited; },
                  caf::after(kTimeout) >> [&] { timed_out = true; });
    if (timed_out) {
      ADD_FAILURE() << "tasks did not end";
      caf::anon_send_exit(source_actor, caf::exit_reason::kill);
      caf::anon_send_exit(sink_actor, caf::exit_reason::kill);
      break;
    }
  }
  return changes->load();
}

// Pause hysteresis (issue 12, point 6): a sink that is merely slower than the source takes
// away the source's capacity at nearly every batch and gives it back a batch later. Told at
// once (pause_after_ms = 0), the source hears of each of those shortages; with the default
// grace it hears of none of them, since each ends long before the grace.
TEST_F(TaskActorTest, ASlowSinkPausesTheSourceOnlyWithoutHysteresis) {
  const int at_once = capacity_changes_under_a_slow_sink(system_, 0, 600);
  const int with_grace =
      capacity_changes_under_a_slow_sink(system_, ChannelConfig{}.pause_after_ms, 600);
  std::cout << "capacity changes told over 600 batches: " << at_once << " at once, " << with_grace
            << " with pause_after_ms " << ChannelConfig{}.pause_after_ms << std::endl;
  EXPECT_GE(at_once, 100) << "the sink did not hold the source back";
  EXPECT_LT(with_grace, at_once / 10) << with_grace << " vs " << at_once;
}

// ... but a real stall (the sink blocked for far longer than the grace) still tells the
// source, once, and tells it again when capacity came back.
TEST_F(TaskActorTest, AStallLongerThanTheGracePausesTheSourceOnceAndResumesIt) {
  const int changes = capacity_changes_under_a_slow_sink(system_, 20, 200, 1500ms);
  EXPECT_GE(changes, 2) << "not told about the stall, or not that it ended";
  EXPECT_LT(changes, 20) << "told about the brief shortages too";
}

}  // namespace
}  // namespace rivulet::runtime
