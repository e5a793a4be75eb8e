#pragma once
// The store a job's tasks and coordinator actually talk to: the job's checkpoint store (may be
// absent), except for a savepoint, whose id is routed to the savepoint's own store (the
// directory given to --savepoint-on-stop). Tasks ask writer(id, task) without knowing which
// kind of checkpoint they are writing.

#include <map>
#include <memory>
#include <mutex>

#include "runtime/checkpoint_store.hpp"

namespace rivulet::runtime {

class CheckpointRouter final : public CheckpointStore {
 public:
  explicit CheckpointRouter(std::shared_ptr<CheckpointStore> checkpoints)
      : checkpoints_(std::move(checkpoints)) {}

  bool has_checkpoint_store() const { return checkpoints_ != nullptr; }
  // Checkpoint `id` goes to `target` (call before begin(id)); forgotten once completed/aborted.
  void route(CheckpointId id, std::shared_ptr<CheckpointStore> target);

  graphs::Status begin(CheckpointId id) override;
  graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId id,
                                                      const std::string& task) override;
  graphs::Status complete(CheckpointId id) override;
  void abort(CheckpointId id) override;
  // The job's checkpoints only (a savepoint is restored from explicitly).
  graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() override;

 private:
  std::shared_ptr<CheckpointStore> store_for(CheckpointId id) const;
  void forget(CheckpointId id);

  const std::shared_ptr<CheckpointStore> checkpoints_;
  mutable std::mutex mutex_;
  std::map<CheckpointId, std::shared_ptr<CheckpointStore>> savepoints_;
};

}  // namespace rivulet::runtime
