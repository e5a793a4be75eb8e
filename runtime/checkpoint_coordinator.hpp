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
// flight; a tick that finds one running is skipped. Once any task finished (end of stream) no
// new checkpoint can complete, so checkpointing stops (Flink before FLIP-147 does the same).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "caf/actor.hpp"
#include "caf/atom.hpp"
#include "caf/fwd.hpp"
#include "runtime/channel_messages.hpp"
#include "runtime/checkpoint_store.hpp"

namespace rivulet::runtime {

// Live checkpoint statistics of a job, kept across restarts; written by the coordinator, read
// from anywhere.
struct CheckpointMetrics {
  std::atomic<std::uint64_t> last_started_id{0};  // also where the next attempt continues
  std::atomic<std::uint64_t> last_completed_id{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> aborted{0};
  std::atomic<std::uint64_t> skipped_ticks{0};    // the previous checkpoint was still running
  std::atomic<std::int64_t> last_duration_us{0};  // begin to complete, of the last completed
  std::atomic<std::uint64_t> last_size_bytes{0};  // state written by all tasks for it
};

struct CheckpointCoordinatorConfig {
  std::shared_ptr<CheckpointStore> store;
  std::shared_ptr<CheckpointMetrics> metrics;
  std::chrono::milliseconds interval{0};
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
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

// Sent by the supervisor when a task ended its stream normally.
using task_finished_atom = caf::atom_constant<caf::atom("rvtaskfin")>;

caf::actor spawn_checkpoint_coordinator(caf::actor_system& system,
                                        CheckpointCoordinatorConfig config);

}  // namespace rivulet::runtime
