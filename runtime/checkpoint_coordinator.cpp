#include "runtime/checkpoint_coordinator.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/sec.hpp"

namespace rivulet::runtime {

void CheckpointMetrics::record(CheckpointSummary summary) {
  {
    std::lock_guard lock(history_mutex_);
    auto it = std::find_if(history_.begin(), history_.end(),
                           [&](const CheckpointSummary& s) { return s.id == summary.id; });
    if (it != history_.end()) {
      *it = std::move(summary);
    } else {
      history_.push_back(std::move(summary));
      while (history_.size() > kKeptHistory) history_.pop_front();
    }
  }
  history_version_.fetch_add(1, std::memory_order_acq_rel);
}

std::vector<CheckpointSummary> CheckpointMetrics::history() const {
  std::lock_guard lock(history_mutex_);
  return {history_.begin(), history_.end()};
}

void SavepointWaiter::publish(graphs::Result<CheckpointId> result) {
  {
    std::lock_guard lock(mutex_);
    if (result_) return;  // the first outcome counts
    result_ = std::move(result);
  }
  published_.notify_all();
}

std::optional<graphs::Result<CheckpointId>> SavepointWaiter::wait_for(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  published_.wait_for(lock, timeout, [this] { return result_.has_value(); });
  return result_;
}

namespace {

using checkpoint_tick_atom = caf::atom_constant<caf::atom("rvcptick")>;
using checkpoint_timeout_atom = caf::atom_constant<caf::atom("rvcptmo")>;

void bump(std::atomic<std::uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class CheckpointCoordinator final : public caf::event_based_actor {
 public:
  CheckpointCoordinator(caf::actor_config& cfg, CheckpointCoordinatorConfig config)
      : caf::event_based_actor(cfg), config_(std::move(config)) {}

  // The supervisor stops us when the attempt ends (failure, cancel, finish): whatever is in
  // flight then can no longer be trusted to complete.
  void on_exit() override {
    if (pending_) abort_pending("the job attempt ended");
    tasks_.clear();
  }

  caf::behavior make_behavior() override {
    return {
        [this](CoordinatedTasks& deployed) {
          tasks_ = std::move(deployed.tasks);
          sources_ = std::move(deployed.sources);
          ended_.assign(tasks_.size(), false);
          // Tasks report to us directly, so a fast one may have ended before we knew them.
          for (TaskId task : std::exchange(ended_early_, {})) on_task_ended(task);
          if (config_.interval.count() > 0) schedule_tick();
        },
        [this](checkpoint_tick_atom) {
          if (all_ended()) return;
          if (pending_) {
            bump(metrics().skipped_ticks);
          } else {
            trigger(Kind::Periodic, nullptr);
          }
          if (!quitting_) schedule_tick();
        },
        [this](const CheckpointAck& ack) { on_ack(ack); },
        [this](checkpoint_timeout_atom, std::uint64_t id) {
          if (!pending_ || pending_->id != id) return;
          const Kind kind = pending_->kind;
          abort_pending("timed out");
          if (kind == Kind::Final)
            return fail("the final checkpoint " + std::to_string(id) + " timed out");
          if (kind == Kind::Periodic && !count_failure(describe(kind, id) + " timed out")) return;
          if (all_ended()) start_final();
        },
        [this](const TaskEnded& ended) { on_task_ended(ended.task); },
        [this](SavepointRequest& request) { on_savepoint_request(std::move(request)); },
    };
  }

 private:
  // Savepoint: stop with a savepoint; Intermediate: a savepoint of a job that keeps running.
  enum class Kind { Periodic, Savepoint, Intermediate, Final };

  struct Pending {
    Kind kind = Kind::Periodic;
    CheckpointId id = 0;
    std::chrono::steady_clock::time_point started;
    std::vector<bool> acked;  // index = TaskId
    std::size_t missing = 0;
    std::uint64_t bytes = 0;
    std::shared_ptr<SavepointWaiter> waiter;  // savepoints only
    std::int64_t alignment_us = 0;            // the longest of the acks so far
    CheckpointSummary summary;                // as recorded when it started
  };

  static bool is_savepoint(Kind kind) {
    return kind == Kind::Savepoint || kind == Kind::Intermediate;
  }
  static std::string describe(Kind kind, CheckpointId id) {
    switch (kind) {
      case Kind::Savepoint:
      case Kind::Intermediate:
        return "savepoint " + std::to_string(id);
      case Kind::Final:
        return "final checkpoint " + std::to_string(id);
      case Kind::Periodic:
        break;
    }
    return "checkpoint " + std::to_string(id);
  }
  void record_failure(CheckpointSummary summary, std::string why) {
    summary.outcome = CheckpointSummary::Outcome::Failed;
    summary.ended_ms = wall_clock_ms();
    summary.failure = std::move(why);
    metrics().record(std::move(summary));
  }

  CheckpointMetrics& metrics() { return *config_.metrics; }
  bool all_ended() const { return !tasks_.empty() && ended_count_ == tasks_.size(); }

  void schedule_tick() { delayed_send(this, config_.interval, checkpoint_tick_atom::value); }

  // Starts checkpoint n: barriers at the sources still producing, SnapshotEnded to every task
  // that already ended. False if the store refused to begin it.
  bool trigger(Kind kind, std::shared_ptr<CheckpointStore> savepoint_target,
               std::shared_ptr<SavepointWaiter> waiter = nullptr,
               std::optional<std::chrono::milliseconds> timeout = std::nullopt,
               bool last_attempt = true) {
    // Ids continue after the last one any attempt started, so an aborted id is never reused.
    const CheckpointId id = metrics().last_started_id.load(std::memory_order_relaxed) + 1;
    metrics().last_started_id.store(id, std::memory_order_relaxed);
    if (savepoint_target) config_.router->route(id, std::move(savepoint_target));
    CheckpointSummary summary;
    summary.id = id;
    summary.started_ms = wall_clock_ms();
    summary.savepoint = is_savepoint(kind);
    if (auto begun = config_.store->begin(id); !begun) {
      record_failure(summary, describe(kind, id) + " could not begin: " + begun.error().message);
      bump(metrics().aborted);
      if (config_.router) config_.router->abort(id);
      if (waiter) waiter->publish(graphs::Error{"savepoint: " + begun.error().message});
      if (kind == Kind::Final && last_attempt) {
        fail("the final checkpoint could not begin: " + begun.error().message);
      }
      if (kind == Kind::Periodic) {
        (void)count_failure(describe(kind, id) + " could not begin: " + begun.error().message);
      }
      return false;
    }
    pending_ = Pending{kind,
                       id,
                       std::chrono::steady_clock::now(),
                       std::vector<bool>(tasks_.size()),
                       tasks_.size(),
                       0,
                       std::move(waiter),
                       0,
                       summary};
    metrics().record(summary);
    const CheckpointBarrier barrier{id, summary.started_ms, is_savepoint(kind)};
    for (TaskId source : sources_) {
      if (!ended_[source]) send(tasks_[source], InjectBarrier{barrier, kind == Kind::Savepoint});
    }
    for (TaskId task = 0; task < tasks_.size(); ++task) {
      if (ended_[task]) send(tasks_[task], SnapshotEnded{id});
    }
    delayed_send(this, timeout.value_or(config_.timeout), checkpoint_timeout_atom::value, id);
    return true;
  }

  void on_task_ended(TaskId task) {
    if (tasks_.empty()) return ended_early_.push_back(task);
    if (task >= ended_.size() || ended_[task]) return;
    ended_[task] = true;
    ++ended_count_;
    // Ended before the barrier of the pending checkpoint reached it: it never will.
    if (pending_ && !pending_->acked[task]) send(tasks_[task], SnapshotEnded{pending_->id});
    if (!all_ended()) return;
    // Nothing is in flight any more: settle the end of the job. A periodic checkpoint still
    // pending completes first (every task got its barrier or SnapshotEnded; aborting it could
    // pull the directory from under a task still writing), then the final one follows.
    if (pending_ && pending_->kind == Kind::Periodic) return;
    if (pending_) abort_pending("every task ended before the savepoint completed");
    start_final();
  }

  void start_final() {
    if (!config_.final_checkpoint) return finish_tasks();
    // An id the store refuses (e.g. left in progress by an earlier run) is skipped; the
    // attempts only bound a store that refuses everything.
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (trigger(Kind::Final, nullptr, nullptr, std::nullopt, attempt == 2)) return;
    }
  }

  void on_savepoint_request(SavepointRequest request) {
    auto refuse = [&](const std::string& why) {
      request.waiter->publish(graphs::Error{"savepoint not taken: " + why});
    };
    if (!config_.router) return refuse("the job has no checkpoint router");
    if (tasks_.empty()) return refuse("the job is not deployed yet");
    if (ended_count_ > 0) return refuse("the job is already ending (its input ended)");
    if (pending_) {
      if (pending_->kind != Kind::Periodic) return refuse("another savepoint is in progress");
      abort_pending("superseded by a savepoint");
    }
    trigger(request.stop ? Kind::Savepoint : Kind::Intermediate, std::move(request.target),
            std::move(request.waiter), request.timeout);
  }

  void on_ack(const CheckpointAck& ack) {
    // Acks of aborted checkpoints arrive late; duplicates cannot count twice.
    if (!pending_ || ack.checkpoint_id != pending_->id || ack.task >= pending_->acked.size() ||
        pending_->acked[ack.task]) {
      return;
    }
    pending_->acked[ack.task] = true;
    pending_->bytes += ack.state_bytes;
    pending_->alignment_us = std::max(pending_->alignment_us, ack.alignment_us);
    if (--pending_->missing > 0) return;
    Pending done = std::move(*pending_);
    pending_.reset();
    if (auto completed = config_.store->complete(done.id); !completed) {
      record_failure(done.summary, describe(done.kind, done.id) +
                                       " could not complete: " + completed.error().message);
      bump(metrics().aborted);
      if (done.waiter)
        done.waiter->publish(graphs::Error{"savepoint: " + completed.error().message});
      if (done.kind == Kind::Savepoint) resume_sources();
      if (done.kind == Kind::Intermediate && all_ended()) start_final();
      if (done.kind == Kind::Final) {
        return fail("the final checkpoint could not complete: " + completed.error().message);
      }
      if (done.kind == Kind::Periodic) {
        if (!count_failure(describe(done.kind, done.id) +
                           " could not complete: " + completed.error().message)) {
          return;
        }
        if (all_ended()) start_final();
      }
      return;
    }
    if (!is_savepoint(done.kind)) {
      consecutive_failures_ = 0;
      metrics().consecutive_failures.store(0, std::memory_order_relaxed);
    }
    const std::int64_t duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - done.started)
                                         .count();
    CheckpointSummary summary = done.summary;
    summary.outcome = CheckpointSummary::Outcome::Completed;
    summary.ended_ms = wall_clock_ms();
    summary.duration_us = duration_us;
    summary.alignment_us = done.alignment_us;
    summary.bytes = done.bytes;
    metrics().record(std::move(summary));
    metrics().last_duration_us.store(duration_us, std::memory_order_relaxed);
    metrics().last_size_bytes.store(done.bytes, std::memory_order_relaxed);
    metrics().last_completed_id.store(done.id, std::memory_order_relaxed);
    bump(metrics().completed);
    if (done.kind == Kind::Intermediate) {
      // No CheckpointComplete: an intermediate savepoint has no side effects (see the header).
      if (done.waiter) done.waiter->publish(done.id);
      if (all_ended()) start_final();
      return;
    }
    for (const caf::actor& task : tasks_) send(task, CheckpointComplete{done.id});
    if (done.waiter) done.waiter->publish(done.id);
    // Same sender, same receiver: every task handles the commit before FinishTask.
    if (done.kind != Kind::Periodic) return finish_tasks();
    if (all_ended()) start_final();
  }

  void finish_tasks() {
    for (const caf::actor& task : tasks_) send(task, FinishTask{});
  }

  void resume_sources() {
    for (TaskId source : sources_) send(tasks_[source], ResumeSource{});
  }

  void abort_pending(const std::string& why) {
    config_.store->abort(pending_->id);
    record_failure(pending_->summary, describe(pending_->kind, pending_->id) + " aborted: " + why);
    if (is_savepoint(pending_->kind)) {
      if (pending_->waiter) pending_->waiter->publish(graphs::Error{"savepoint aborted: " + why});
      if (pending_->kind == Kind::Savepoint) resume_sources();
    }
    pending_.reset();
    bump(metrics().aborted);
  }

  void fail(const std::string& message) {
    quitting_ = true;
    quit(caf::make_error(caf::sec::runtime_error, message));
  }

  // One more periodic checkpoint failed (`cause` says which and why). False once the failures
  // in a row exceed the tolerable count: the coordinator then stopped with an error.
  bool count_failure(const std::string& cause) {
    ++consecutive_failures_;
    metrics().consecutive_failures.store(consecutive_failures_, std::memory_order_relaxed);
    if (consecutive_failures_ <= config_.tolerable_failed_checkpoints) return true;
    fail(std::to_string(consecutive_failures_) + " checkpoints failed in a row (tolerable: " +
         std::to_string(config_.tolerable_failed_checkpoints) +
         ", runtime.tolerableFailedCheckpoints); the last: " + cause);
    return false;
  }

  CheckpointCoordinatorConfig config_;
  std::vector<caf::actor> tasks_;
  std::vector<TaskId> sources_;
  std::vector<bool> ended_;  // index = TaskId: TaskEnded received
  std::size_t ended_count_ = 0;
  std::vector<TaskId> ended_early_;  // TaskEnded that came before CoordinatedTasks
  std::optional<Pending> pending_;
  std::uint64_t consecutive_failures_ = 0;  // periodic ones, since the last completed checkpoint
  bool quitting_ = false;                   // fail() was called: no more ticks
};

}  // namespace

caf::actor spawn_checkpoint_coordinator(caf::actor_system& system,
                                        CheckpointCoordinatorConfig config) {
  return system.spawn<CheckpointCoordinator>(std::move(config));
}

}  // namespace rivulet::runtime
