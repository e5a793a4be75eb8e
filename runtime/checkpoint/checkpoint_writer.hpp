#pragma once
// Writing one checkpoint (or savepoint): a directory with one subdirectory per task and a
// MANIFEST written last.
//
//   <root>/<escaped task>/<escaped blob name>     blobs from StateWriter::write_blob
//   <root>/<escaped task>/<escaped dir name>/...  directories a backend fills (RocksDB)
//   <root>/MANIFEST
//
// Tasks snapshot concurrently, each through its own TaskStateWriter. A blob is copied and
// handed to a background write (the snapshot is immutable from then on), so the task goes on
// processing while its state reaches the disk — Flink's asynchronous part of a snapshot.
// complete(), on the coordinator's side, waits for those writes, fsyncs every file, digests
// the state directories and writes the manifest last. A write that failed fails complete().
// A checkpoint whose complete() never ran has no manifest and is not complete.

#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/checkpoint/manifest.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::runtime::checkpoint {

class TaskStateWriter final : public StateWriter {
 public:
  TaskStateWriter(std::string task, std::filesystem::path directory);

  // Copies `bytes` and writes them to <task dir>/<escaped name> in the background (see the
  // top of this file). Names are unique within a task.
  graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override;
  // A path inside the task directory that does not exist yet, for a backend that writes its
  // own files (RocksDB's checkpoint creates the directory itself). Everything under it when
  // the checkpoint completes is listed in the manifest. Shares the namespace of blob names.
  graphs::Result<std::filesystem::path> reserve_directory(std::string_view name) override;

  const std::string& task() const { return task_; }

 private:
  friend class CheckpointWriter;
  graphs::Status claim(std::string_view name, const std::string& escaped);  // mutex held
  // Waits for the background writes; the first error, if any.
  graphs::Status finish_writes();

  const std::string task_;
  const std::filesystem::path directory_;
  std::mutex mutex_;
  bool sealed_ = false;  // after complete(): late writes are errors, not silent losses
  std::set<std::string> used_names_;             // escaped, blobs and directories
  std::map<std::string, FileDigest> blobs_;      // escaped name -> digest
  std::set<std::string> reserved_directories_;  // escaped names
  std::vector<std::future<graphs::Status>> writes_;  // background blob writes (std::async)
};

class CheckpointWriter {
 public:
  // Creates `root` (which must not exist; its parent is created if needed).
  static graphs::Result<std::unique_ptr<CheckpointWriter>> create(std::filesystem::path root,
                                                                  std::uint64_t checkpoint_id,
                                                                  bool savepoint, JobIdentity job);

  // The writer for one task; thread-safe, and the same task name gives the same writer.
  // The returned writer lives as long as this CheckpointWriter.
  graphs::Result<TaskStateWriter*> task(std::string_view task_name);

  // Call once every task has finished writing: digests state directories, writes the manifest
  // atomically and syncs the directories. Afterwards the checkpoint is complete and durable.
  graphs::Status complete();

  const std::filesystem::path& root() const { return root_; }
  std::uint64_t checkpoint_id() const { return checkpoint_id_; }

 private:
  CheckpointWriter(std::filesystem::path root, std::uint64_t id, bool savepoint, JobIdentity job);

  const std::filesystem::path root_;
  const std::uint64_t checkpoint_id_;
  const bool savepoint_;
  const JobIdentity job_;
  std::mutex mutex_;
  bool completed_ = false;
  std::map<std::string, std::unique_ptr<TaskStateWriter>, std::less<>> tasks_;
};

}  // namespace rivulet::runtime::checkpoint
