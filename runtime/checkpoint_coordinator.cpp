#include "runtime/checkpoint_coordinator.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"

namespace rivulet::runtime {
namespace {

using checkpoint_tick_atom = caf::atom_constant<caf::atom("rvcptick")>;
using checkpoint_timeout_atom = caf::atom_constant<caf::atom("rvcptmo")>;

void bump(std::atomic<std::uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

class CheckpointCoordinator final : public caf::event_based_actor {
 public:
  CheckpointCoordinator(caf::actor_config& cfg, CheckpointCoordinatorConfig config)
      : caf::event_based_actor(cfg), config_(std::move(config)) {}

  // The supervisor stops us when the attempt ends (failure, cancel, finish): whatever is in
  // flight then can no longer be trusted to complete.
  void on_exit() override {
    if (pending_) abort_pending();
    tasks_.clear();
  }

  caf::behavior make_behavior() override {
    return {
        [this](CoordinatedTasks& deployed) {
          tasks_ = std::move(deployed.tasks);
          sources_ = std::move(deployed.sources);
          schedule_tick();
        },
        [this](checkpoint_tick_atom) {
          if (finishing_) return;
          if (pending_) {
            bump(metrics().skipped_ticks);
          } else {
            trigger();
          }
          schedule_tick();
        },
        [this](const CheckpointAck& ack) { on_ack(ack); },
        [this](checkpoint_timeout_atom, std::uint64_t id) {
          if (pending_ && pending_->id == id) abort_pending();
        },
        [this](task_finished_atom, TaskId) {
          finishing_ = true;
          if (pending_) abort_pending();
        },
    };
  }

 private:
  struct Pending {
    CheckpointId id = 0;
    std::chrono::steady_clock::time_point started;
    std::vector<bool> acked;  // index = TaskId
    std::size_t missing = 0;
    std::uint64_t bytes = 0;
  };

  CheckpointMetrics& metrics() { return *config_.metrics; }

  void schedule_tick() { delayed_send(this, config_.interval, checkpoint_tick_atom::value); }

  void trigger() {
    // Ids continue after the last one any attempt started, so an aborted id is never reused.
    const CheckpointId id = metrics().last_started_id.load(std::memory_order_relaxed) + 1;
    metrics().last_started_id.store(id, std::memory_order_relaxed);
    if (auto begun = config_.store->begin(id); !begun) {
      bump(metrics().aborted);
      return;
    }
    pending_ = Pending{id, std::chrono::steady_clock::now(), std::vector<bool>(tasks_.size()),
                       tasks_.size(), 0};
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    for (TaskId source : sources_) {
      send(tasks_[source], InjectBarrier{CheckpointBarrier{id, now_ms, false}});
    }
    delayed_send(this, config_.timeout, checkpoint_timeout_atom::value, id);
  }

  void on_ack(const CheckpointAck& ack) {
    // Acks of aborted checkpoints arrive late; duplicates cannot count twice.
    if (!pending_ || ack.checkpoint_id != pending_->id || ack.task >= pending_->acked.size() ||
        pending_->acked[ack.task]) {
      return;
    }
    pending_->acked[ack.task] = true;
    pending_->bytes += ack.state_bytes;
    if (--pending_->missing > 0) return;
    const Pending done = std::move(*pending_);
    pending_.reset();
    if (auto completed = config_.store->complete(done.id); !completed) {
      bump(metrics().aborted);
      return;
    }
    metrics().last_duration_us.store(std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - done.started)
                                         .count(),
                                     std::memory_order_relaxed);
    metrics().last_size_bytes.store(done.bytes, std::memory_order_relaxed);
    metrics().last_completed_id.store(done.id, std::memory_order_relaxed);
    bump(metrics().completed);
    for (const caf::actor& task : tasks_) send(task, CheckpointComplete{done.id});
  }

  void abort_pending() {
    config_.store->abort(pending_->id);
    pending_.reset();
    bump(metrics().aborted);
  }

  CheckpointCoordinatorConfig config_;
  std::vector<caf::actor> tasks_;
  std::vector<TaskId> sources_;
  std::optional<Pending> pending_;
  bool finishing_ = false;
};

}  // namespace

caf::actor spawn_checkpoint_coordinator(caf::actor_system& system,
                                        CheckpointCoordinatorConfig config) {
  return system.spawn<CheckpointCoordinator>(std::move(config));
}

}  // namespace rivulet::runtime
