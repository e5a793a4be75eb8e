#include "runtime/lifecycle/job_run.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <system_error>
#include <utility>

#include "runtime/checkpoint/directory_checkpoint_store.hpp"
#include "runtime/lifecycle/checkpoint_location.hpp"
#include "runtime/savepoint_restore.hpp"
#include "runtime/state/state_directory.hpp"

namespace rivulet::runtime::lifecycle {
namespace {

graphs::Error prefixed(const std::string& origin, const graphs::Error& error) {
  return graphs::Error{origin + ": " + error.message};
}

}  // namespace

std::string savepoint_origin(const std::string& directory) { return "savepoint " + directory; }

graphs::Result<std::shared_ptr<CheckpointStore>> open_restore_source(
    const std::string& directory, const std::vector<graphs::Graph>& graphs) {
  const std::string origin = savepoint_origin(directory);
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return graphs::Error{origin + ": no such directory"};
  }
  auto store =
      checkpoint::DirectoryCheckpointStore::open_savepoint(directory, job_identity(graphs));
  if (!store) return prefixed(origin, store.error());
  return std::shared_ptr<CheckpointStore>(std::move(store).value());
}

graphs::Result<std::shared_ptr<CheckpointStore>> open_savepoint_target(
    const std::string& directory, const std::vector<graphs::Graph>& graphs) {
  const std::string origin = savepoint_origin(directory);
  std::error_code ec;
  if (std::filesystem::exists(directory, ec)) {
    return graphs::Error{origin + ": already exists (a savepoint is never overwritten)"};
  }
  auto store =
      checkpoint::DirectoryCheckpointStore::open_savepoint(directory, job_identity(graphs));
  if (!store) return prefixed(origin, store.error());
  return std::shared_ptr<CheckpointStore>(std::move(store).value());
}

graphs::Status check_restore(const PreparedJob& job, const RunOptions& options) {
  if (options.from_savepoint.empty()) return graphs::Ok{};
  auto source = open_restore_source(options.from_savepoint, job.graphs);
  if (!source) return source.error();
  auto prepared = prepare_restore(**source, job.plan, options.allow_non_restored_state,
                                  savepoint_origin(options.from_savepoint));
  if (!prepared) return prepared.error();
  return graphs::Ok{};
}

graphs::Result<std::unique_ptr<JobRun>> JobRun::start(caf::actor_system& system, PreparedJob job,
                                                      RunOptions options) {
  std::unique_ptr<JobRun> run(new JobRun());  // private constructor
  run->graphs_ = job.graphs;
  const CheckpointLocation location =
      choose_checkpoint_location(options.checkpoint_dir, job.graphs, options.embedded_broker);
  run->checkpoint_note_ = location.note;
  std::string directory = location.directory;
  if (location.temporary) {
    auto temporary = state::StateDirectory::create_temporary("rivulet-checkpoints-");
    if (!temporary) return prefixed("temporary checkpoint directory", temporary.error());
    run->temporary_checkpoints_ = std::move(temporary).value();
    directory = run->temporary_checkpoints_->path().string();
  }
  if (!directory.empty()) {
    std::uint32_t retained = 0;
    for (const graphs::Graph& graph : job.graphs) {
      retained = std::max(retained, graph.runtime.checkpoints_retained);
    }
    auto store = checkpoint::DirectoryCheckpointStore::open(
        directory, std::max<std::uint32_t>(retained, 1), job_identity(job.graphs));
    if (!store) return prefixed(directory, store.error());
    run->checkpoints_ = std::move(store).value();
  }

  JobOptions job_options;
  job_options.bootstrap_servers = options.bootstrap_servers;
  job_options.restart = options.restart;
  job_options.checkpoints = run->checkpoints_;
  job_options.checkpoint_interval = options.checkpoint_interval;
  if (!options.from_savepoint.empty()) {
    auto source = open_restore_source(options.from_savepoint, job.graphs);
    if (!source) return source.error();
    job_options.restore_from = std::move(source).value();
    job_options.restore_from_name = savepoint_origin(options.from_savepoint);
    job_options.allow_non_restored_state = options.allow_non_restored_state;
  }
  run->options_ = std::move(options);
  auto started = Job::start(system, std::move(job.plan), std::move(job_options));
  if (!started) return started.error();
  run->job_ = std::move(started).value();
  return run;
}

JobRun::~JobRun() { job_.reset(); }

graphs::Result<CheckpointId> JobRun::stop_with_savepoint(std::shared_ptr<CheckpointStore> target,
                                                         std::chrono::milliseconds timeout) {
  if (!target) return graphs::Error{"savepoint: no target"};
  graphs::Status taken = job_->stop_with_savepoint(target, timeout);
  if (!taken) return taken.error();
  auto written = target->latest();
  if (!written) return written.error();
  if (!*written) return graphs::Error{"not found after the stop"};
  return (*written)->id();
}

graphs::Result<CheckpointId> JobRun::savepoint(std::shared_ptr<CheckpointStore> target,
                                               std::chrono::milliseconds timeout) {
  if (!target) return graphs::Error{"savepoint: no target"};
  graphs::Status taken = job_->savepoint(target, timeout);
  if (!taken) return taken.error();
  auto written = target->latest();
  if (!written) return written.error();
  if (!*written) return graphs::Error{"savepoint: not found after it completed"};
  return (*written)->id();
}

std::vector<std::string> JobRun::skipped_checkpoints() const {
  return checkpoints_ ? checkpoints_->last_skipped() : std::vector<std::string>{};
}

}  // namespace rivulet::runtime::lifecycle
