#pragma once
// A running job: a physical plan deployed as task actors under a job supervisor
// (runtime/job_supervisor.hpp). The handle non-actor code (the CLI, tests, later the node
// daemon) uses to stop, cancel, wait for and watch a job.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/fwd.hpp"
#include "graphs/result.hpp"
#include "runtime/checkpoint_coordinator.hpp"
#include "runtime/checkpoint_store.hpp"
#include "runtime/job_supervisor.hpp"
#include "runtime/node/node_service.hpp"
#include "runtime/physical_plan.hpp"
#include "runtime/task_metrics.hpp"

namespace rivulet::runtime {

struct JobOptions {
  // Default Kafka cluster of the job's Kafka nodes (the embedded broker in local mode).
  std::string bootstrap_servers;
  // Null: the graphs' restart strategy (runtime.restart of the first graph that sets one).
  std::shared_ptr<RestartPolicy> restart;
  // Where checkpoints go and restores come from; null: no checkpoints (a restart then replays
  // the sources from their beginning). With a store holding a complete checkpoint, the job
  // starts from it.
  std::shared_ptr<CheckpointStore> checkpoints;
  // 0: the graphs' runtime.checkpoint_interval_ms (the smallest one set); used with a store.
  std::chrono::milliseconds checkpoint_interval{0};
  std::chrono::milliseconds checkpoint_timeout{std::chrono::minutes(10)};
  // Start from this store's latest complete checkpoint instead of `checkpoints`' (a savepoint:
  // `rivulet run --from-savepoint`). Checked against the plan before anything starts
  // (runtime/savepoint_restore.hpp): start() fails naming the node whose state has no place.
  // A restart after a failure restores the newest checkpoint this job completed in
  // `checkpoints`, else this one again.
  std::shared_ptr<CheckpointStore> restore_from;
  std::string restore_from_name = "savepoint";  // starts its errors: "savepoint /backups/sp-1"
  // Drop the state of nodes that are no longer in the graph instead of failing the start.
  bool allow_non_restored_state = false;
};

class Job {
 public:
  // Builds every operator instance, then deploys. A factory error is returned with nothing
  // spawned. `system` must outlive the job.
  static graphs::Result<std::unique_ptr<Job>> start(caf::actor_system& system, PhysicalPlan plan,
                                                    JobOptions options = {});

  // Cancels a job that is still running and waits for its tasks to be gone, so the actor
  // system can shut down right after.
  ~Job();
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  // Graceful: sources end their streams, everything in flight drains, the job finishes.
  void stop();
  // Immediate: every task is killed; the job ends as Cancelled.
  void cancel();
  // Stop with a savepoint (Flink's "stop --savepoint", without drain): every source injects a
  // savepoint barrier into `target` and halts; once the savepoint is complete (transactional
  // sinks committed its epoch) every task ends without flushing, so windows and other state
  // stay in the savepoint for a later resume. Blocks until the job ended. On error (the
  // savepoint could not be taken within `timeout`) the job keeps running.
  graphs::Status stop_with_savepoint(std::shared_ptr<CheckpointStore> target,
                                     std::chrono::milliseconds timeout);
  // A savepoint into `target` while the job keeps running (Flink's "savepoint"): blocks until
  // it is complete or failed, at most about `timeout`. It has no side effects (see
  // checkpoint_coordinator.hpp): a job started from it publishes what its epoch holds.
  graphs::Status savepoint(std::shared_ptr<CheckpointStore> target,
                           std::chrono::milliseconds timeout);

  // True once the job ended (finished, failed or cancelled), waiting at most `timeout`.
  bool wait_for(std::chrono::milliseconds timeout) const;
  JobStatus wait() const;
  JobStatus status() const;

  const PhysicalPlan& plan() const { return *plan_; }
  // Live counters, index = TaskId (see PhysicalPlan::tasks for names and nodes).
  const std::vector<std::shared_ptr<TaskMetrics>>& task_metrics() const { return metrics_; }
  const CheckpointMetrics& checkpoint_metrics() const { return *checkpoint_metrics_; }
  // How often periodic checkpoints are taken (0: none, e.g. no checkpoint store) and how many
  // may fail in a row before the job fails: for health warnings (checkpoint_health.hpp).
  std::chrono::milliseconds checkpoint_interval() const { return checkpoint_interval_; }
  std::uint32_t tolerable_failed_checkpoints() const { return tolerable_failed_checkpoints_; }
  // A preview of the records crossing `edge` (all its channels): at most
  // max_records_per_second of them, formatted as text by the edge's schema, handed to
  // `deliver` on a thread of the tap's own about twice a second. Destroying the handle removes
  // the tap (it may outlive the job). An error names what in `edge` does not exist.
  [[nodiscard]] graphs::Result<std::unique_ptr<node::Handle>> tap(
      const node::EdgeRef& edge, std::uint32_t max_records_per_second,
      std::function<void(node::PreviewRecords)> deliver) const;
  // With JobOptions::restore_from: the checkpoint id started from, and the nodes whose state
  // was dropped (allow_non_restored_state).
  CheckpointId restored_id() const { return restored_id_; }
  const std::vector<std::string>& non_restored_nodes() const { return non_restored_nodes_; }

 private:
  Job() = default;

  std::shared_ptr<const PhysicalPlan> plan_;
  std::vector<std::shared_ptr<TaskMetrics>> metrics_;
  std::shared_ptr<JobOutcome> outcome_;
  std::shared_ptr<CheckpointMetrics> checkpoint_metrics_ = std::make_shared<CheckpointMetrics>();
  std::chrono::milliseconds checkpoint_interval_{0};
  std::uint32_t tolerable_failed_checkpoints_ = 0;
  caf::actor supervisor_;
  CheckpointId restored_id_ = 0;
  std::vector<std::string> non_restored_nodes_;
};

}  // namespace rivulet::runtime
