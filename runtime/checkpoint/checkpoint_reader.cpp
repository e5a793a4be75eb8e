#include "runtime/checkpoint/checkpoint_reader.hpp"

#include <cstdio>

#include "runtime/checkpoint/durable_file.hpp"
#include "runtime/checkpoint/names.hpp"

namespace rivulet::runtime::checkpoint {

namespace fs = std::filesystem;

namespace {

std::string describe(const FileDigest& d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%llu bytes, xxh3 %016llx", static_cast<unsigned long long>(d.size),
                static_cast<unsigned long long>(d.xxh3));
  return buf;
}

graphs::Status check_digest(const fs::path& path, const FileDigest& expected,
                            const FileDigest& actual) {
  if (actual == expected) return graphs::Ok{};
  return graphs::Error{"checkpoint file " + path.string() + " is corrupt: expected " +
                       describe(expected) + ", found " + describe(actual)};
}

}  // namespace

TaskStateReader::TaskStateReader(std::string task, fs::path directory)
    : task_(std::move(task)), directory_(std::move(directory)) {}

bool TaskStateReader::has_blob(std::string_view name) const {
  return blobs_.contains(escape_name(name));
}

graphs::Result<std::vector<std::byte>> TaskStateReader::read_blob(std::string_view name) {
  const std::string escaped = escape_name(name);
  const auto it = blobs_.find(escaped);
  if (it == blobs_.end()) {
    return graphs::Error{"task " + task_ + " has no state '" + std::string(name) +
                         "' in checkpoint " + directory_.parent_path().string()};
  }
  const fs::path path = directory_ / escaped;
  auto bytes = read_whole_file(path);
  if (!bytes) return bytes.error();
  if (auto st = check_digest(path, it->second, digest_bytes(*bytes)); !st) return st.error();
  return bytes;
}

bool TaskStateReader::has_directory(std::string_view name) const {
  return directories_.contains(escape_name(name));
}

graphs::Result<fs::path> TaskStateReader::directory(std::string_view name) const {
  const std::string escaped = escape_name(name);
  if (!directories_.contains(escaped)) {
    return graphs::Error{"task " + task_ + " has no state directory '" + std::string(name) +
                         "' in checkpoint " + directory_.parent_path().string()};
  }
  return directory_ / escaped;
}

CheckpointReader::CheckpointReader(fs::path root, Manifest manifest)
    : root_(std::move(root)), manifest_(std::move(manifest)) {}

graphs::Result<std::unique_ptr<CheckpointReader>> CheckpointReader::open(fs::path root) {
  const fs::path manifest_path = root / kManifestFileName;
  auto text = read_whole_file(manifest_path);
  if (!text) return text.error();
  auto manifest = parse_manifest(
      std::string_view(reinterpret_cast<const char*>(text->data()), text->size()),
      manifest_path.string());
  if (!manifest) return manifest.error();

  std::unique_ptr<CheckpointReader> reader{new CheckpointReader(root, std::move(*manifest))};
  for (const auto& task : reader->manifest_.tasks) {
    reader->tasks_.emplace(task, std::make_unique<TaskStateReader>(task, root / escape_name(task)));
  }
  for (const auto& file : reader->manifest_.files) {
    TaskStateReader& task = *reader->tasks_.at(file.task);  // the parser checked the task exists
    const fs::path path = task.directory_ / fs::path(file.path);
    auto actual = digest_file(path);
    if (!actual) return graphs::Error{"checkpoint " + root.string() + " is incomplete: " +
                                      actual.error().message};
    if (auto st = check_digest(path, file.digest, *actual); !st) return st.error();
    // A path without '/' is a blob; otherwise its first component is a state directory.
    const std::size_t slash = file.path.find('/');
    if (slash == std::string::npos) {
      task.blobs_.emplace(file.path, file.digest);
    } else {
      task.directories_.insert(file.path.substr(0, slash));
    }
  }
  return reader;
}

bool CheckpointReader::has_task(std::string_view task_name) const {
  return tasks_.contains(task_name);
}

std::vector<std::string> CheckpointReader::tasks() const {
  std::set<std::string> names(manifest_.tasks.begin(), manifest_.tasks.end());
  return {names.begin(), names.end()};
}

std::vector<std::string> CheckpointReader::tasks_with_state() const {
  std::set<std::string> names;
  for (const ManifestFile& file : manifest_.files) names.insert(file.task);
  return {names.begin(), names.end()};
}

TaskStateReader& CheckpointReader::task(std::string_view task_name) {
  auto it = tasks_.find(task_name);
  if (it == tasks_.end()) {
    it = tasks_
             .emplace(std::string(task_name),
                      std::make_unique<TaskStateReader>(std::string(task_name),
                                                        root_ / escape_name(task_name)))
             .first;
  }
  return *it->second;
}

}  // namespace rivulet::runtime::checkpoint
