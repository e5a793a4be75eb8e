#pragma once
// The blobs both EntryStore implementations write, so that entries_in_checkpoint and the
// cross-backend refusal read them alike. Memory: blob "<name>": u32 version, the owner's header
// (length-prefixed), u64 entry count, per entry: i64 namespace, i64 timer, key, value (both
// length-prefixed). RocksDB: blob "<name>.rocksdb": u32 version, the owner's header, u64 entry
// count, i64 timer floor; the entries are in RocksDB's checkpoint next to it.

#include <cstdint>
#include <string>
#include <string_view>

namespace rivulet::runtime::state {

inline constexpr std::uint32_t kEntryBlobVersion = 2;

inline std::string memory_blob_name(std::string_view name) { return std::string(name); }
inline std::string rocksdb_blob_name(std::string_view name) {
  return std::string(name) + ".rocksdb";
}

}  // namespace rivulet::runtime::state
