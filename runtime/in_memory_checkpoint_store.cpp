#include "runtime/in_memory_checkpoint_store.hpp"

#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

#include "runtime/state/state_directory.hpp"

namespace rivulet::runtime {

namespace fs = std::filesystem;

namespace {

// A packed directory: u64 file count, then per regular file: u64 path length, the path
// relative to the directory (generic form), u64 size, the bytes. Integers in host order (the
// packed form never leaves the process).
void put_u64(std::vector<std::byte>& out, std::uint64_t v) {
  const auto* p = reinterpret_cast<const std::byte*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

graphs::Result<std::vector<std::byte>> pack_directory(const fs::path& dir) {
  std::vector<std::pair<std::string, fs::path>> files;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    for (fs::recursive_directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory(ec)) continue;
      if (!it->is_regular_file(ec)) {
        return graphs::Error{"state directory holds something that is not a file: " +
                             it->path().string()};
      }
      files.emplace_back(it->path().lexically_relative(dir).generic_string(), it->path());
    }
  }
  if (ec) return graphs::Error{"cannot list " + dir.string() + ": " + ec.message()};
  std::vector<std::byte> out;
  put_u64(out, files.size());
  for (const auto& [relative, path] : files) {
    put_u64(out, relative.size());
    const auto* name = reinterpret_cast<const std::byte*>(relative.data());
    out.insert(out.end(), name, name + relative.size());
    const std::uintmax_t size = fs::file_size(path, ec);
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes(ec ? 0 : size);
    if (ec || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
      return graphs::Error{"cannot read " + path.string()};
    }
    put_u64(out, bytes.size());
    const auto* data = reinterpret_cast<const std::byte*>(bytes.data());
    out.insert(out.end(), data, data + bytes.size());
  }
  return out;
}

graphs::Status unpack_directory(std::span<const std::byte> packed, const fs::path& dir) {
  std::size_t pos = 0;
  auto u64 = [&](std::uint64_t& v) {
    if (packed.size() - pos < sizeof v) return false;
    std::memcpy(&v, packed.data() + pos, sizeof v);
    pos += sizeof v;
    return true;
  };
  const graphs::Error corrupt{"a packed state directory is corrupt"};
  std::uint64_t count = 0;
  if (!u64(count)) return corrupt;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return graphs::Error{"cannot create " + dir.string() + ": " + ec.message()};
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t n = 0;
    if (!u64(n) || packed.size() - pos < n) return corrupt;
    const fs::path relative{std::string(reinterpret_cast<const char*>(packed.data() + pos), n)};
    pos += n;
    if (relative.is_absolute() || relative.lexically_normal().string().starts_with("..")) {
      return corrupt;
    }
    if (!u64(n) || packed.size() - pos < n) return corrupt;
    const fs::path path = dir / relative;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(packed.data() + pos), static_cast<std::streamsize>(n));
    pos += n;
    if (ec || !out) return graphs::Error{"cannot write " + path.string()};
  }
  return graphs::Ok{};
}

void remove_quietly(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace

class InMemoryCheckpointStore::Writer final : public StateWriter {
 public:
  Writer(InMemoryCheckpointStore& store, CheckpointId id, std::string task)
      : store_(store), id_(id), task_(std::move(task)) {}
  graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
    return store_.store_blob(id_, task_, name, bytes);
  }
  graphs::Result<fs::path> reserve_directory(std::string_view name) override {
    std::error_code ec;
    const fs::path tmp = fs::temp_directory_path(ec);
    if (ec) return graphs::Error{"no temporary directory: " + ec.message()};
    auto root = state::make_unique_directory(tmp, "rivulet-memory-checkpoint-");
    if (!root) return root.error();
    // Once stored, complete() or abort() deletes the temporary directory.
    auto stored = store_.store_directory(id_, task_, name, *root);
    if (!stored) {
      remove_quietly(*root);
      return stored.error();
    }
    if (!*stored) orphans_.push_back(*root);  // aborted meanwhile: accepted, then dropped
    return *root / "d";
  }
  ~Writer() override {
    for (const auto& root : orphans_) remove_quietly(root);
  }

 private:
  InMemoryCheckpointStore& store_;
  CheckpointId id_;
  std::string task_;
  std::vector<fs::path> orphans_;
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
  std::vector<std::string> tasks_with_state() const override {
    std::vector<std::string> names;
    for (const auto& [task, state] : *snapshot_) {
      if (!state.empty()) names.push_back(task);
    }
    return names;
  }
  // Every task that asked for a writer (see writer()), with or without state.
  std::vector<std::string> tasks() const override {
    std::vector<std::string> names;
    for (const auto& entry : *snapshot_) names.push_back(entry.first);
    return names;
  }

 private:
  class Reader final : public StateReader {
   public:
    Reader(std::shared_ptr<const Snapshot> owner, const TaskState& state)
        : owner_(std::move(owner)), state_(state) {}
    ~Reader() override {
      for (const auto& [name, root] : unpacked_) remove_quietly(root);
    }
    bool has_blob(std::string_view name) const override {
      return !name.starts_with(kDirectoryEntryPrefix) && state_.count(name) > 0;
    }
    graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override {
      auto it = has_blob(name) ? state_.find(name) : state_.end();
      if (it == state_.end()) return graphs::Error{"no state blob '" + std::string(name) + "'"};
      return it->second;
    }
    bool has_directory(std::string_view name) const override {
      return state_.count(std::string(kDirectoryEntryPrefix) + std::string(name)) > 0;
    }
    graphs::Result<fs::path> directory(std::string_view name) const override {
      auto it = state_.find(std::string(kDirectoryEntryPrefix) + std::string(name));
      if (it == state_.end()) {
        return graphs::Error{"no state directory '" + std::string(name) + "'"};
      }
      auto done = unpacked_.find(std::string(name));
      if (done != unpacked_.end()) return done->second / "d";
      std::error_code ec;
      const fs::path tmp = fs::temp_directory_path(ec);
      if (ec) return graphs::Error{"no temporary directory: " + ec.message()};
      auto root = state::make_unique_directory(tmp, "rivulet-memory-restore-");
      if (!root) return root.error();
      if (auto st = unpack_directory(it->second, *root / "d"); !st) {
        remove_quietly(*root);
        return st.error();
      }
      unpacked_.emplace(std::string(name), *root);
      return *root / "d";
    }

   private:
    std::shared_ptr<const Snapshot> owner_;  // keeps state_ alive
    const TaskState& state_;
    mutable std::map<std::string, fs::path> unpacked_;  // name -> temporary root
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
  pending_[id][task];  // the task took part, even if it writes nothing (Completed::tasks)
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

graphs::Result<bool> InMemoryCheckpointStore::store_directory(CheckpointId id,
                                                              const std::string& task,
                                                              std::string_view name,
                                                              fs::path root) {
  std::lock_guard lock(mutex_);
  if (!pending_.count(id)) return false;
  auto& dirs = pending_directories_[id];
  for (const auto& d : dirs) {
    if (d.task == task && d.name == name) {
      return graphs::Error{"task " + task + " wrote state '" + std::string(name) + "' twice"};
    }
  }
  dirs.push_back(PendingDirectory{task, std::string(name), std::move(root)});
  return true;
}

InMemoryCheckpointStore::~InMemoryCheckpointStore() {
  for (const auto& [id, dirs] : pending_directories_) {
    for (const auto& d : dirs) remove_quietly(d.root);
  }
}

graphs::Status InMemoryCheckpointStore::complete(CheckpointId id) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(id);
  if (it == pending_.end()) {
    return graphs::Error{"checkpoint " + std::to_string(id) + " is not in progress"};
  }
  graphs::Status packed = graphs::Ok{};
  if (auto dirs = pending_directories_.find(id); dirs != pending_directories_.end()) {
    for (const auto& d : dirs->second) {
      if (packed) {
        auto bytes = pack_directory(d.root / "d");
        if (bytes) {
          it->second[d.task][std::string(kDirectoryEntryPrefix) + d.name] = std::move(*bytes);
        } else {
          packed = bytes.error();
        }
      }
      remove_quietly(d.root);
    }
    pending_directories_.erase(dirs);
  }
  if (!packed) {
    pending_.erase(it);
    return packed;
  }
  complete_[id] = std::make_shared<const Snapshot>(std::move(it->second));
  pending_.erase(it);
  while (complete_.size() > retained_ && complete_.size() > 1) complete_.erase(complete_.begin());
  return graphs::Ok{};
}

void InMemoryCheckpointStore::abort(CheckpointId id) {
  std::lock_guard lock(mutex_);
  pending_.erase(id);
  if (auto dirs = pending_directories_.find(id); dirs != pending_directories_.end()) {
    for (const auto& d : dirs->second) remove_quietly(d.root);
    pending_directories_.erase(dirs);
  }
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
