#include "runtime/checkpoint/directory_checkpoint_store.hpp"

#include <atomic>
#include <system_error>

namespace rivulet::runtime::checkpoint {

namespace fs = std::filesystem;

namespace {

// Owns a pending checkpoint's writer. Tasks may still be writing when the checkpoint is
// aborted (the CheckpointStore contract lets them finish), so an aborted checkpoint's
// directory is removed when the last task lets go of its writer, not at abort().
struct DiscardIfAborted {
  std::shared_ptr<std::atomic<bool>> aborted = std::make_shared<std::atomic<bool>>(false);
  void operator()(CheckpointWriter* writer) const {
    const fs::path root = writer->root();
    delete writer;  // waits for its background blob writes
    if (aborted->load()) {
      std::error_code ec;
      fs::remove_all(root, ec);  // best effort, see the header
    }
  }
};

// What a task gets: forwards to its TaskStateWriter and keeps the checkpoint writer alive.
class TaskWriterHandle final : public StateWriter {
 public:
  TaskWriterHandle(std::shared_ptr<CheckpointWriter> owner, TaskStateWriter* writer)
      : owner_(std::move(owner)), writer_(writer) {}
  graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
    return writer_->write_blob(name, bytes);
  }
  graphs::Result<fs::path> reserve_directory(std::string_view name) override {
    return writer_->reserve_directory(name);
  }

 private:
  std::shared_ptr<CheckpointWriter> owner_;
  TaskStateWriter* writer_;
};

// What a restoring task gets: forwards to its TaskStateReader and keeps the reader alive.
class TaskReaderHandle final : public StateReader {
 public:
  TaskReaderHandle(std::shared_ptr<CheckpointReader> owner, TaskStateReader& reader)
      : owner_(std::move(owner)), reader_(reader) {}
  bool has_blob(std::string_view name) const override { return reader_.has_blob(name); }
  graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override {
    return reader_.read_blob(name);
  }
  bool has_directory(std::string_view name) const override { return reader_.has_directory(name); }
  graphs::Result<fs::path> directory(std::string_view name) const override {
    return reader_.directory(name);
  }

 private:
  std::shared_ptr<CheckpointReader> owner_;
  TaskStateReader& reader_;
};

class Completed final : public CompletedCheckpoint {
 public:
  explicit Completed(std::shared_ptr<CheckpointReader> reader) : reader_(std::move(reader)) {}
  CheckpointId id() const override { return reader_->manifest().checkpoint_id; }
  graphs::Result<std::unique_ptr<StateReader>> reader(const std::string& task) override {
    // CheckpointReader::task adds an empty entry for an unknown task: serialise that.
    std::lock_guard lock{mutex_};
    return std::unique_ptr<StateReader>(
        std::make_unique<TaskReaderHandle>(reader_, reader_->task(task)));
  }
  std::vector<std::string> tasks_with_state() const override { return reader_->tasks_with_state(); }
  std::vector<std::string> tasks() const override { return reader_->tasks(); }
  std::map<std::string, std::string> operator_kinds() const override {
    std::map<std::string, std::string> kinds;
    for (const auto& [id, kind] : reader_->manifest().job.node_kinds) kinds[id] = kind;
    return kinds;
  }

 private:
  std::shared_ptr<CheckpointReader> reader_;
  std::mutex mutex_;
};

}  // namespace

DirectoryCheckpointStore::DirectoryCheckpointStore(fs::path directory, std::uint32_t retained,
                                                   JobIdentity job, bool savepoint)
    : storage_(std::move(directory), retained), job_(std::move(job)), savepoint_(savepoint) {}

graphs::Result<std::shared_ptr<DirectoryCheckpointStore>> DirectoryCheckpointStore::open(
    fs::path directory, std::uint32_t retained, JobIdentity job) {
  std::shared_ptr<DirectoryCheckpointStore> store{
      new DirectoryCheckpointStore(std::move(directory), retained, std::move(job), false)};
  if (auto st = store->storage_.remove_incomplete(); !st) return st.error();
  return store;
}

graphs::Result<std::shared_ptr<DirectoryCheckpointStore>> DirectoryCheckpointStore::open_savepoint(
    fs::path directory, JobIdentity job) {
  return std::shared_ptr<DirectoryCheckpointStore>{
      new DirectoryCheckpointStore(std::move(directory), 1, std::move(job), true)};
}

graphs::Status DirectoryCheckpointStore::begin(CheckpointId id) {
  std::lock_guard lock{mutex_};
  if (pending_.contains(id)) {
    return graphs::Error{"checkpoint " + std::to_string(id) + " already exists"};
  }
  if (savepoint_ && !pending_.empty()) {
    return graphs::Error{"savepoint " + storage_.directory().string() +
                         " is already being written"};
  }
  auto writer =
      savepoint_ ? begin_savepoint(storage_.directory(), id, job_) : storage_.begin(id, job_);
  if (!writer) return writer.error();
  pending_.emplace(id, std::shared_ptr<CheckpointWriter>(writer->release(), DiscardIfAborted{}));
  return graphs::Ok{};
}

graphs::Result<std::unique_ptr<StateWriter>> DirectoryCheckpointStore::writer(
    CheckpointId id, const std::string& task) {
  std::shared_ptr<CheckpointWriter> checkpoint;
  {
    std::lock_guard lock{mutex_};
    auto it = pending_.find(id);
    if (it == pending_.end()) {
      return graphs::Error{"checkpoint " + std::to_string(id) + " is not in progress"};
    }
    checkpoint = it->second;
  }
  auto task_writer = checkpoint->task(task);  // thread-safe on its own
  if (!task_writer) return task_writer.error();
  return std::unique_ptr<StateWriter>(
      std::make_unique<TaskWriterHandle>(std::move(checkpoint), *task_writer));
}

graphs::Status DirectoryCheckpointStore::complete(CheckpointId id) {
  std::shared_ptr<CheckpointWriter> checkpoint;
  {
    std::lock_guard lock{mutex_};
    auto it = pending_.find(id);
    if (it == pending_.end()) {
      return graphs::Error{"checkpoint " + std::to_string(id) + " is not in progress"};
    }
    checkpoint = std::move(it->second);
    pending_.erase(it);
  }
  // Digesting and fsyncing happen without the store's lock: tasks may already be writing the
  // next checkpoint.
  if (auto st = checkpoint->complete(); !st) {
    // Never usable now (no manifest, or one we cannot trust): remove it like an aborted one
    // instead of leaving a directory per failure behind (a full disk fails them all).
    if (auto* discard = std::get_deleter<DiscardIfAborted>(checkpoint)) {
      discard->aborted->store(true);
    }
    return st;
  }
  if (savepoint_) return graphs::Ok{};
  return storage_.apply_retention();
}

void DirectoryCheckpointStore::abort(CheckpointId id) {
  std::shared_ptr<CheckpointWriter> checkpoint;
  {
    std::lock_guard lock{mutex_};
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    checkpoint = std::move(it->second);
    pending_.erase(it);
  }
  // Removed now, or once the last task writing into it is done (DiscardIfAborted).
  if (auto* discard = std::get_deleter<DiscardIfAborted>(checkpoint)) discard->aborted->store(true);
}

graphs::Result<std::unique_ptr<CompletedCheckpoint>> DirectoryCheckpointStore::latest() {
  std::error_code ec;
  if (savepoint_ && fs::exists(storage_.directory() / kManifestFileName, ec)) {
    auto reader = CheckpointReader::open(storage_.directory());
    if (!reader) return reader.error();
    return std::unique_ptr<CompletedCheckpoint>(
        std::make_unique<Completed>(std::shared_ptr<CheckpointReader>(std::move(*reader))));
  }
  auto latest = storage_.latest_complete();
  if (!latest) return latest.error();
  {
    std::lock_guard lock{mutex_};
    last_skipped_ = latest->skipped;
  }
  if (!latest->reader && savepoint_ && !latest->skipped.empty()) {
    // Only restored from: nothing usable is an error, with the reason (a checkpoint
    // directory's own restore falls back to starting empty and logs last_skipped()).
    return graphs::Error{"no usable checkpoint in " + storage_.directory().string() + ": " +
                         latest->skipped.front()};
  }
  if (!latest->reader) return std::unique_ptr<CompletedCheckpoint>();
  return std::unique_ptr<CompletedCheckpoint>(
      std::make_unique<Completed>(std::shared_ptr<CheckpointReader>(std::move(latest->reader))));
}

std::vector<std::string> DirectoryCheckpointStore::last_skipped() const {
  std::lock_guard lock{mutex_};
  return last_skipped_;
}

}  // namespace rivulet::runtime::checkpoint
