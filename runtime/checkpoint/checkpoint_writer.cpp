#include "runtime/checkpoint/checkpoint_writer.hpp"

#include <system_error>

#include "runtime/checkpoint/names.hpp"

namespace rivulet::runtime::checkpoint {

namespace fs = std::filesystem;

namespace {

graphs::Error fs_error(const char* what, const fs::path& path, const std::error_code& ec) {
  return graphs::Error{std::string(what) + " " + path.string() + ": " + ec.message()};
}

// Lists every regular file under `dir` in the manifest (relative to the task directory) and
// fsyncs files and directories: a backend's files must be as durable as our blobs.
graphs::Status collect_directory(const std::string& task, const fs::path& task_dir,
                                 const fs::path& dir, std::vector<ManifestFile>& out) {
  std::error_code ec;
  fs::recursive_directory_iterator it{dir, ec}, end;
  if (ec) return fs_error("cannot list", dir, ec);
  for (; it != end; it.increment(ec)) {
    if (ec) return fs_error("cannot list", dir, ec);
    const fs::file_status st = it->symlink_status(ec);
    if (ec) return fs_error("cannot stat", it->path(), ec);
    if (fs::is_directory(st)) {
      if (auto s = sync_path(it->path()); !s) return s;
      continue;
    }
    if (!fs::is_regular_file(st)) {
      return graphs::Error{"state directory holds something that is not a file: " +
                           it->path().string()};
    }
    if (auto s = sync_path(it->path()); !s) return s;
    auto digest = digest_file(it->path());
    if (!digest) return digest.error();
    out.push_back(ManifestFile{task, it->path().lexically_relative(task_dir).generic_string(),
                               *digest});
  }
  return sync_path(dir);
}

}  // namespace

TaskStateWriter::TaskStateWriter(std::string task, fs::path directory)
    : task_(std::move(task)), directory_(std::move(directory)) {}

graphs::Status TaskStateWriter::claim(std::string_view name, const std::string& escaped) {
  if (sealed_) {
    return graphs::Error{"task " + task_ + " wrote '" + std::string(name) +
                         "' after its checkpoint completed"};
  }
  if (name.empty()) return graphs::Error{"task " + task_ + " used an empty state name"};
  if (!used_names_.insert(escaped).second) {
    return graphs::Error{"task " + task_ + " wrote state '" + std::string(name) + "' twice"};
  }
  return graphs::Ok{};
}

graphs::Status TaskStateWriter::write_blob(std::string_view name, std::span<const std::byte> bytes) {
  const std::string escaped = escape_name(name);
  {
    std::lock_guard lock{mutex_};
    if (auto st = claim(name, escaped); !st) return st;
  }
  // The name is ours now. The digest is taken here (XXH3 runs at memory speed); the write and
  // its fsync happen off the task: in the background and in complete().
  auto copy = std::make_shared<const std::vector<std::byte>>(bytes.begin(), bytes.end());
  const FileDigest digest = digest_bytes(bytes);
  std::future<graphs::Status> write =
      std::async(std::launch::async, [path = directory_ / escaped, copy] {
        return write_new_file(path, *copy);
      });
  std::lock_guard lock{mutex_};
  blobs_.emplace(escaped, digest);
  writes_.push_back(std::move(write));
  return graphs::Ok{};
}

graphs::Status TaskStateWriter::finish_writes() {
  std::vector<std::future<graphs::Status>> writes;
  {
    std::lock_guard lock{mutex_};
    writes.swap(writes_);
  }
  graphs::Status first = graphs::Ok{};
  for (auto& write : writes) {
    graphs::Status status = write.get();
    if (!status && first) first = std::move(status);
  }
  return first;
}

graphs::Result<fs::path> TaskStateWriter::reserve_directory(std::string_view name) {
  const std::string escaped = escape_name(name);
  std::lock_guard lock{mutex_};
  if (auto st = claim(name, escaped); !st) return st.error();
  reserved_directories_.insert(escaped);
  return directory_ / escaped;
}

CheckpointWriter::CheckpointWriter(fs::path root, std::uint64_t id, bool savepoint, JobIdentity job)
    : root_(std::move(root)), checkpoint_id_(id), savepoint_(savepoint), job_(std::move(job)) {}

graphs::Result<std::unique_ptr<CheckpointWriter>> CheckpointWriter::create(fs::path root,
                                                                           std::uint64_t id,
                                                                           bool savepoint,
                                                                           JobIdentity job) {
  std::error_code ec;
  if (root.has_parent_path()) {
    fs::create_directories(root.parent_path(), ec);
    if (ec) return fs_error("cannot create", root.parent_path(), ec);
  }
  // create_directory reports "already existed" as false without an error: refuse to mix a
  // new checkpoint into an old directory.
  if (!fs::create_directory(root, ec)) {
    if (ec) return fs_error("cannot create", root, ec);
    return graphs::Error{"checkpoint directory already exists: " + root.string()};
  }
  return std::unique_ptr<CheckpointWriter>(
      new CheckpointWriter(std::move(root), id, savepoint, std::move(job)));
}

graphs::Result<TaskStateWriter*> CheckpointWriter::task(std::string_view task_name) {
  std::lock_guard lock{mutex_};
  if (completed_) {
    return graphs::Error{"checkpoint " + std::to_string(checkpoint_id_) +
                         " is already complete; task " + std::string(task_name) + " is late"};
  }
  if (auto it = tasks_.find(task_name); it != tasks_.end()) return it->second.get();
  const std::string escaped = escape_name(task_name);
  // Task directories sit next to the manifest and its temporary file.
  if (escaped.starts_with(kManifestFileName)) {
    return graphs::Error{"task name '" + std::string(task_name) + "' is reserved"};
  }
  const fs::path dir = root_ / escaped;
  std::error_code ec;
  if (!fs::create_directory(dir, ec)) {
    if (ec) return fs_error("cannot create", dir, ec);
    return graphs::Error{"task directory already exists: " + dir.string()};
  }
  auto writer = std::make_unique<TaskStateWriter>(std::string(task_name), dir);
  TaskStateWriter* raw = writer.get();
  tasks_.emplace(std::string(task_name), std::move(writer));
  return raw;
}

graphs::Status CheckpointWriter::complete() {
  std::lock_guard lock{mutex_};
  if (completed_) return graphs::Error{"checkpoint " + root_.string() + " completed twice"};
  completed_ = true;
  Manifest manifest;
  manifest.checkpoint_id = checkpoint_id_;
  manifest.savepoint = savepoint_;
  manifest.job = job_;
  for (auto& [name, writer] : tasks_) {
    if (auto st = writer->finish_writes(); !st) return st;
    std::lock_guard task_lock{writer->mutex_};
    writer->sealed_ = true;
    manifest.tasks.push_back(name);
    for (const auto& [escaped, digest] : writer->blobs_) {
      if (auto st = sync_path(writer->directory_ / escaped); !st) return st;
      manifest.files.push_back(ManifestFile{name, escaped, digest});
    }
    for (const auto& escaped : writer->reserved_directories_) {
      const fs::path dir = writer->directory_ / escaped;
      std::error_code ec;
      if (!fs::is_directory(dir, ec)) continue;  // reserved but unused: nothing to list
      if (auto st = collect_directory(name, writer->directory_, dir, manifest.files); !st) return st;
    }
    if (auto st = sync_path(writer->directory_); !st) return st;
  }
  if (auto st = sync_path(root_); !st) return st;
  const std::string text = serialize_manifest(manifest);
  if (auto st = write_file_atomically(root_ / kManifestFileName, as_bytes(text)); !st) return st;
  // The checkpoint directory's own entry in its parent must be durable too.
  if (root_.has_parent_path()) return sync_path(root_.parent_path());
  return graphs::Ok{};
}

}  // namespace rivulet::runtime::checkpoint
