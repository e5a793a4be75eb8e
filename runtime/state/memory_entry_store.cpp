// The memory EntryStore: the owner keeps every entry resident (typed, in its own structures),
// so this store never holds one between calls; a snapshot serialises the resident entries into
// one blob (entry_store_blobs.hpp), written synchronously, and restore hands them all back.

#include <cstring>

#include "runtime/state/entry_store.hpp"
#include "runtime/state/entry_store_blobs.hpp"
#include "runtime/state/state_blob.hpp"

namespace rivulet::runtime::state {

namespace {

class MemoryEntryStore final : public EntryStore {
 public:
  explicit MemoryEntryStore(EntryStoreOptions options) : options_(std::move(options)) {}

  std::size_t resident_limit() const override { return kUnlimited; }

  graphs::Result<bool> take(std::int64_t /*ns*/, std::string_view /*key*/, std::string& /*value*/,
                            std::int64_t& /*timer*/) override {
    return false;
  }

  graphs::Status put(std::int64_t /*ns*/, std::string_view /*key*/, std::string_view /*value*/,
                     std::int64_t /*timer*/) override {
    return graphs::Error{options_.task_name +
                         ": the memory state store keeps every entry resident; nothing can be "
                         "evicted into it"};
  }

  graphs::Status release(std::int64_t /*ns*/, std::string_view /*key*/) override {
    return put(0, {}, {}, kNoTimer);  // the same refusal: nothing is ever evicted
  }

  graphs::Status drop(std::int64_t /*ns*/, std::string_view /*key*/) override {
    return graphs::Ok{};
  }

  graphs::Status commit() override { return graphs::Ok{}; }

  graphs::Result<std::int64_t> take_due(std::int64_t time, std::size_t /*limit*/,
                                        const Visitor& /*visit*/) override {
    return time;
  }

  std::uint64_t stored_entries() const override { return 0; }

  graphs::Status snapshot(StateWriter& writer, std::string_view header,
                          const ResidentEntries& resident) override {
    ByteWriter w;
    write_version(w, kEntryBlobVersion);
    w.bytes(header);
    const std::size_t count_at = w.buffer().size();
    w.u64(0);  // patched below: the count is known once the entries are written
    std::uint64_t count = 0;
    resident(
        [&](std::int64_t ns, std::string_view key, std::string_view value, std::int64_t timer) {
          w.i64(ns);
          w.i64(timer);
          w.bytes(key);
          w.bytes(value);
          ++count;
        });
    std::memcpy(w.buffer().data() + count_at, &count, sizeof count);
    return writer.write_blob(memory_blob_name(options_.name), w.view());
  }

  graphs::Status restore(StateReader& reader, bool& found, std::string& header,
                         const Visitor& resident) override {
    found = false;
    header.clear();
    const std::string blob_name = memory_blob_name(options_.name);
    if (auto st = check_backend_of_state(reader, options_.node_id, graphs::StateBackend::Memory,
                                         blob_name, rocksdb_blob_name(options_.name));
        !st) {
      return st;
    }
    if (!reader.has_blob(blob_name)) return graphs::Ok{};
    auto blob = reader.read_blob(blob_name);
    if (!blob) return blob.error();
    const std::string what = options_.name + " state";
    ByteReader r{std::span<const std::byte>(*blob)};
    if (auto st = check_version(r, kEntryBlobVersion, what); !st) return st;
    header = r.bytes();
    const std::size_t count = r.count(8 + 8 + 4 + 4);
    // Checked whole before any entry is handed over: the owner is never half restored.
    {
      ByteReader check = r;
      for (std::size_t i = 0; i < count && check.ok(); ++i) {
        check.i64();
        check.i64();
        check.bytes();
        check.bytes();
      }
      if (!check.ok() || !check.at_end()) {
        header.clear();
        return graphs::Error{what + " cannot be restored: the state blob is truncated or corrupt"};
      }
    }
    found = true;
    for (std::size_t i = 0; i < count; ++i) {
      const std::int64_t ns = r.i64();
      const std::int64_t timer = r.i64();
      const std::string_view key = r.bytes();
      const std::string_view value = r.bytes();
      resident(ns, key, value, timer);
    }
    return graphs::Ok{};
  }

 private:
  EntryStoreOptions options_;
};

}  // namespace

std::unique_ptr<EntryStore> make_memory_entry_store(const EntryStoreOptions& options) {
  return std::make_unique<MemoryEntryStore>(options);
}

}  // namespace rivulet::runtime::state
