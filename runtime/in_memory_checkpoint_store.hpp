#pragma once
// A CheckpointStore in memory, for tests and for jobs that want restarts within one process
// without a checkpoint directory. Keeps the last `retained` complete checkpoints.
//
// State directories (StateWriter::reserve_directory, RocksDB's checkpoint) are handed out as
// temporary directories; complete() packs each into memory (an entry of TaskState under a name
// no blob can have, see kDirectoryEntryPrefix) and deletes it, abort() just deletes it. A
// reader unpacks a directory into a temporary directory of its own on first use.

#include <cstddef>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/checkpoint_store.hpp"

namespace rivulet::runtime {

class InMemoryCheckpointStore final : public CheckpointStore {
 public:
  // Blob name -> bytes, per task name.
  using TaskState = std::map<std::string, std::vector<std::byte>, std::less<>>;
  using Snapshot = std::map<std::string, TaskState>;

  // TaskState entries whose name starts with this hold a packed state directory.
  static constexpr std::string_view kDirectoryEntryPrefix{"\0dir/", 5};

  explicit InMemoryCheckpointStore(std::size_t retained = 3) : retained_(retained) {}
  ~InMemoryCheckpointStore() override;

  graphs::Status begin(CheckpointId id) override;
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId id,
                                                      const std::string& task) override;
  graphs::Status complete(CheckpointId id) override;
  void abort(CheckpointId id) override;
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override;

  // For tests: ids of the retained complete checkpoints (ascending), and whether any is still
  // in progress.
  std::vector<CheckpointId> completed_ids() const;
  bool has_pending() const;

 private:
  class Writer;  // writes straight into pending_[id][task]
  class Completed;
  graphs::Status store_blob(CheckpointId id, const std::string& task, std::string_view name,
                            std::span<const std::byte> bytes);
  // False when `id` is no longer in progress (the caller then owns and deletes `root`).
  graphs::Result<bool> store_directory(CheckpointId id, const std::string& task,
                                       std::string_view name, std::filesystem::path root);

  struct PendingDirectory {
    std::string task;
    std::string name;
    std::filesystem::path root;  // temporary; the state is in root / "d"
  };

  const std::size_t retained_;
  mutable std::mutex mutex_;
  std::map<CheckpointId, Snapshot> pending_;
  std::map<CheckpointId, std::vector<PendingDirectory>> pending_directories_;
  std::map<CheckpointId, std::shared_ptr<const Snapshot>> complete_;
};

}  // namespace rivulet::runtime
