#pragma once
// A CheckpointStore in memory, for tests and for jobs that want restarts within one process
// without a checkpoint directory. Keeps the last `retained` complete checkpoints.

#include <cstddef>
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

  explicit InMemoryCheckpointStore(std::size_t retained = 3) : retained_(retained) {}

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

  const std::size_t retained_;
  mutable std::mutex mutex_;
  std::map<CheckpointId, Snapshot> pending_;
  std::map<CheckpointId, std::shared_ptr<const Snapshot>> complete_;
};

}  // namespace rivulet::runtime
