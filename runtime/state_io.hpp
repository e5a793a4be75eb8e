#pragma once
// The state abstraction that operator snapshot/restore hooks write to and read from.
// The checkpoint storage (runtime/checkpoint/: directory + manifest) and the in-memory store
// (runtime/in_memory_checkpoint_store.hpp) implement it.
//
// Besides named blobs, a snapshot may hold named *directories*: a keyed state backend that
// writes its own files (RocksDB's Checkpoint) asks for one with reserve_directory and fills it;
// the store makes those files part of the checkpoint (the directory store lists them in its
// manifest, the in-memory store packs them into memory when the checkpoint completes). Stores
// that cannot hold directories keep the defaults below, which refuse with an error.

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::runtime {

class StateWriter {
 public:
  virtual ~StateWriter() = default;
  // Stores one named blob of the operator's state for the checkpoint being taken.
  virtual graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) = 0;
  // A path that does not exist yet, for a backend that writes its own files there (RocksDB's
  // checkpoint creates the directory itself). Everything under it once the snapshot call
  // returns belongs to the checkpoint; the caller must not touch it afterwards. Shares the
  // namespace of blob names.
  virtual graphs::Result<std::filesystem::path> reserve_directory(std::string_view name) {
    return graphs::Error{"this checkpoint store cannot hold state directories (state '" +
                         std::string(name) + "')"};
  }
};

class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual bool has_blob(std::string_view name) const = 0;
  virtual graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) = 0;
  // A directory written through StateWriter::reserve_directory: read-only for the caller, and
  // valid while this reader lives.
  virtual bool has_directory(std::string_view /*name*/) const { return false; }
  virtual graphs::Result<std::filesystem::path> directory(std::string_view name) const {
    return graphs::Error{"no state directory '" + std::string(name) + "'"};
  }
};

}  // namespace rivulet::runtime
