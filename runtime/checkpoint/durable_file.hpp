#pragma once
// File primitives for checkpoints: durable writes, whole-file reads and XXH3 digests.
//
// A checkpoint is only as good as its weakest fsync: blobs are synced before the manifest is
// written, the manifest goes to a temporary name, is synced, renamed over its final name, and
// the directory is synced so the rename itself survives a power cut.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::runtime::checkpoint {

struct FileDigest {
  std::uint64_t size = 0;
  std::uint64_t xxh3 = 0;
  bool operator==(const FileDigest&) const = default;
};

FileDigest digest_bytes(std::span<const std::byte> bytes);
// Streams the file (state directories may hold large RocksDB tables).
graphs::Result<FileDigest> digest_file(const std::filesystem::path& path);

// Creates `path` (must not exist), writes `bytes` and fsyncs it.
graphs::Status write_new_file_synced(const std::filesystem::path& path,
                                     std::span<const std::byte> bytes);
// The same without the fsync: the caller syncs the file (sync_path) before relying on it.
graphs::Status write_new_file(const std::filesystem::path& path,
                              std::span<const std::byte> bytes);
// Write to "<path>.tmp", fsync, rename over `path`, fsync the parent directory.
graphs::Status write_file_atomically(const std::filesystem::path& path,
                                     std::span<const std::byte> bytes);
// fsync of a file or a directory (opened read-only).
graphs::Status sync_path(const std::filesystem::path& path);

graphs::Result<std::vector<std::byte>> read_whole_file(const std::filesystem::path& path);

inline std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

}  // namespace rivulet::runtime::checkpoint
