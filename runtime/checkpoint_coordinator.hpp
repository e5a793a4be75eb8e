#pragma once
// The checkpoint coordinator: one CAF actor per deployment attempt of a job, spawned and
// stopped by the job supervisor. Every `interval` it starts checkpoint n (ids only grow, also
// across restarts): store.begin(n), then InjectBarrier to every source task. Tasks align the
// barrier, write their state through the store and send CheckpointAck. When every task of the
// attempt acknowledged n: store.complete(n), then CheckpointComplete{n} to every task (operators
// commit in on_checkpoint_complete).
//
// A checkpoint that has not completed after `timeout`, or is still open when the coordinator
// stops (a task failed, the job ended), is aborted: never completed. At most one checkpoint is in
// flight; a tick that finds one running is skipped.
//
// The end of the job (Flink's FLIP-147): a task whose stream ended reports TaskEnded and stays
// alive. Checkpoints go on while some tasks ended: those get SnapshotEnded instead of a barrier
// (none can reach them). Once every task ended nothing is in flight any more, so with
// `final_checkpoint` the coordinator takes one last checkpoint that way, and after it completed
// (sinks committed the rest of the output) sends FinishTask to every task. Without it (no
// store) the tasks are finished at once. A final checkpoint that fails stops the coordinator
// with an error: the supervisor then restarts the job like after a task failure.
//
// Stop with savepoint (SavepointRequest): checkpoint n is routed to the request's store,
// sources inject its barrier and halt; once complete, CheckpointComplete then FinishTask go to
// every task and the job ends without draining. If it fails, sources resume.
//
// Savepoint of a running job (SavepointRequest::stop = false): the same savepoint barrier, but
// sources go on producing, and its completion is not announced to the tasks (no
// CheckpointComplete), as Flink does since 1.15 for intermediate savepoints: the job's own
// checkpoints stay the only ones with side effects, so a failover to the last checkpoint
// (older than the savepoint) cannot duplicate output a savepoint committed. Its epoch is
// committed with the next checkpoint; a job started from the savepoint publishes what is not
// published yet (transactional sinks log their epochs in the state).
//
// Every checkpoint's outcome goes to CheckpointMetrics::record() the moment it is known
// (started, completed with duration, alignment and size, or failed with the reason).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "caf/fwd.hpp"
#include "runtime/channel_messages.hpp"
#include "runtime/checkpoint_router.hpp"
#include "runtime/checkpoint_store.hpp"

namespace rivulet::runtime {

// One checkpoint or savepoint as the coordinator saw it: started, then completed or failed.
struct CheckpointSummary {
  enum class Outcome { InProgress, Completed, Failed };
  CheckpointId id = 0;
  std::int64_t started_ms = 0;  // wall clock at the trigger
  std::int64_t ended_ms = 0;    // wall clock at completion or failure; 0 while in progress
  std::int64_t duration_us = 0;
  std::int64_t alignment_us = 0;  // the longest barrier alignment of any task
  std::uint64_t bytes = 0;        // state written by all tasks
  Outcome outcome = Outcome::InProgress;
  std::string failure;     // why it failed, naming the checkpoint's kind
  bool savepoint = false;  // a savepoint (with or without stopping the job)
};

// Live checkpoint statistics of a job, kept across restarts; written by the coordinator, read
// from anywhere.
struct CheckpointMetrics {
  static constexpr std::size_t kKeptHistory = 50;

  // Adds the summary of a checkpoint, or replaces the one with its id (newest last).
  void record(CheckpointSummary summary);
  // The most recent checkpoints (at most kKeptHistory), oldest first.
  std::vector<CheckpointSummary> history() const;
  // Grows with every record(): a reader polls it to learn that history() changed.
  std::uint64_t history_version() const { return history_version_.load(std::memory_order_acquire); }

  std::atomic<std::uint64_t> last_started_id{0};  // also where the next attempt continues
  std::atomic<std::uint64_t> last_completed_id{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> aborted{0};
  std::atomic<std::uint64_t> skipped_ticks{0};  // the previous checkpoint was still running
  // Periodic checkpoints failed since the last completed one (this attempt's coordinator).
  std::atomic<std::uint64_t> consecutive_failures{0};
  std::atomic<std::int64_t> last_duration_us{0};  // begin to complete, of the last completed
  std::atomic<std::uint64_t> last_size_bytes{0};  // state written by all tasks for it

 private:
  mutable std::mutex history_mutex_;
  std::deque<CheckpointSummary> history_;  // under history_mutex_
  std::atomic<std::uint64_t> history_version_{0};
};

struct CheckpointCoordinatorConfig {
  std::shared_ptr<CheckpointStore> store;
  std::shared_ptr<CheckpointMetrics> metrics;
  std::chrono::milliseconds interval{0};  // 0: no periodic checkpoints
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  // Take a final checkpoint once every task ended (the store must take checkpoints).
  bool final_checkpoint = true;
  // Routes savepoints to their own store; null: SavepointRequest fails.
  std::shared_ptr<CheckpointRouter> router;
  // Periodic checkpoints that may fail in a row (could not begin, could not complete, timed
  // out) before the coordinator stops with an error naming the count and the last cause, so
  // that the supervisor fails the job (its restart strategy applies). A completed checkpoint
  // resets the count; aborts because the attempt ended or a savepoint superseded it do not count.
  std::uint32_t tolerable_failed_checkpoints = std::numeric_limits<std::uint32_t>::max();
};

// The outcome of a stop-with-savepoint, handed from the coordinator to whoever waits for it.
class SavepointWaiter {
 public:
  void publish(graphs::Result<CheckpointId> result);
  // The outcome, or nullopt if there is none after `timeout`.
  std::optional<graphs::Result<CheckpointId>> wait_for(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable published_;
  std::optional<graphs::Result<CheckpointId>> result_;
};

struct SavepointRequest {
  std::shared_ptr<CheckpointStore> target;
  std::shared_ptr<SavepointWaiter> waiter;
  std::chrono::milliseconds timeout{std::chrono::minutes(1)};
  // false: the job keeps running (an intermediate savepoint, see the top of this file).
  bool stop = true;
};

// Sent by the supervisor once the attempt's tasks are spawned (they need the coordinator's
// handle first): every task (index = TaskId) and which of them are sources. Ticks start then.
struct CoordinatedTasks {
  std::vector<caf::actor> tasks;
  std::vector<TaskId> sources;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CoordinatedTasks& x) {
  return f(x.tasks, x.sources);
}

caf::actor spawn_checkpoint_coordinator(caf::actor_system& system,
                                        CheckpointCoordinatorConfig config);

}  // namespace rivulet::runtime

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rivulet::runtime::SavepointRequest)
