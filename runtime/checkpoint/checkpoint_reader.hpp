#pragma once
// Reading a completed checkpoint or savepoint.
//
// open() trusts nothing: the manifest must parse (its end-line checksum catches truncation)
// and every file it lists must exist with the listed size and XXH3 checksum. Only then does
// any task get a reader, so a restore never sees garbage. Blobs are checked again when read,
// since the files could change between open() and the restore.

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/checkpoint/manifest.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::runtime::checkpoint {

class TaskStateReader final : public StateReader {
 public:
  TaskStateReader(std::string task, std::filesystem::path directory);

  bool has_blob(std::string_view name) const override;
  graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override;

  // A directory filled through TaskStateWriter::reserve_directory (verified by open()).
  bool has_directory(std::string_view name) const override;
  graphs::Result<std::filesystem::path> directory(std::string_view name) const override;

 private:
  friend class CheckpointReader;
  const std::string task_;
  const std::filesystem::path directory_;
  std::map<std::string, FileDigest, std::less<>> blobs_;  // escaped name -> digest
  std::set<std::string, std::less<>> directories_;        // escaped names
};

class CheckpointReader {
 public:
  static graphs::Result<std::unique_ptr<CheckpointReader>> open(std::filesystem::path root);

  const Manifest& manifest() const { return manifest_; }
  const std::filesystem::path& root() const { return root_; }
  bool has_task(std::string_view task_name) const;
  // Sorted task names: every task the manifest lists, and those with at least one file.
  std::vector<std::string> tasks() const;
  std::vector<std::string> tasks_with_state() const;
  // A task the manifest does not list reads as having no state (a new node, say); whether that
  // is acceptable is the caller's decision (compare manifest().job).
  TaskStateReader& task(std::string_view task_name);

 private:
  CheckpointReader(std::filesystem::path root, Manifest manifest);

  const std::filesystem::path root_;
  const Manifest manifest_;
  std::map<std::string, std::unique_ptr<TaskStateReader>, std::less<>> tasks_;
};

}  // namespace rivulet::runtime::checkpoint
