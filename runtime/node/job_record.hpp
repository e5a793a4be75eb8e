#pragma once
// What the node keeps about one job under its data dir, so that a restarted node (SIGKILL
// included) knows which jobs to resume and from where:
//
//   <data dir>/jobs/<job id>/graph-<n>.json   the deployed graphs, after the overrides
//                           /job              name, options, state, resume point (key = value)
//                           /checkpoints/     the job's checkpoint directory
//                           /savepoints/      savepoints taken by the node (stop, shutdown)
//   <data dir>/next-job-id                    ids are never reused on the same data dir
//
// Every file is written to a temporary name, fsynced and renamed, so a crash leaves the old
// version or the new one, never half of one.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "runtime/node/node_service.hpp"

namespace rivulet::runtime::node {

struct JobRecord {
  JobId id;
  std::string name;
  JobState state = JobState::Created;
  DeployOptions options;
  // Where the next start of this job begins when its own checkpoints hold nothing newer: the
  // savepoint the node took at shutdown; empty: options.from_savepoint.
  std::string resume_savepoint;
  WallMs deployed = 0;
  std::uint32_t next_savepoint = 1;  // savepoints/sp-<n>
};

class JobDirectory {
 public:
  explicit JobDirectory(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path checkpoints() const { return root_ / "checkpoints"; }
  std::filesystem::path savepoints() const { return root_ / "savepoints"; }

  [[nodiscard]] graphs::Status save(const JobRecord& record) const;
  [[nodiscard]] graphs::Status save_graphs(const std::vector<graphs::Graph>& graphs) const;
  [[nodiscard]] graphs::Result<JobRecord> load() const;
  [[nodiscard]] graphs::Result<std::vector<graphs::Graph>> load_graphs() const;

 private:
  std::filesystem::path root_;
};

// The next job id of a data dir ("job-<n>"), persisted before it is handed out.
[[nodiscard]] graphs::Result<JobId> allocate_job_id(const std::filesystem::path& data_dir);

// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
[[nodiscard]] graphs::Status write_file_atomically(const std::filesystem::path& path,
                                                   const std::string& bytes);

}  // namespace rivulet::runtime::node
