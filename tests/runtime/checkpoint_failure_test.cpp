// Checkpoint failures that must not pass silently (issue 11, point 4), on a real CAF actor
// system: a store that cannot begin or complete checkpoints (a read-only or full disk) makes
// the coordinator stop with the count and the last cause once more than the tolerable number
// failed in a row; a completed checkpoint resets the count. A scoped actor plays the tasks.
// Timeouts only keep a broken build from hanging.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "actor_system_support.hpp"
#include "caf/actor_system.hpp"
#include "caf/scoped_actor.hpp"
#include "runtime/checkpoint_coordinator.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
constexpr auto kTimeout = 60s;  // only against hangs

// An in-memory store whose begin() or complete() fails while the test says so, like a
// checkpoint directory that became read-only or a disk that filled up.
class FaultyStore final : public CheckpointStore {
 public:
  std::atomic<bool> refuse_begin{false};
  std::atomic<bool> refuse_complete{false};

  graphs::Status begin(CheckpointId id) override {
    if (refuse_begin)
      return graphs::Error{"cannot create chk-" + std::to_string(id) + ": Read-only file system"};
    return inner_.begin(id);
  }
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId id,
                                                      const std::string& task) override {
    return inner_.writer(id, task);
  }
  graphs::Status complete(CheckpointId id) override {
    if (refuse_complete) {
      inner_.abort(id);
      return graphs::Error{"writing the manifest: No space left on device"};
    }
    return inner_.complete(id);
  }
  void abort(CheckpointId id) override { inner_.abort(id); }
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override { return inner_.latest(); }

 private:
  InMemoryCheckpointStore inner_;
};

CheckpointCoordinatorConfig config_for(std::shared_ptr<CheckpointStore> store,
                                       std::shared_ptr<CheckpointMetrics> metrics,
                                       std::uint32_t tolerable) {
  CheckpointCoordinatorConfig config;
  config.store = std::move(store);
  config.metrics = std::move(metrics);
  config.interval = 1ms;
  config.timeout = kTimeout;
  config.tolerable_failed_checkpoints = tolerable;
  return config;
}

std::string exit_message(caf::scoped_actor& self, const caf::actor& coordinator) {
  std::string message = "(still running)";
  self->receive([&](const caf::down_msg& down) { message = to_string(down.reason); },
                caf::after(kTimeout) >> [] { ADD_FAILURE() << "the coordinator did not stop"; });
  (void)coordinator;
  return message;
}

std::uint64_t receive_barrier(caf::scoped_actor& self) {
  std::uint64_t id = 0;
  self->receive([&](const InjectBarrier& inject) { id = inject.barrier.checkpoint_id; },
                caf::after(kTimeout) >> [] { ADD_FAILURE() << "no barrier"; });
  return id;
}

class CheckpointFailureTest : public ::testing::Test {
 protected:
  CheckpointFailureTest() : system_(testing::test_actor_config()) {}
  caf::actor_system system_;
};

// A read-only checkpoint directory: no checkpoint can begin. Two are tolerated, the third in a
// row stops the coordinator with the count, the setting's name and the store's cause; each
// failure is in the history the moment it happened.
TEST_F(CheckpointFailureTest, BeyondTheTolerableCountTheCoordinatorFailsWithTheCause) {
  caf::scoped_actor self{system_};
  auto store = std::make_shared<FaultyStore>();
  store->refuse_begin = true;
  auto metrics = std::make_shared<CheckpointMetrics>();
  caf::actor coordinator = spawn_checkpoint_coordinator(system_, config_for(store, metrics, 2));
  self->monitor(coordinator);
  const caf::actor me = caf::actor_cast<caf::actor>(self);
  self->send(coordinator, CoordinatedTasks{{me}, {0}});

  const std::string message = exit_message(self, coordinator);
  EXPECT_NE(message.find("3 checkpoints failed in a row (tolerable: 2, "
                         "runtime.tolerableFailedCheckpoints)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("the last: checkpoint 3 could not begin: cannot create chk-3: "
                         "Read-only file system"),
            std::string::npos)
      << message;
  const std::vector<CheckpointSummary> history = metrics->history();
  ASSERT_EQ(history.size(), 3u);
  for (const CheckpointSummary& summary : history) {
    EXPECT_EQ(summary.outcome, CheckpointSummary::Outcome::Failed);
    EXPECT_NE(summary.failure.find("could not begin"), std::string::npos) << summary.failure;
  }
  EXPECT_EQ(metrics->consecutive_failures.load(), 3u);
}

// A disk that fills up and is freed again: checkpoints that cannot complete count, a completed
// one resets the count, so failures that are not consecutive never fail the job.
TEST_F(CheckpointFailureTest, ACompletedCheckpointResetsTheCount) {
  caf::scoped_actor self{system_};
  auto store = std::make_shared<FaultyStore>();
  auto metrics = std::make_shared<CheckpointMetrics>();
  caf::actor coordinator = spawn_checkpoint_coordinator(system_, config_for(store, metrics, 1));
  self->monitor(coordinator);
  const caf::actor me = caf::actor_cast<caf::actor>(self);
  self->send(coordinator, CoordinatedTasks{{me}, {0}});

  // fail, complete, fail, complete, fail: never two in a row.
  for (int round = 0; round < 5; ++round) {
    const bool fails = round % 2 == 0;
    // Barrier n comes only once n - 1 was settled (one checkpoint in flight): the flag is
    // flipped between the two, never under a completion.
    const std::uint64_t id = receive_barrier(self);
    ASSERT_GT(id, 0u);
    store->refuse_complete = fails;
    self->send(coordinator, CheckpointAck{0, id, 1});
    if (!fails) {
      self->receive([](const CheckpointComplete&) {},
                    caf::after(kTimeout) >> [] { ADD_FAILURE() << "no completion"; });
    }
  }
  const std::uint64_t next = receive_barrier(self);  // still running
  EXPECT_EQ(next, 6u);
  EXPECT_EQ(metrics->completed.load(), 2u);
  EXPECT_EQ(metrics->consecutive_failures.load(), 1u);
  EXPECT_NE(metrics->history()[4].failure.find("checkpoint 5 could not complete: writing the "
                                               "manifest: No space left on device"),
            std::string::npos);

  // Now two in a row: the sixth fails too, beyond the one tolerated.
  store->refuse_complete = true;
  self->send(coordinator, CheckpointAck{0, next, 1});  // the sixth
  const std::string message = exit_message(self, coordinator);
  EXPECT_NE(message.find("2 checkpoints failed in a row (tolerable: 1"), std::string::npos)
      << message;
  EXPECT_NE(message.find("checkpoint 6 could not complete"), std::string::npos) << message;
}

}  // namespace
}  // namespace rivulet::runtime
