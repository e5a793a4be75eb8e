// Checkpoints and restarts on a real CAF actor system with an in-memory checkpoint store:
// the coordinator alone (a scoped actor plays every task), then whole jobs of test operators
// with state — a bounded counting source (offset), a keyed running sum (per-key sums) and a
// sink that only makes output visible ("commits") when a checkpoint completes. A job whose
// operator throws once restarts from the last checkpoint and its committed output equals an
// uninterrupted run's exactly. No assertion depends on wall-clock time; timeouts only keep a
// broken build from hanging.
#include "runtime/checkpoint_coordinator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "actor_system_support.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/scoped_actor.hpp"
#include "job_test_support.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"
#include "runtime/job.hpp"
#include "runtime/planner.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
using graphs::PartitioningKind;
using jobtest::edge;
using jobtest::int_parameter;
using jobtest::node;
using jobtest::record_schema;

constexpr auto kTimeout = 60s;  // only against hangs

std::vector<std::byte> to_bytes(const std::string& text) {
  const auto* data = reinterpret_cast<const std::byte*>(text.data());
  return {data, data + text.size()};
}

std::string read_text(StateReader& reader, std::string_view name) {
  if (!reader.has_blob(name)) return {};
  auto bytes = reader.read_blob(name);
  if (!bytes) throw std::runtime_error(bytes.error().message);
  return {reinterpret_cast<const char*>(bytes->data()), bytes->size()};
}

graphs::Status write_text(StateWriter& writer, std::string_view name, const std::string& text) {
  const auto bytes = to_bytes(text);
  return writer.write_blob(name, bytes);
}

constexpr std::uint64_t kGatedCompletions = 4;

using Output = std::multiset<std::pair<std::string, std::int64_t>>;  // (key, running sum)

// The world outside the job: what the sinks committed (idempotently, per transaction, like a
// transactional Kafka producer), and knobs and observations of the test operators.
struct World {
  std::atomic<int> failures_left{0};          // keyed_sum throws while this is positive
  std::atomic<std::uint64_t> completions{0};  // on_checkpoint_complete calls seen by sinks
  std::atomic<int> offset_restores{0};        // source restores that found an offset
  std::mutex mutex;
  std::map<std::pair<std::uint32_t, std::uint64_t>, Output> committed;  // (sink, txn) -> rows
  std::vector<std::uint64_t> completed_ids;  // as sink #0 was told, in order

  void commit(std::uint32_t sink, std::uint64_t txn, const Output& rows) {
    std::lock_guard lock(mutex);
    committed.emplace(std::make_pair(sink, txn), rows);  // a second commit of txn is a no-op
  }
  Output output() {
    std::lock_guard lock(mutex);
    Output all;
    for (const auto& [txn, rows] : committed) all.insert(rows.begin(), rows.end());
    return all;
  }
};

// Counts 0..count-1 per subtask: seq = subtask * 1e6 + i, key "s<subtask>k<i % keys>" (every
// key belongs to one subtask, so the per-key order, and thus every running sum, is the same in
// every run). Until the sinks saw kGatedCompletions checkpoints complete it emits at most
// `epoch` records per checkpoint barrier, so a job goes through several checkpoints however
// fast the machine is (and no source can end, which stops checkpointing, before that); then it
// runs free. State: its offset.
class CheckpointedSource final : public SourceOperator {
 public:
  CheckpointedSource(std::shared_ptr<World> world, std::int64_t count, std::int64_t epoch,
                     std::uint32_t subtask)
      : world_(std::move(world)), count_(count), epoch_(epoch), subtask_(subtask), limit_(epoch) {}

  graphs::Status open(const OperatorContext& context) override {
    schema_ = context.output_schemas.at(0);
    return graphs::Ok{};
  }
  void poll(SourceCollector& out, std::size_t max_batches) override {
    if (next_ >= limit_ && world_->completions.load() < kGatedCompletions) {  // wait for a barrier
      std::this_thread::sleep_for(1ms);
      return;
    }
    const std::int64_t end =
        world_->completions.load() < kGatedCompletions ? std::min(count_, limit_) : count_;
    for (std::size_t b = 0; b < max_batches && next_ < end; ++b) {
      BatchBuilder builder(schema_, 10);
      for (int i = 0; i < 10 && next_ < end; ++i, ++next_) {
        builder.append_int64(0, subtask_ * 1000000 + next_);
        builder.append_string(1, "s" + std::to_string(subtask_) + "k" + std::to_string(next_ % 7));
        builder.end_row(next_);
      }
      out.emit(builder.finish());
    }
  }
  bool has_more() const override { return next_ < count_; }
  graphs::Status snapshot(std::uint64_t, StateWriter& writer) override {
    limit_ = next_ + epoch_;
    return write_text(writer, "offset", std::to_string(next_));
  }
  graphs::Status restore(StateReader& reader) override {
    const std::string offset = read_text(reader, "offset");
    if (offset.empty()) return graphs::Ok{};
    next_ = std::stoll(offset);
    limit_ = next_ + epoch_;
    world_->offset_restores.fetch_add(1);
    return graphs::Ok{};
  }

 private:
  std::shared_ptr<World> world_;
  std::int64_t count_;
  std::int64_t epoch_;
  std::int64_t subtask_;
  std::int64_t next_ = 0;
  std::int64_t limit_;
  SchemaPtr schema_;
};

// Per key, the running sum of seq; emits (sum, key) for every record. Throws once the sinks
// saw two completed checkpoints, while world.failures_left allows (so a restore has a
// checkpoint with state to go back to). State: the sums.
class KeyedSum final : public Operator {
 public:
  explicit KeyedSum(std::shared_ptr<World> world) : world_(std::move(world)) {}
  graphs::Status open(const OperatorContext& context) override {
    schema_ = context.output_schemas.at(0);
    return graphs::Ok{};
  }
  void process(std::size_t, const BatchPtr& batch, Collector& out) override {
    if (world_->completions.load() >= 2 && world_->failures_left.fetch_sub(1) > 0) {
      throw std::runtime_error("boom after " + std::to_string(seen_) + " records");
    }
    BatchBuilder builder(schema_, batch->num_rows());
    for (std::size_t r = 0; r < batch->num_rows(); ++r, ++seen_) {
      const std::string key(batch->column(1).string_at(r));
      const std::int64_t sum = sums_[key] += batch->column(0).int64s()[r];
      builder.append_int64(0, sum);
      builder.append_string(1, key);
      builder.end_row(0);
    }
    out.emit(builder.finish());
  }
  graphs::Status snapshot(std::uint64_t, StateWriter& writer) override {
    std::string text;
    for (const auto& [key, sum] : sums_) text += key + '\t' + std::to_string(sum) + '\n';
    return write_text(writer, "sums", text);
  }
  graphs::Status restore(StateReader& reader) override {
    std::istringstream lines(read_text(reader, "sums"));
    std::string key;
    std::int64_t sum = 0;
    while (std::getline(lines, key, '\t') && lines >> sum && lines.ignore()) sums_[key] = sum;
    return graphs::Ok{};
  }

 private:
  std::shared_ptr<World> world_;
  SchemaPtr schema_;
  std::map<std::string, std::int64_t> sums_;
  std::int64_t seen_ = 0;
};

// Two-phase commit: rows since the last barrier are prepared as transaction n at snapshot n
// (and kept in the state), committed when checkpoint n completes. A restore commits the
// prepared transactions of the checkpoint it restores (they belong to a complete checkpoint
// whose commit may not have happened before the failure), as Flink's two-phase-commit sinks do.
// What comes after the last periodic barrier is committed by the final checkpoint, taken once
// every task ended.
class CommitSink final : public Operator {
 public:
  CommitSink(std::shared_ptr<World> world, std::uint32_t subtask)
      : world_(std::move(world)), subtask_(subtask) {}
  void process(std::size_t, const BatchPtr& batch, Collector&) override {
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      pending_.emplace(std::string(batch->column(1).string_at(r)), batch->column(0).int64s()[r]);
    }
  }
  graphs::Status snapshot(std::uint64_t id, StateWriter& writer) override {
    prepared_[id] = std::move(pending_);
    pending_.clear();
    std::string text;
    for (const auto& [txn, rows] : prepared_) {
      for (const auto& [key, value] : rows) {
        text += std::to_string(txn) + '\t' + key + '\t' + std::to_string(value) + '\n';
      }
    }
    return write_text(writer, "prepared", text);
  }
  void on_checkpoint_complete(std::uint64_t id) override {
    while (!prepared_.empty() && prepared_.begin()->first <= id) {
      world_->commit(subtask_, prepared_.begin()->first, prepared_.begin()->second);
      prepared_.erase(prepared_.begin());
    }
    if (subtask_ == 0) {
      std::lock_guard lock(world_->mutex);
      world_->completed_ids.push_back(id);
    }
    world_->completions.fetch_add(1);
  }
  graphs::Status restore(StateReader& reader) override {
    std::istringstream lines(read_text(reader, "prepared"));
    std::map<std::uint64_t, Output> recovered;
    std::string txn, key, value;
    while (std::getline(lines, txn, '\t') && std::getline(lines, key, '\t') &&
           std::getline(lines, value)) {
      recovered[std::stoull(txn)].emplace(key, std::stoll(value));
    }
    for (const auto& [id, rows] : recovered) world_->commit(subtask_, id, rows);
    return graphs::Ok{};
  }

 private:
  std::shared_ptr<World> world_;
  std::uint32_t subtask_;
  Output pending_;
  std::map<std::uint64_t, Output> prepared_;
};

runtime::OperatorRegistry make_registry(const std::shared_ptr<World>& world) {
  using namespace operators::spec;  // NOLINT(google-build-using-namespace): spec declarations
  using SpecOf = operators::spec::Operator;
  using runtime::OperatorBuildContext;
  runtime::OperatorRegistry registry;
  auto must = [](graphs::Status status) {
    if (!status) throw std::logic_error(status.error().message);
  };
  auto transform = [](auto make) {
    return runtime::TransformFactory(
        [make](const runtime::OperatorBuildContext& c)
            -> graphs::Result<std::unique_ptr<Operator>> { return make(c); });
  };
  must(registry.add(SpecOf("ckpt_source", "source", "Counts, checkpointed.")
                        .outputs({output("out", fixed(record_schema()), "Records.")})
                        .parameters({integer("count", 1000, "Records per instance."),
                                     integer("epoch", 100, "Records per checkpoint.")}),
                    runtime::SourceFactory([world](const runtime::OperatorBuildContext& c)
                                               -> graphs::Result<std::unique_ptr<SourceOperator>> {
                      return std::unique_ptr<SourceOperator>(std::make_unique<CheckpointedSource>(
                          world, int_parameter(c.node, "count", 1000),
                          int_parameter(c.node, "epoch", 100), c.subtask_index));
                    })));
  must(registry.add(
      SpecOf("keyer", "keying", "Keys.")
          .inputs({input("in", "Records.")})
          .outputs({keying_output("out", same_as_input("in"), "Keyed records.", "keys")})
          .parameters({required_list("keys", ParameterType::FieldList, "Key fields.").over("in")}),
      transform([](const runtime::OperatorBuildContext&) -> std::unique_ptr<Operator> {
        return std::make_unique<jobtest::Pass>();
      })));
  must(registry.add(
      SpecOf("keyed_sum", "transform", "Running sums per key.")
          .inputs({keyed_input("in", "Keyed records.")})
          .outputs({output("out", same_as_input("in"), "Sums.")}),
      transform([world](const runtime::OperatorBuildContext&) -> std::unique_ptr<Operator> {
        return std::make_unique<KeyedSum>(world);
      })));
  must(registry.add(
      SpecOf("commit_sink", "sink", "Commits on checkpoints.").inputs({input("in", "Records.")}),
      transform([world](const runtime::OperatorBuildContext& c) -> std::unique_ptr<Operator> {
        return std::make_unique<CommitSink>(world, c.subtask_index);
      })));
  return registry;
}

constexpr std::int64_t kCount = 3000;  // per source instance
constexpr std::int64_t kEpoch = 200;   // records per barrier while the sources are gated

// src(2) -> keyer(2) -hash-> sum(2) -rebalance-> sink(1).
graphs::Graph pipeline(graphs::RestartStrategy restart = {}) {
  graphs::Graph g;
  g.nodes = {node("src", "ckpt_source", 2, {{"count", kCount}, {"epoch", kEpoch}}),
             node("keys", "keyer", 2, {{"keys", graphs::StringList{"key"}}}),
             node("sum", "keyed_sum", 2), node("sink", "commit_sink", 1)};
  g.edges = {edge("src", "keys"), edge("keys", "sum", PartitioningKind::Hash, {"key"}),
             edge("sum", "sink", PartitioningKind::Rebalance)};
  g.runtime.checkpoint_interval_ms = 2;
  g.runtime.restart = restart;
  return g;
}

// What any exactly-once run must commit: every record's running sum, once, starting from the
// given source offsets.
Output expected_output(std::int64_t from0 = 0, std::int64_t from1 = 0) {
  Output out;
  const std::int64_t from[2] = {from0, from1};
  for (std::int64_t s = 0; s < 2; ++s) {
    std::map<std::string, std::int64_t> sums;
    for (std::int64_t i = from[s]; i < kCount; ++i) {
      const std::string key = "s" + std::to_string(s) + "k" + std::to_string(i % 7);
      out.emplace(key, sums[key] += s * 1000000 + i);
    }
  }
  return out;
}

class CheckpointTest : public ::testing::Test {
 protected:
  CheckpointTest() : system_(testing::test_actor_config()) {}

  // Starts `graph` against `world` and `store`; null (and a test failure) if it cannot.
  std::unique_ptr<Job> start(graphs::Graph graph, const std::shared_ptr<World>& world,
                             const std::shared_ptr<CheckpointStore>& store) {
    auto registry = make_registry(world);
    auto plan = plan_job({std::move(graph)}, registry);
    if (!plan) {
      ADD_FAILURE() << plan.error().message;
      return nullptr;
    }
    JobOptions options;
    options.checkpoints = store;
    options.checkpoint_timeout = kTimeout;
    auto started = Job::start(system_, std::move(plan).value(), options);
    if (!started) {
      ADD_FAILURE() << started.error().message;
      return nullptr;
    }
    return std::move(started).value();
  }

  // Runs `graph` to its end against `world` and `store`.
  JobStatus run(graphs::Graph graph, const std::shared_ptr<World>& world,
                const std::shared_ptr<CheckpointStore>& store) {
    auto started = start(std::move(graph), world, store);
    if (!started) return {};
    Job& job = *started;
    if (!job.wait_for(kTimeout)) {
      ADD_FAILURE() << "job did not end";
      job.cancel();
    }
    const JobStatus status = job.wait();
    last_completed_ = job.checkpoint_metrics().last_completed_id.load();
    completed_ = job.checkpoint_metrics().completed.load();
    last_size_ = job.checkpoint_metrics().last_size_bytes.load();
    return status;
  }

  std::uint64_t last_completed_ = 0;
  std::uint64_t completed_ = 0;
  std::uint64_t last_size_ = 0;
  caf::actor_system system_;
};

std::uint64_t receive_barrier(caf::scoped_actor& self) {
  std::uint64_t id = 0;
  self->receive([&](const InjectBarrier& inject) { id = inject.barrier.checkpoint_id; },
                caf::after(kTimeout) >> [] { ADD_FAILURE() << "no barrier"; });
  return id;
}

std::uint64_t receive_complete(caf::scoped_actor& self) {
  std::uint64_t id = 0;
  self->receive([&](const CheckpointComplete& complete) { id = complete.checkpoint_id; },
                caf::after(kTimeout) >> [] { ADD_FAILURE() << "no completion"; });
  return id;
}

// One scoped actor plays three tasks (task 0 is the source). Checkpoint 1 misses task 2's ack
// and times out; checkpoint 2 completes only with all three; checkpoint 3 is in flight when
// the coordinator stops, and is aborted.
TEST_F(CheckpointTest, CoordinatorNeedsEveryAckAbortsOnTimeoutAndOnStop) {
  caf::scoped_actor self{system_};
  auto store = std::make_shared<InMemoryCheckpointStore>();
  auto metrics = std::make_shared<CheckpointMetrics>();
  caf::actor coordinator = spawn_checkpoint_coordinator(
      system_, CheckpointCoordinatorConfig{store, metrics, 1ms, 200ms, true, nullptr});
  const caf::actor me = caf::actor_cast<caf::actor>(self);
  self->send(coordinator, CoordinatedTasks{{me, me, me}, {0}});

  ASSERT_EQ(receive_barrier(self), 1u);
  ASSERT_TRUE(store->writer(1, "t#0"));  // in progress: tasks may write
  self->send(coordinator, CheckpointAck{0, 1, 3});
  self->send(coordinator, CheckpointAck{0, 1, 3});  // a duplicate does not count twice
  self->send(coordinator, CheckpointAck{1, 1, 4});
  self->send(coordinator, CheckpointAck{2, 99, 0});  // another checkpoint's ack neither
  // At most one checkpoint in flight: barrier 2 comes only once 1 was given up.
  ASSERT_EQ(receive_barrier(self), 2u);
  EXPECT_EQ(metrics->aborted.load(), 1u);
  EXPECT_EQ(metrics->completed.load(), 0u);
  EXPECT_GT(metrics->skipped_ticks.load(), 0u);  // ticks during the 200 ms of checkpoint 1
  EXPECT_TRUE(store->completed_ids().empty());
  EXPECT_FALSE(store->writer(1, "t#0"));  // aborted: a late task declines

  self->send(coordinator, CheckpointAck{2, 1, 0});  // too late for 1: ignored
  for (TaskId task = 0; task < 3; ++task) self->send(coordinator, CheckpointAck{task, 2, 10});
  for (int task = 0; task < 3; ++task) EXPECT_EQ(receive_complete(self), 2u);
  EXPECT_EQ(store->completed_ids(), (std::vector<CheckpointId>{2}));
  EXPECT_EQ(metrics->last_completed_id.load(), 2u);
  EXPECT_EQ(metrics->last_size_bytes.load(), 30u);
  EXPECT_EQ(metrics->completed.load(), 1u);

  ASSERT_EQ(receive_barrier(self), 3u);
  self->monitor(coordinator);
  self->send_exit(coordinator, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {}, caf::after(kTimeout) >> [] { ADD_FAILURE(); });
  EXPECT_FALSE(store->has_pending());
  EXPECT_EQ(store->completed_ids(), (std::vector<CheckpointId>{2}));
}

// The history the node shows: each checkpoint's outcome as it happens — 1 timed out, 2
// completed with its size and the longest alignment any task reported, 3 aborted because the
// attempt ended — each failure with its cause.
TEST_F(CheckpointTest, HistoryRecordsEveryOutcomeWithItsCauseAndTheLongestAlignment) {
  caf::scoped_actor self{system_};
  auto store = std::make_shared<InMemoryCheckpointStore>();
  auto metrics = std::make_shared<CheckpointMetrics>();
  caf::actor coordinator = spawn_checkpoint_coordinator(
      system_, CheckpointCoordinatorConfig{store, metrics, 1ms, 200ms, true, nullptr});
  const caf::actor me = caf::actor_cast<caf::actor>(self);
  self->send(coordinator, CoordinatedTasks{{me, me, me}, {0}});

  ASSERT_EQ(receive_barrier(self), 1u);
  ASSERT_EQ(receive_barrier(self), 2u);  // 1 timed out (no ack at all)
  for (TaskId task = 0; task < 3; ++task) {
    self->send(coordinator, CheckpointAck{task, 2, 10, task == 1 ? 7000 : 1000});
  }
  for (int task = 0; task < 3; ++task) EXPECT_EQ(receive_complete(self), 2u);
  ASSERT_EQ(receive_barrier(self), 3u);
  self->monitor(coordinator);
  self->send_exit(coordinator, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {}, caf::after(kTimeout) >> [] { ADD_FAILURE(); });

  const std::vector<CheckpointSummary> history = metrics->history();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].id, 1u);
  EXPECT_EQ(history[0].outcome, CheckpointSummary::Outcome::Failed);
  EXPECT_EQ(history[0].failure, "checkpoint 1 aborted: timed out");
  EXPECT_GE(history[0].ended_ms, history[0].started_ms);
  EXPECT_EQ(history[1].id, 2u);
  EXPECT_EQ(history[1].outcome, CheckpointSummary::Outcome::Completed);
  EXPECT_EQ(history[1].bytes, 30u);
  EXPECT_EQ(history[1].alignment_us, 7000);
  EXPECT_TRUE(history[1].failure.empty());
  EXPECT_FALSE(history[1].savepoint);
  EXPECT_GT(history[1].started_ms, 0);
  EXPECT_EQ(history[2].id, 3u);
  EXPECT_EQ(history[2].outcome, CheckpointSummary::Outcome::Failed);
  EXPECT_EQ(history[2].failure, "checkpoint 3 aborted: the job attempt ended");
  EXPECT_GE(metrics->history_version(), 6u);  // every change is visible to a poller
}

// A savepoint of a running job: barriers flagged as a savepoint that do not halt the sources;
// once complete its id goes to the waiter but no task is told (no side effects), and the
// periodic checkpoints go on in the job's own store.
TEST_F(CheckpointTest, AnIntermediateSavepointHaltsNothingAndCommitsNothing) {
  caf::scoped_actor self{system_};
  auto store = std::make_shared<InMemoryCheckpointStore>();
  auto router = std::make_shared<CheckpointRouter>(store);
  auto metrics = std::make_shared<CheckpointMetrics>();
  caf::actor coordinator = spawn_checkpoint_coordinator(
      system_, CheckpointCoordinatorConfig{router, metrics, 0ms, kTimeout, true, router});
  const caf::actor me = caf::actor_cast<caf::actor>(self);
  self->send(coordinator, CoordinatedTasks{{me, me}, {0}});

  auto savepoint = std::make_shared<InMemoryCheckpointStore>(1);
  auto waiter = std::make_shared<SavepointWaiter>();
  self->send(coordinator, SavepointRequest{savepoint, waiter, kTimeout, false});
  InjectBarrier inject;
  self->receive([&](const InjectBarrier& i) { inject = i; },
                caf::after(kTimeout) >> [] { ADD_FAILURE() << "no barrier"; });
  EXPECT_EQ(inject.barrier.checkpoint_id, 1u);
  EXPECT_TRUE(inject.barrier.savepoint);
  EXPECT_FALSE(inject.halt_after) << "the job keeps running";
  for (TaskId task = 0; task < 2; ++task) self->send(coordinator, CheckpointAck{task, 1, 5});
  auto taken = waiter->wait_for(kTimeout);
  ASSERT_TRUE(taken && taken->ok());
  EXPECT_EQ(**taken, 1u);
  EXPECT_EQ(savepoint->completed_ids(), (std::vector<CheckpointId>{1}));
  EXPECT_TRUE(store->completed_ids().empty());

  // A stop-with-savepoint next: the first completion any task hears of is its own, 2 (one
  // sender, one receiver: a CheckpointComplete{1} would have arrived before barrier 2).
  auto final_savepoint = std::make_shared<InMemoryCheckpointStore>(1);
  auto stop_waiter = std::make_shared<SavepointWaiter>();
  self->send(coordinator, SavepointRequest{final_savepoint, stop_waiter, kTimeout, true});
  self->receive(
      [&](const InjectBarrier& i) {
        EXPECT_EQ(i.barrier.checkpoint_id, 2u);
        EXPECT_TRUE(i.halt_after);
      },
      [&](const CheckpointComplete& c) {
        ADD_FAILURE() << "told of checkpoint " << c.checkpoint_id;
      },
      caf::after(kTimeout) >> [] { ADD_FAILURE() << "no barrier"; });
  for (TaskId task = 0; task < 2; ++task) self->send(coordinator, CheckpointAck{task, 2, 5});
  EXPECT_EQ(receive_complete(self), 2u);
  EXPECT_EQ(receive_complete(self), 2u);

  const std::vector<CheckpointSummary> history = metrics->history();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_TRUE(history[0].savepoint);
  EXPECT_EQ(history[0].outcome, CheckpointSummary::Outcome::Completed);
  EXPECT_EQ(history[0].bytes, 10u);
  EXPECT_TRUE(history[1].savepoint);
  EXPECT_EQ(history[1].outcome, CheckpointSummary::Outcome::Completed);
  self->send_exit(coordinator, caf::exit_reason::user_shutdown);
}

TEST_F(CheckpointTest, JobCheckpointsAreNumberedAndTheSinkCommitsExactlyOnce) {
  auto world = std::make_shared<World>();
  auto store = std::make_shared<InMemoryCheckpointStore>(100);
  JobStatus status = run(pipeline(), world, store);
  ASSERT_EQ(status.state, JobState::Finished) << status.message;
  EXPECT_EQ(world->output(), expected_output());

  const std::vector<CheckpointId> ids = store->completed_ids();
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(completed_, ids.size());
  EXPECT_EQ(last_completed_, ids.back());
  EXPECT_GT(last_size_, 0u);
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);
  EXPECT_FALSE(store->has_pending());  // whatever was in flight at the end was aborted
  std::lock_guard lock(world->mutex);
  // The sink was told about completed checkpoints only, in order.
  ASSERT_FALSE(world->completed_ids.empty());
  for (std::size_t i = 1; i < world->completed_ids.size(); ++i) {
    EXPECT_LT(world->completed_ids[i - 1], world->completed_ids[i]);
  }
  for (CheckpointId id : world->completed_ids) {
    EXPECT_TRUE(std::binary_search(ids.begin(), ids.end(), id)) << id;
  }
}

TEST_F(CheckpointTest, OperatorExceptionRestartsFromTheLastCheckpointWithExactOutput) {
  auto reference = std::make_shared<World>();
  ASSERT_EQ(run(pipeline(), reference, std::make_shared<InMemoryCheckpointStore>()).state,
            JobState::Finished);

  graphs::RestartStrategy restart;
  restart.kind = graphs::RestartKind::FixedDelay;
  restart.attempts = 3;
  restart.delay_ms = 1;
  auto world = std::make_shared<World>();
  world->failures_left = 1;
  JobStatus status = run(pipeline(restart), world, std::make_shared<InMemoryCheckpointStore>());
  ASSERT_EQ(status.state, JobState::Finished) << status.message;
  EXPECT_EQ(status.restarts, 1u);
  EXPECT_GT(world->offset_restores.load(), 0);  // the sources resumed from a checkpoint
  const Output output = world->output();
  EXPECT_EQ(output.size(), static_cast<std::size_t>(2 * kCount));  // nothing lost or twice
  EXPECT_EQ(output, reference->output());
  EXPECT_EQ(output, expected_output());
}

TEST_F(CheckpointTest, GivesUpAfterTheLimitWithTheCauseAndTheAttemptCount) {
  graphs::RestartStrategy restart;
  restart.kind = graphs::RestartKind::ExponentialBackoff;
  restart.attempts = 2;
  restart.initial_delay_ms = 1;
  restart.max_delay_ms = 4;
  auto world = std::make_shared<World>();
  world->failures_left = 1000;  // every attempt fails
  JobStatus status = run(pipeline(restart), world, std::make_shared<InMemoryCheckpointStore>());
  EXPECT_EQ(status.state, JobState::Failed);
  EXPECT_EQ(status.restarts, 2u);
  EXPECT_EQ(status.message.rfind("sum#", 0), 0u) << status.message;
  EXPECT_NE(status.message.find("boom after"), std::string::npos) << status.message;
  EXPECT_NE(status.message.find("gave up after 2 restarts"), std::string::npos) << status.message;
}

TEST_F(CheckpointTest, JobStartsFromTheStoresLatestCompleteCheckpoint) {
  auto store = std::make_shared<InMemoryCheckpointStore>(100);
  ASSERT_TRUE(store->begin(7));
  const std::pair<std::string, std::int64_t> offsets[] = {{"src#0", kCount - 100},
                                                          {"src#1", kCount - 30}};
  for (const auto& [task, offset] : offsets) {
    auto writer = store->writer(7, task);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(write_text(**writer, "offset", std::to_string(offset)));
  }
  ASSERT_TRUE(store->complete(7));
  ASSERT_TRUE(store->begin(8));  // incomplete: never restored from

  auto world = std::make_shared<World>();
  JobStatus status = run(pipeline(), world, store);
  ASSERT_EQ(status.state, JobState::Finished) << status.message;
  EXPECT_EQ(world->offset_restores.load(), 2);
  EXPECT_EQ(world->output(), expected_output(kCount - 100, kCount - 30));
  for (CheckpointId id : store->completed_ids()) EXPECT_TRUE(id == 7 || id > 8) << id;
}

// Stop with savepoint mid-run: sources halt after the savepoint barrier, the sink commits the
// savepoint's epoch, every task ends without flushing (state stays in the savepoint). A job
// started from the savepoint then commits the rest: together exactly the uninterrupted output.
TEST_F(CheckpointTest, StopWithSavepointHaltsAndAResumedJobCompletesTheOutputExactly) {
  auto world = std::make_shared<World>();
  auto job = start(pipeline(), world, std::make_shared<InMemoryCheckpointStore>());
  ASSERT_TRUE(job);
  // The sources are gated until the sinks saw kGatedCompletions checkpoints: mid-run for sure.
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (world->completions.load() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  auto savepoint = std::make_shared<InMemoryCheckpointStore>(1);
  auto taken = job->stop_with_savepoint(savepoint, kTimeout);
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_EQ(job->status().state, JobState::Finished) << job->status().message;
  ASSERT_EQ(savepoint->completed_ids().size(), 1u);
  const std::size_t committed_before = world->output().size();
  EXPECT_GT(committed_before, 0u);
  EXPECT_LT(committed_before, static_cast<std::size_t>(2 * kCount));  // nothing was drained

  const JobStatus resumed = run(pipeline(), world, savepoint);
  ASSERT_EQ(resumed.state, JobState::Finished) << resumed.message;
  EXPECT_EQ(world->output(), expected_output());
}

// A savepoint of a running job whose sinks only commit on checkpoints: the job keeps running
// and nothing is committed because of the savepoint; cancelled, then a job started from the
// savepoint commits exactly the uninterrupted output. (No checkpoint store: the sources stay
// gated at their first epochs, so the first job cannot end on its own.)
TEST_F(CheckpointTest, ASavepointOfARunningJobHasNoSideEffectsAndAResumedJobIsExact) {
  auto world = std::make_shared<World>();
  auto job = start(pipeline(), world, nullptr);
  ASSERT_TRUE(job);
  auto savepoint = std::make_shared<InMemoryCheckpointStore>(1);
  graphs::Status taken = job->savepoint(savepoint, kTimeout);
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  ASSERT_EQ(savepoint->completed_ids().size(), 1u);
  EXPECT_FALSE(job->wait_for(0ms)) << "the job keeps running";
  EXPECT_EQ(job->status().state, JobState::Running);
  EXPECT_EQ(world->completions.load(), 0u) << "no task was told the savepoint completed";
  EXPECT_TRUE(world->output().empty());
  ASSERT_EQ(job->checkpoint_metrics().history().size(), 1u);
  EXPECT_TRUE(job->checkpoint_metrics().history()[0].savepoint);
  job->cancel();
  job->wait();

  const JobStatus resumed = run(pipeline(), world, savepoint);
  ASSERT_EQ(resumed.state, JobState::Finished) << resumed.message;
  EXPECT_EQ(world->offset_restores.load(), 2);
  EXPECT_EQ(world->output(), expected_output());
}

TEST_F(CheckpointTest, ASavepointOfAJobWithoutCheckpointStoreStillWorks) {
  auto world = std::make_shared<World>();
  auto job = start(pipeline(), world, nullptr);
  ASSERT_TRUE(job);
  auto savepoint = std::make_shared<InMemoryCheckpointStore>(1);
  auto taken = job->stop_with_savepoint(savepoint, kTimeout);
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_EQ(job->status().state, JobState::Finished);
  EXPECT_EQ(savepoint->completed_ids().size(), 1u);
}

}  // namespace
}  // namespace rivulet::runtime
