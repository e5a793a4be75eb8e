// The RocksDB EntryStore: the entries the owner evicted, in the instance's RocksDB database
// (KeyedStateBackend), so keyed state may be far larger than memory.
//
// State "<name>": <u32 length><key><sortable ns> -> <i64 timer, host order><value>; key-major,
// so a key's entries sit together. State "<name>.timers": <sortable timer><sortable ns><u32
// length><key> -> empty, read from a known floor (no stored timer is earlier) as event time
// advances. take() is one point Get, which the Bloom filter answers without reading a data
// block when the entry is absent (the common case: a new window or key); there are no
// iterators per record. A taken entry's copy stays in the database, remembered with its timer,
// so evicting it again is one Put (its timer entry moves only if the timer changed) and a
// dropped one is two Deletes. Writes are grouped into one WriteBatch until commit(), which the
// owner calls once per call.
//
// A snapshot writes the resident entries back (their copies are current then) before RocksDB's
// checkpoint; the owner keeps its working set across the checkpoint.

#include <algorithm>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <vector>

#include "runtime/state/entry_store.hpp"
#include "runtime/state/entry_store_blobs.hpp"
#include "runtime/state/state_blob.hpp"
#include "runtime/state/state_keys.hpp"

namespace rivulet::runtime::state {

namespace {

class RocksDbEntryStore final : public EntryStore {
 public:
  RocksDbEntryStore(KeyedStateBackend& backend, EntryStoreOptions options, std::size_t limit)
      : backend_(backend), options_(std::move(options)), limit_(limit) {}

  graphs::Status declare() {
    auto entries = backend_.declare_state(options_.name);
    if (!entries) return entries.error();
    auto timers = backend_.declare_state(options_.name + ".timers");
    if (!timers) return timers.error();
    entries_ = *entries;
    timers_ = *timers;
    return graphs::Ok{};
  }

  std::size_t resident_limit() const override { return limit_; }

  graphs::Result<bool> take(std::int64_t ns, std::string_view key, std::string& value,
                            std::int64_t& timer) override {
    if (auto st = commit_puts(); !st) return st.error();
    const std::string& ek = entry_key(ns, key);
    if (lent_.contains(ek)) return false;  // the owner holds it already
    auto found = backend_.get(entries_, ek, stored_);
    if (!found) return found.error();
    if (!*found) return false;
    if (stored_.size() < 8) return corrupt("an entry");
    std::memcpy(&timer, stored_.data(), 8);
    value.assign(stored_, 8);
    lent_.emplace(ek, timer);
    --stored_count_;
    return true;
  }

  graphs::Status put(std::int64_t ns, std::string_view key, std::string_view value,
                     std::int64_t timer) override {
    std::optional<std::int64_t> copy;
    if (auto it = lent_.find(entry_key(ns, key)); it != lent_.end()) {
      copy = it->second;
      lent_.erase(it);
    }
    if (auto st = write(ns, key, value, timer, copy); !st) return st;
    ++stored_count_;
    puts_pending_ = true;
    return graphs::Ok{};
  }

  graphs::Status release(std::int64_t ns, std::string_view key) override {
    auto it = lent_.find(entry_key(ns, key));
    if (it == lent_.end()) {
      return graphs::Error{options_.task_name + ": " + options_.name +
                           " state: an entry released unchanged was never taken"};
    }
    lent_.erase(it);
    ++stored_count_;
    return graphs::Ok{};
  }

  graphs::Status drop(std::int64_t ns, std::string_view key) override {
    auto it = lent_.find(entry_key(ns, key));
    if (it == lent_.end()) return graphs::Ok{};  // never stored
    const std::int64_t timer = it->second;
    lent_.erase(it);
    begin();
    if (auto st = backend_.remove(entries_, entry_key(ns, key)); !st) return st;
    if (timer != kNoTimer) {
      if (auto st = backend_.remove(timers_, timer_key(timer, ns, key)); !st) return st;
    }
    return graphs::Ok{};
  }

  graphs::Status commit() override {
    puts_pending_ = false;
    if (!writing_) return graphs::Ok{};
    writing_ = false;
    return backend_.commit_writes();
  }

  graphs::Result<std::int64_t> take_due(std::int64_t time, std::size_t limit,
                                        const Visitor& visit) override {
    if (stored_count_ == 0 || floor_ > time) return time;
    if (auto st = commit(); !st) return st.error();
    // Collect first (a scan must not modify what it scans), whole groups of equal timers. Timers
    // of entries the owner holds are its business (their copies may be stale): skipped.
    due_.clear();
    bool exhausted = true;
    bool corrupt_timer = false;
    from_.clear();
    append_sortable_i64(from_, floor_);
    auto scanned = backend_.scan_from(timers_, from_, [&](std::string_view k, std::string_view) {
      std::size_t pos = 16;
      std::string_view key;
      if (k.size() < 16 || !read_length_prefixed(k, pos, key) || pos != k.size()) {
        corrupt_timer = true;
        return false;
      }
      const std::int64_t t = read_sortable_i64(k);
      if (t > time) return false;
      if (lent_.contains(entry_key(read_sortable_i64(k, 8), key))) return true;
      if (due_.size() >= limit && t != read_sortable_i64(due_.back())) {
        exhausted = false;
        return false;
      }
      due_.emplace_back(k);
      return true;
    });
    if (!scanned) return scanned.error();
    if (corrupt_timer) return corrupt("a timer");
    for (const std::string& k : due_) {
      std::size_t pos = 16;
      std::string_view key;
      (void)read_length_prefixed(k, pos, key);  // checked by the scan
      const std::int64_t t = read_sortable_i64(k);
      const std::int64_t ns = read_sortable_i64(k, 8);
      auto found = backend_.get(entries_, entry_key(ns, key), stored_);
      if (!found) return found.error();
      if (!*found || stored_.size() < 8) return corrupt("a timer's entry");
      lent_.emplace(key_, t);
      if (stored_count_ > 0) --stored_count_;
      visit(ns, key, std::string_view(stored_).substr(8), t);
    }
    const std::int64_t reached = exhausted ? time : read_sortable_i64(due_.back());
    floor_ = reached;  // every stored timer up to `reached` was taken (puts lower it again)
    return reached;
  }

  std::uint64_t stored_entries() const override { return stored_count_; }

  graphs::Status snapshot(StateWriter& writer, std::string_view header,
                          const ResidentEntries& resident) override {
    if (auto st = commit(); !st) return st;
    // The resident entries are written back (their copies in the database are now current)
    // and stay the owner's.
    graphs::Status status = graphs::Ok{};
    std::uint64_t resident_count = 0;
    resident(
        [&](std::int64_t ns, std::string_view key, std::string_view value, std::int64_t timer) {
          if (!status) return;
          std::optional<std::int64_t> copy;
          const std::string& ek = entry_key(ns, key);
          auto it = lent_.find(ek);
          if (it != lent_.end()) copy = it->second;
          status = write(ns, key, value, timer, copy);
          if (it != lent_.end()) {
            it->second = timer;
          } else {
            lent_.emplace(entry_key(ns, key), timer);
          }
          ++resident_count;
        });
    if (status) status = commit();
    if (!status) return status;
    ByteWriter w;
    write_version(w, kEntryBlobVersion);
    w.bytes(header);
    w.u64(stored_count_ + resident_count);
    w.i64(floor_);
    if (auto st = writer.write_blob(rocksdb_blob_name(options_.name), w.view()); !st) return st;
    return backend_.snapshot(writer);
  }

  graphs::Status restore(StateReader& reader, bool& found, std::string& header,
                         const Visitor& /*resident*/) override {
    found = false;
    header.clear();
    stored_count_ = 0;
    floor_ = kNoTimer;
    puts_pending_ = false;
    writing_ = false;
    lent_.clear();
    const std::string blob_name = rocksdb_blob_name(options_.name);
    if (auto st = check_backend_of_state(reader, options_.node_id, graphs::StateBackend::RocksDb,
                                         memory_blob_name(options_.name), blob_name);
        !st) {
      return st;
    }
    if (auto st = backend_.restore(reader); !st) return st;
    if (auto st = declare(); !st) return st;  // ids stay valid; states absent there are empty
    if (!reader.has_blob(blob_name)) return graphs::Ok{};
    auto blob = reader.read_blob(blob_name);
    if (!blob) return blob.error();
    const std::string what = options_.name + " state";
    ByteReader r{std::span<const std::byte>(*blob)};
    if (auto st = check_version(r, kEntryBlobVersion, what); !st) return st;
    header = r.bytes();
    const std::uint64_t count = r.u64();
    const std::int64_t floor = r.i64();
    if (!r.ok() || !r.at_end()) {
      header.clear();
      return graphs::Error{what + " cannot be restored: the state blob is truncated or corrupt"};
    }
    stored_count_ = count;
    floor_ = floor;
    found = true;
    return graphs::Ok{};
  }

  KeyedStateBackend* keyed_backend() const override { return &backend_; }

 private:
  const std::string& entry_key(std::int64_t ns, std::string_view key) {
    key_.clear();
    append_length_prefixed(key_, key);
    append_sortable_i64(key_, ns);
    return key_;
  }

  const std::string& timer_key(std::int64_t timer, std::int64_t ns, std::string_view key) {
    timer_key_.clear();
    append_sortable_i64(timer_key_, timer);
    append_sortable_i64(timer_key_, ns);
    append_length_prefixed(timer_key_, key);
    return timer_key_;
  }

  void begin() {
    if (writing_) return;
    backend_.begin_writes();
    writing_ = true;
  }

  graphs::Status commit_puts() { return puts_pending_ ? commit() : graphs::Status{graphs::Ok{}}; }

  // Writes the entry; its timer entry moves when `copy` (the timer of the copy the database
  // holds, if any) differs.
  graphs::Status write(std::int64_t ns, std::string_view key, std::string_view value,
                       std::int64_t timer, std::optional<std::int64_t> copy) {
    begin();
    value_.resize(8);
    std::memcpy(value_.data(), &timer, 8);
    value_.append(value);
    if (auto st = backend_.put(entries_, entry_key(ns, key), value_); !st) return st;
    if (timer != kNoTimer) floor_ = std::min(floor_, timer);
    if (copy && *copy == timer) return graphs::Ok{};
    if (copy && *copy != kNoTimer) {
      if (auto st = backend_.remove(timers_, timer_key(*copy, ns, key)); !st) return st;
    }
    if (timer != kNoTimer) {
      if (auto st = backend_.put(timers_, timer_key(timer, ns, key), {}); !st) return st;
    }
    return graphs::Ok{};
  }

  graphs::Error corrupt(const char* what) const {
    return graphs::Error{options_.task_name + ": " + options_.name + " state: " + what +
                         " stored in RocksDB is corrupt"};
  }

  KeyedStateBackend& backend_;
  EntryStoreOptions options_;
  std::size_t limit_;
  StateId entries_ = 0;
  StateId timers_ = 0;
  std::uint64_t stored_count_ = 0;
  std::int64_t floor_ = kNoTimer;  // no stored timer is earlier
  bool writing_ = false;           // a WriteBatch is open
  bool puts_pending_ = false;      // it holds puts a read must see
  std::string key_;
  std::string timer_key_;
  std::string value_;
  std::string stored_;
  std::string from_;
  std::vector<std::string> due_;
  // Entries the owner holds whose copy is still in the database (entry key -> the copy's
  // timer): take() finds them absent, take_due() skips them, put() overwrites the copy and
  // drop() deletes it.
  std::unordered_map<std::string, std::int64_t> lent_;
};

}  // namespace

graphs::Result<std::unique_ptr<EntryStore>> make_rocksdb_entry_store(
    KeyedStateBackend& backend, const EntryStoreOptions& options, std::size_t resident_limit) {
  auto store = std::make_unique<RocksDbEntryStore>(backend, options, resident_limit);
  if (auto st = store->declare(); !st) return st.error();
  return std::unique_ptr<EntryStore>(std::move(store));
}

}  // namespace rivulet::runtime::state
