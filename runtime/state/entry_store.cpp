// Chooses an operator's EntryStore by the backend kind, and reads entry counts of checkpoints.

#include "runtime/state/entry_store.hpp"

#include "runtime/state/entry_store_blobs.hpp"
#include "runtime/state/state_blob.hpp"

namespace rivulet::runtime::state {

graphs::Result<std::unique_ptr<EntryStore>> make_entry_store(OperatorStateBackend& backend,
                                                             const EntryStoreOptions& options) {
  if (backend.kind() == graphs::StateBackend::Memory) return make_memory_entry_store(options);
  auto keyed = backend.get(options.task_name);
  if (!keyed) return keyed.error();
  return make_rocksdb_entry_store(**keyed, options, backend.budget().resident_entries);
}

graphs::Result<std::uint64_t> entries_in_checkpoint(StateReader& reader, std::string_view name) {
  const std::string memory = memory_blob_name(name);
  const std::string rocksdb = rocksdb_blob_name(name);
  const bool from_rocksdb = reader.has_blob(rocksdb);
  if (!from_rocksdb && !reader.has_blob(memory)) return std::uint64_t{0};
  auto blob = reader.read_blob(from_rocksdb ? rocksdb : memory);
  if (!blob) return blob.error();
  ByteReader r{std::span<const std::byte>(*blob)};
  if (auto st = check_version(r, kEntryBlobVersion, std::string(name) + " state"); !st) {
    return st.error();
  }
  r.bytes();  // the owner's header
  const std::uint64_t entries = r.u64();
  if (!r.ok()) return graphs::Error{std::string(name) + " state: the state blob is truncated"};
  return entries;
}

}  // namespace rivulet::runtime::state
