#pragma once
// The job supervisor: the CAF actor that deploys a job's task actors, monitors every one of them
// (CAF monitor / down messages) and decides what a task's end means.
//
// - Every task exits normally (end of stream delivered everywhere): the job finished.
// - A task fails (its operator threw, or the actor was lost): the supervisor kills the other
//   tasks of that attempt and, once all are gone, asks the RestartPolicy. No restart: the job
//   failed with that task's message (plus the restart count once the policy gave up). Restart:
//   it builds fresh operator instances and deploys the plan again after the policy's delay.
// - Checkpoints (a CheckpointStore in the config): every deployment, the first included,
//   restores each operator from the store's latest complete checkpoint before its task starts
//   (Flink's order: state first, then open), and, with an interval, runs a checkpoint
//   coordinator (runtime/checkpoint_coordinator.hpp) beside the tasks. The coordinator is
//   stopped with the attempt, so a checkpoint in flight when a task fails never completes.
// - stop: every source ends its stream (StopSource); the job drains and finishes normally.
// - cancel: every task is killed at once.
//
// The outcome is published to a JobOutcome that non-actor code (the CLI, tests) can block on.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/atom.hpp"
#include "caf/fwd.hpp"
#include "graphs/result.hpp"
#include "runtime/checkpoint_coordinator.hpp"
#include "runtime/checkpoint_store.hpp"
#include "runtime/operator.hpp"
#include "runtime/physical_plan.hpp"
#include "runtime/task_metrics.hpp"

namespace rivulet::runtime {

using stop_job_atom = caf::atom_constant<caf::atom("rvjstop")>;
using cancel_job_atom = caf::atom_constant<caf::atom("rvjcancel")>;

// One attempt's operator instances, built before anything is spawned so that a factory error
// (bad parameter, unreachable file) fails the start with nothing running.
struct TaskInstances {
  std::vector<std::unique_ptr<Operator>> operators;      // index = TaskId; null for sources
  std::vector<std::unique_ptr<SourceOperator>> sources;  // index = TaskId; null otherwise
};

graphs::Result<TaskInstances> build_operators(const PhysicalPlan& plan,
                                              const std::string& bootstrap_servers);

struct TaskFailure {
  TaskId task = 0;
  std::string message;  // starts with the task name, e.g. "alerts#1: division by zero"
};

class RestartPolicy {
 public:
  virtual ~RestartPolicy() = default;
  // After the failed attempt is torn down: how long to wait before deploying again, or nullopt
  // to fail the job. `restarts` counts the restarts so far.
  virtual std::optional<std::chrono::milliseconds> restart_after(const TaskFailure& failure,
                                                                 std::uint32_t restarts) = 0;
};

enum class JobState { Running, Finished, Failed, Cancelled };
const char* to_string(JobState state);

struct JobStatus {
  JobState state = JobState::Running;
  std::string message;  // Failed: the cause
  std::uint32_t restarts = 0;
};

// Written once by the supervisor when the job ends; read from any thread.
class JobOutcome {
 public:
  void publish(JobStatus status);
  JobStatus current() const;
  // True once the job ended; waits at most `timeout`.
  bool wait_for(std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable ended_;
  JobStatus status_;
};

struct SupervisorConfig {
  std::shared_ptr<const PhysicalPlan> plan;
  std::vector<std::shared_ptr<TaskMetrics>> metrics;  // index = TaskId; kept across restarts
  std::string bootstrap_servers;
  std::shared_ptr<RestartPolicy> restart;  // null: never restart
  std::shared_ptr<JobOutcome> outcome;
  // Null: no checkpoints, and a restart replays from the sources' beginning.
  std::shared_ptr<CheckpointStore> checkpoints;
  // Restored on the first deployment instead of `checkpoints` (a savepoint, already checked
  // against the plan), and on restarts until this job completed a checkpoint of its own.
  std::shared_ptr<CheckpointStore> restore_from;
  std::chrono::milliseconds checkpoint_interval{0};  // 0: restore only, no new checkpoints
  std::chrono::milliseconds checkpoint_timeout{std::chrono::minutes(10)};
  std::shared_ptr<CheckpointMetrics> checkpoint_metrics;  // created if null
  // Periodic checkpoint failures in a row before the job fails (checkpoint_coordinator.hpp).
  std::uint32_t tolerable_failed_checkpoints = std::numeric_limits<std::uint32_t>::max();
};

// Deploys `first_attempt` at once; send stop_job_atom / cancel_job_atom to end the job.
caf::actor spawn_job_supervisor(caf::actor_system& system, SupervisorConfig config,
                                TaskInstances first_attempt);

}  // namespace rivulet::runtime
