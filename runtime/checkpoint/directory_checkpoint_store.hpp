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
  // A savepoint (`rivulet run --savepoint-on-stop DIR` writes one, `--from-savepoint DIR`
  // reads one): `directory` itself is a single checkpoint whose manifest says `kind savepoint`
  // (begin_savepoint's layout). begin() creates it and fails if it exists, so a savepoint is
  // never overwritten, and only one can be in progress; complete() applies no retention;
  // abort() deletes only what begin() created. latest() reads the directory's own MANIFEST (a
  // savepoint, or one chk-<id> directory) or, when it has none, the newest complete checkpoint
  // under it (a checkpoint directory); a savepoint store never deletes anything on open.
  static graphs::Result<std::shared_ptr<DirectoryCheckpointStore>> open_savepoint(
      std::filesystem::path directory, JobIdentity job);

  graphs::Status begin(CheckpointId id) override;
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId id,
                                                      const std::string& task) override;
  graphs::Status complete(CheckpointId id) override;
  void abort(CheckpointId id) override;
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override;

  std::vector<std::string> last_skipped() const override;

 private:
  DirectoryCheckpointStore(std::filesystem::path directory, std::uint32_t retained, JobIdentity job,
                           bool savepoint);

  CheckpointStorage storage_;
  const JobIdentity job_;
  const bool savepoint_;
  mutable std::mutex mutex_;
  // Shared with the writers handed to tasks, so an abort never leaves them dangling.
  std::map<CheckpointId, std::shared_ptr<CheckpointWriter>> pending_;
  std::vector<std::string> last_skipped_;
};

}  // namespace rivulet::runtime::checkpoint
