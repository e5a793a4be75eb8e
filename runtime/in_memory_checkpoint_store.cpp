#include "runtime/in_memory_checkpoint_store.hpp"

#include <utility>

namespace rivulet::runtime {

class InMemoryCheckpointStore::Writer final : public StateWriter {
 public:
  Writer(InMemoryCheckpointStore& store, CheckpointId id, std::string task)
      : store_(store), id_(id), task_(std::move(task)) {}
  graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
    return store_.store_blob(id_, task_, name, bytes);
  }

 private:
  InMemoryCheckpointStore& store_;
  CheckpointId id_;
  std::string task_;
};

// Shares the immutable snapshot, so a restore can read it while newer checkpoints are taken
// or this one is dropped from retention.
class InMemoryCheckpointStore::Completed final : public CompletedCheckpoint {
 public:
  Completed(CheckpointId id, std::shared_ptr<const Snapshot> snapshot)
      : id_(id), snapshot_(std::move(snapshot)) {}
  CheckpointId id() const override { return id_; }
  graphs::Result<std::unique_ptr<StateReader>> reader(const std::string& task) override {
    static const TaskState kEmpty;
    auto it = snapshot_->find(task);
    return std::unique_ptr<StateReader>(
        std::make_unique<Reader>(snapshot_, it == snapshot_->end() ? kEmpty : it->second));
  }

 private:
  class Reader final : public StateReader {
   public:
    Reader(std::shared_ptr<const Snapshot> owner, const TaskState& state)
        : owner_(std::move(owner)), state_(state) {}
    bool has_blob(std::string_view name) const override { return state_.count(name) > 0; }
    graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override {
      auto it = state_.find(name);
      if (it == state_.end()) return graphs::Error{"no state blob '" + std::string(name) + "'"};
      return it->second;
    }

   private:
    std::shared_ptr<const Snapshot> owner_;  // keeps state_ alive
    const TaskState& state_;
  };

  CheckpointId id_;
  std::shared_ptr<const Snapshot> snapshot_;
};

graphs::Status InMemoryCheckpointStore::begin(CheckpointId id) {
  std::lock_guard lock(mutex_);
  if (pending_.count(id) || complete_.count(id)) {
    return graphs::Error{"checkpoint " + std::to_string(id) + " already exists"};
  }
  pending_[id];
  return graphs::Ok{};
}

graphs::Result<std::unique_ptr<StateWriter>> InMemoryCheckpointStore::writer(
    CheckpointId id, const std::string& task) {
  std::lock_guard lock(mutex_);
  if (!pending_.count(id)) {
    return graphs::Error{"checkpoint " + std::to_string(id) + " is not in progress"};
  }
  return std::unique_ptr<StateWriter>(std::make_unique<Writer>(*this, id, task));
}

graphs::Status InMemoryCheckpointStore::store_blob(CheckpointId id, const std::string& task,
                                                   std::string_view name,
                                                   std::span<const std::byte> bytes) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(id);
  if (it == pending_.end()) return graphs::Ok{};  // aborted meanwhile: see CheckpointStore
  it->second[task][std::string(name)] = std::vector<std::byte>(bytes.begin(), bytes.end());
  return graphs::Ok{};
}

graphs::Status InMemoryCheckpointStore::complete(CheckpointId id) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(id);
  if (it == pending_.end()) {
    return graphs::Error{"checkpoint " + std::to_string(id) + " is not in progress"};
  }
  complete_[id] = std::make_shared<const Snapshot>(std::move(it->second));
  pending_.erase(it);
  while (complete_.size() > retained_ && complete_.size() > 1) complete_.erase(complete_.begin());
  return graphs::Ok{};
}

void InMemoryCheckpointStore::abort(CheckpointId id) {
  std::lock_guard lock(mutex_);
  pending_.erase(id);
}

graphs::Result<std::unique_ptr<CompletedCheckpoint>> InMemoryCheckpointStore::latest() {
  std::lock_guard lock(mutex_);
  if (complete_.empty()) return std::unique_ptr<CompletedCheckpoint>();
  const auto& [id, snapshot] = *complete_.rbegin();
  return std::unique_ptr<CompletedCheckpoint>(std::make_unique<Completed>(id, snapshot));
}

std::vector<CheckpointId> InMemoryCheckpointStore::completed_ids() const {
  std::lock_guard lock(mutex_);
  std::vector<CheckpointId> ids;
  for (const auto& entry : complete_) ids.push_back(entry.first);
  return ids;
}

bool InMemoryCheckpointStore::has_pending() const {
  std::lock_guard lock(mutex_);
  return !pending_.empty();
}

}  // namespace rivulet::runtime
