#pragma once
// The checkpoint directory of a job: chk-<id> subdirectories, retention, and finding the
// newest checkpoint that can be trusted.
//
//   <directory>/chk-<id>/...   one CheckpointWriter each (see checkpoint_writer.hpp)
//
// "Complete" means the MANIFEST exists and parses. "Usable" (latest_complete) additionally
// means every listed file exists with its size and checksum: a corrupt or partial newest
// checkpoint is skipped in favour of the previous one.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/checkpoint/checkpoint_reader.hpp"
#include "runtime/checkpoint/checkpoint_writer.hpp"

namespace rivulet::runtime::checkpoint {

struct LatestCheckpoint {
  std::unique_ptr<CheckpointReader> reader;  // verified; null when no checkpoint is usable
  // Why newer checkpoints were passed over (corrupt, truncated, unfinished), newest first;
  // worth logging, since they mean lost progress.
  std::vector<std::string> skipped;
};

class CheckpointStorage {
 public:
  CheckpointStorage(std::filesystem::path directory, std::uint32_t retained);

  static std::filesystem::path path_for(const std::filesystem::path& directory, std::uint64_t id);

  // Starts checkpoint `id` (creates the directory tree; fails if chk-<id> exists).
  graphs::Result<std::unique_ptr<CheckpointWriter>> begin(std::uint64_t id, JobIdentity job) const;

  // After a checkpoint completed: keeps the `retained` newest complete checkpoints, deletes
  // older complete ones and every incomplete one older than the newest complete (younger
  // incomplete ones may still be in progress).
  graphs::Status apply_retention() const;
  // At job start, before any checkpoint is in progress: deletes every incomplete checkpoint.
  graphs::Status remove_incomplete() const;

  // The newest usable checkpoint (reader null when there is none: a first start, or every
  // checkpoint is damaged, which `skipped` then explains).
  graphs::Result<LatestCheckpoint> latest_complete() const;

  const std::filesystem::path& directory() const { return directory_; }

 private:
  struct Entry {
    std::uint64_t id;
    std::filesystem::path path;
    bool complete;  // manifest parses and names this id
  };
  graphs::Result<std::vector<Entry>> list() const;  // newest first

  std::filesystem::path directory_;
  std::uint32_t retained_;
};

// Savepoints: the same format in a directory the user names (flagged in the manifest).
// `directory` must not exist yet.
graphs::Result<std::unique_ptr<CheckpointWriter>> begin_savepoint(std::filesystem::path directory,
                                                                  std::uint64_t id,
                                                                  JobIdentity job);

}  // namespace rivulet::runtime::checkpoint
