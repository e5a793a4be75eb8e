#pragma once
// The second half of a job's life, shared by `rivulet run` and the node's job manager: a
// prepared job (job_preparation.hpp) started on an actor system with its checkpoint store,
// an optional restore from a savepoint, and the stops: drain, stop with a savepoint, cancel.
//
// A JobRun owns what the job writes into (its checkpoint store and, on the embedded broker, the
// temporary checkpoint directory: checkpoint_location.hpp), so the directory outlives the job.
// The caller owns the actor system and the Kafka cluster (the embedded broker), which must
// outlive the JobRun. Nothing here prints: notes and warnings are values for the caller.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "caf/fwd.hpp"
#include "graphs/result.hpp"
#include "runtime/checkpoint_store.hpp"
#include "runtime/job.hpp"
#include "runtime/lifecycle/job_preparation.hpp"

namespace rivulet::runtime::state {
class StateDirectory;
}

namespace rivulet::runtime::lifecycle {

struct RunOptions {
  std::string bootstrap_servers;  // the default cluster of the job's Kafka nodes
  bool embedded_broker = false;   // that cluster starts empty with this process
  // Where checkpoints go (see checkpoint_location.hpp); empty: the graphs' choice.
  std::string checkpoint_dir;
  std::chrono::milliseconds checkpoint_interval{0};  // 0: the graphs' interval
  // Start from this savepoint (a savepoint directory, a checkpoint directory or one chk-<id>).
  std::string from_savepoint;
  bool allow_non_restored_state = false;
  std::shared_ptr<RestartPolicy> restart;  // null: the graphs' restart strategy
};

// "savepoint DIR": how errors and warnings about a savepoint start.
std::string savepoint_origin(const std::string& directory);

// The savepoint at `directory`, opened read-only (checked against the plan only at start).
[[nodiscard]] graphs::Result<std::shared_ptr<CheckpointStore>> open_restore_source(
    const std::string& directory, const std::vector<graphs::Graph>& graphs);

// A new savepoint at `directory`, refused if it exists (a savepoint is never overwritten).
[[nodiscard]] graphs::Result<std::shared_ptr<CheckpointStore>> open_savepoint_target(
    const std::string& directory, const std::vector<graphs::Graph>& graphs);

// Checks options.from_savepoint against the plan without starting anything (a dry run).
[[nodiscard]] graphs::Status check_restore(const PreparedJob& job, const RunOptions& options);

class JobRun {
 public:
  // Opens the checkpoint store (and the temporary directory), the restore source, and starts
  // the job. Errors name the directory or savepoint; nothing runs after an error.
  [[nodiscard]] static graphs::Result<std::unique_ptr<JobRun>> start(caf::actor_system& system,
                                                                     PreparedJob job,
                                                                     RunOptions options);

  ~JobRun();  // cancels a job still running, waits for it, then removes a temporary directory
  JobRun(const JobRun&) = delete;
  JobRun& operator=(const JobRun&) = delete;

  Job& job() { return *job_; }
  const Job& job() const { return *job_; }
  const std::vector<graphs::Graph>& graphs() const { return graphs_; }
  const RunOptions& options() const { return options_; }
  // One line on a checkpoint location the user may not expect (checkpoint_location.hpp).
  const std::string& checkpoint_note() const { return checkpoint_note_; }
  bool has_checkpoints() const { return checkpoints_ != nullptr; }

  void stop() { job_->stop(); }      // sources end, everything drains
  void cancel() { job_->cancel(); }  // every task killed
  // Stop with a savepoint into `target` (open_savepoint_target): blocks until the job ended.
  // Returns the savepoint's checkpoint id. On error the job keeps running.
  [[nodiscard]] graphs::Result<CheckpointId> stop_with_savepoint(
      std::shared_ptr<CheckpointStore> target, std::chrono::milliseconds timeout);
  // A savepoint into `target` while the job keeps running; returns its checkpoint id.
  [[nodiscard]] graphs::Result<CheckpointId> savepoint(std::shared_ptr<CheckpointStore> target,
                                                       std::chrono::milliseconds timeout);

  // Damaged checkpoints passed over when the job last restored (one reason each).
  std::vector<std::string> skipped_checkpoints() const;

 private:
  JobRun() = default;

  // Declared first, destroyed last: after the job that writes into it.
  std::shared_ptr<state::StateDirectory> temporary_checkpoints_;
  std::shared_ptr<CheckpointStore> checkpoints_;
  std::vector<graphs::Graph> graphs_;
  RunOptions options_;
  std::string checkpoint_note_;
  std::unique_ptr<Job> job_;
};

}  // namespace rivulet::runtime::lifecycle
