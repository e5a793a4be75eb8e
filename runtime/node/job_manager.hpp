#pragma once
// The job manager behind `rivulet node`: runs several jobs side by side on one actor system,
// keeps each under the data dir (job_record.hpp) and resumes them after a restart.
//
// - deploy: prepare (overrides, every validation problem, plan), check a savepoint against the
//   plan, persist the job, start it (runtime/lifecycle/). Nothing runs when there is a problem.
// - Isolation: every job has its own supervisor, restart policy, checkpoint coordinator and
//   checkpoint directory; a failing or restarting job only restarts its own tasks.
// - open(): every job recorded as running starts again, from the newest complete checkpoint
//   in its checkpoint directory (else the savepoint of the last shutdown, else its deploy
//   savepoint) — also after a SIGKILL, since the record is written before the job starts.
// - shutdown(): every running job stops with a savepoint into its savepoints/ directory and
//   stays recorded as running, so the next open() resumes it from there.
// - The embedded broker (no bootstrap servers in the config) is new and empty after every
//   start of the node: a resumed job gets its state and its offsets back, but the records the
//   old broker held are gone. Exactly-once then holds for the node's lifetime only; a job that
//   must survive node restarts exactly once runs against an external cluster.
// - Task placement is one function (place()): today every task runs in this process; nothing
//   else assumes that a task's peers do.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/node/node_service.hpp"
#include "runtime/operator_registry.hpp"

namespace caf {
class actor_system;
class actor_system_config;
}  // namespace caf

namespace rivulet::runtime {
class EmbeddedBroker;
}

namespace rivulet::runtime::node {

class ManagedJob;

class JobManager final : public NodeService {
 public:
  [[nodiscard]] static graphs::Result<std::unique_ptr<JobManager>> open(NodeConfig config);
  ~JobManager() override;  // cancels what still runs (a crash-like end: open() resumes them)
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // SIGTERM: every running job stops with a savepoint into the data dir, then everything stops.
  void shutdown();

  NodeInfo info() const override;
  DeployOutcome deploy(DeployRequest request) override;
  std::vector<JobSummary> jobs() const override;
  [[nodiscard]] graphs::Result<JobDetail> status(const JobId& job) const override;
  [[nodiscard]] graphs::Result<std::string> stop(const JobId& job, const std::string& savepoint_dir,
                                                 bool drain) override;
  [[nodiscard]] graphs::Status cancel(const JobId& job) override;
  [[nodiscard]] graphs::Result<std::string> savepoint(const JobId& job) override;
  graphs::Catalog catalog() const override;
  [[nodiscard]] graphs::Result<JobMetrics> metrics(const JobId& job,
                                                   std::uint64_t sampler_id) override;
  [[nodiscard]] graphs::Result<std::vector<JobEvent>> events(const JobId& job,
                                                             std::uint64_t after) const override;
  [[nodiscard]] graphs::Result<std::unique_ptr<Handle>> preview(
      const JobId& job, const EdgeRef& edge, std::uint32_t max_records_per_second,
      std::function<void(PreviewRecords)> deliver) override;

 private:
  explicit JobManager(NodeConfig config);
  [[nodiscard]] graphs::Status resume_jobs();
  std::shared_ptr<ManagedJob> find(const JobId& job) const;
  // Where a job's tasks run: this process's actor system (the one placement decision).
  caf::actor_system& place();
  void watch();  // the watcher thread: turns job progress into events

  NodeConfig config_;
  WallMs started_ = 0;
  OperatorRegistry registry_;  // built-ins plus the plugin dir's plugins
  std::unique_ptr<EmbeddedBroker> broker_;
  std::string bootstrap_;
  std::string file_root_;  // config_.file_root, else <data dir>/files
  std::unique_ptr<caf::actor_system_config> system_config_;
  std::unique_ptr<caf::actor_system> system_;
  mutable std::mutex mutex_;
  std::map<JobId, std::shared_ptr<ManagedJob>> jobs_;
  std::mutex watch_mutex_;
  std::condition_variable watch_wakeup_;
  bool closing_ = false;
  std::thread watcher_;
};

}  // namespace rivulet::runtime::node
