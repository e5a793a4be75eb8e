#include "runtime/checkpoint_router.hpp"

namespace rivulet::runtime {
namespace {

graphs::Error no_store(CheckpointId id) {
  return graphs::Error{"checkpoint " + std::to_string(id) +
                       ": the job has no checkpoint store (run with --checkpoint-dir)"};
}

}  // namespace

void CheckpointRouter::route(CheckpointId id, std::shared_ptr<CheckpointStore> target) {
  std::lock_guard lock(mutex_);
  savepoints_[id] = std::move(target);
}

std::shared_ptr<CheckpointStore> CheckpointRouter::store_for(CheckpointId id) const {
  std::lock_guard lock(mutex_);
  auto it = savepoints_.find(id);
  return it != savepoints_.end() ? it->second : checkpoints_;
}

void CheckpointRouter::forget(CheckpointId id) {
  std::lock_guard lock(mutex_);
  savepoints_.erase(id);
}

graphs::Status CheckpointRouter::begin(CheckpointId id) {
  auto store = store_for(id);
  if (!store) return no_store(id);
  return store->begin(id);
}

graphs::Result<std::unique_ptr<StateWriter>> CheckpointRouter::writer(CheckpointId id,
                                                                      const std::string& task) {
  auto store = store_for(id);
  if (!store) return no_store(id);
  return store->writer(id, task);
}

graphs::Status CheckpointRouter::complete(CheckpointId id) {
  auto store = store_for(id);
  if (!store) return no_store(id);
  auto status = store->complete(id);
  forget(id);
  return status;
}

void CheckpointRouter::abort(CheckpointId id) {
  if (auto store = store_for(id)) store->abort(id);
  forget(id);
}

graphs::Result<std::unique_ptr<CompletedCheckpoint>> CheckpointRouter::latest() {
  if (!checkpoints_) return std::unique_ptr<CompletedCheckpoint>();
  return checkpoints_->latest();
}

}  // namespace rivulet::runtime
