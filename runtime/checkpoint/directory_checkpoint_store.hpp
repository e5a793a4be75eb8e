#pragma once
// The CheckpointStore (runtime/checkpoint_store.hpp) on disk: the coordinator, tasks and job
// supervisor talk to this; it drives CheckpointStorage underneath.
//
// complete() writes the manifest and then applies retention; latest() returns the newest
// checkpoint that verifies, falling back past damaged ones (the reasons are kept for logs in
// last_skipped()). abort() deletes the unfinished directory (best effort: anything left over
// has no manifest and is removed by the next retention pass).

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/checkpoint/checkpoint_storage.hpp"
#include "runtime/checkpoint_store.hpp"

namespace rivulet::runtime::checkpoint {

class DirectoryCheckpointStore final : public CheckpointStore {
 public:
  // Removes incomplete checkpoints left by an earlier run of the job: the store is created at
  // job start, before any checkpoint is in progress.
  static graphs::Result<std::shared_ptr<DirectoryCheckpointStore>> open(
      std::filesystem::path directory, std::uint32_t retained, JobIdentity job);

  graphs::Status begin(CheckpointId id) override;
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId id,
                                                      const std::string& task) override;
  graphs::Status complete(CheckpointId id) override;
  void abort(CheckpointId id) override;
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override;

  std::vector<std::string> last_skipped() const;

 private:
  DirectoryCheckpointStore(std::filesystem::path directory, std::uint32_t retained,
                           JobIdentity job);

  CheckpointStorage storage_;
  const JobIdentity job_;
  mutable std::mutex mutex_;
  // Shared with the writers handed to tasks, so an abort never leaves them dangling.
  std::map<CheckpointId, std::shared_ptr<CheckpointWriter>> pending_;
  std::vector<std::string> last_skipped_;
};

}  // namespace rivulet::runtime::checkpoint
