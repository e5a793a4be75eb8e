// The RocksDB EntryStore: the entries the owner evicted, in the instance's RocksDB database
// (KeyedStateBackend), so keyed state may be far larger than memory.
//
// State "<name>": <u32 length><key><sortable ns> -> <i64 timer, host order><value>; key-major,
// so a key's entries sit together. State "<name>.timers": <sortable timer><sortable ns><u32
// length><key> -> empty, read from a known floor (no stored timer is earlier) as event time
// advances. take() is one point Get, which the Bloom filter answers without reading a data
// block when the entry is absent (the common case: a new window or key); there are no
// iterators per record. Writes (evictions, and the deletes of taken entries) are grouped into one
// WriteBatch until commit(), which the owner calls once per call.
//
// A snapshot writes the resident entries into the database, takes RocksDB's checkpoint and
// deletes them again, so the live database keeps holding only evicted entries and the owner keeps
// its working set across the checkpoint.

#include <algorithm>
#include <cstring>
#include <unordered_set>
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
    // Taken earlier in this batch: its delete is not visible to reads before the commit.
    if (!taken_.empty() && taken_.contains(entry_key(ns, key))) return false;
    auto found = backend_.get(entries_, entry_key(ns, key), stored_);
    if (!found) return found.error();
    if (!*found) return false;
    if (stored_.size() < 8) return corrupt("an entry");
    std::memcpy(&timer, stored_.data(), 8);
    value.assign(stored_, 8);
    taken_.insert(key_);
    if (auto st = erase(ns, key, timer); !st) return st.error();
    --stored_count_;
    return true;
  }

  graphs::Status put(std::int64_t ns, std::string_view key, std::string_view value,
                     std::int64_t timer) override {
    if (auto st = write(ns, key, value, timer); !st) return st;
    ++stored_count_;
    puts_pending_ = true;
    return graphs::Ok{};
  }

  graphs::Status commit() override {
    puts_pending_ = false;
    taken_.clear();
    if (!writing_) return graphs::Ok{};
    writing_ = false;
    return backend_.commit_writes();
  }

  graphs::Result<std::int64_t> take_due(std::int64_t time, std::size_t limit,
                                        const Visitor& visit) override {
    if (stored_count_ == 0 || floor_ > time) return time;
    if (auto st = commit(); !st) return st.error();
    // Collect first (a scan must not modify what it scans), whole groups of equal timers.
    due_.clear();
    bool exhausted = true;
    from_.clear();
    append_sortable_i64(from_, floor_);
    auto scanned = backend_.scan_from(timers_, from_, [&](std::string_view k, std::string_view) {
      if (k.size() < 16) return true;  // reported below as corrupt
      const std::int64_t t = read_sortable_i64(k);
      if (t > time) return false;
      if (due_.size() >= limit && t != read_sortable_i64(due_.back())) {
        exhausted = false;
        return false;
      }
      due_.emplace_back(k);
      return true;
    });
    if (!scanned) return scanned.error();
    for (const std::string& k : due_) {
      std::size_t pos = 16;
      std::string_view key;
      if (k.size() < 16 || !read_length_prefixed(k, pos, key) || pos != k.size()) {
        return corrupt("a timer");
      }
      const std::int64_t t = read_sortable_i64(k);
      const std::int64_t ns = read_sortable_i64(k, 8);
      auto found = backend_.get(entries_, entry_key(ns, key), stored_);
      if (!found) return found.error();
      if (!*found || stored_.size() < 8) return corrupt("a timer's entry");
      if (auto st = erase(ns, key, t); !st) return st.error();
      if (stored_count_ > 0) --stored_count_;
      visit(ns, key, std::string_view(stored_).substr(8), t);
    }
    if (auto st = commit(); !st) return st.error();
    const std::int64_t reached = exhausted ? time : read_sortable_i64(due_.back());
    floor_ = reached;  // every stored timer up to `reached` was taken (puts lower it again)
    return reached;
  }

  std::uint64_t stored_entries() const override { return stored_count_; }

  graphs::Status snapshot(StateWriter& writer, std::string_view header,
                          const ResidentEntries& resident) override {
    if (auto st = commit(); !st) return st;
    // The resident entries go into the database for the checkpoint only.
    struct Written {
      std::int64_t ns;
      std::int64_t timer;
      std::string key;
    };
    std::vector<Written> written;
    graphs::Status status = graphs::Ok{};
    std::int64_t floor = floor_;
    resident(
        [&](std::int64_t ns, std::string_view key, std::string_view value, std::int64_t timer) {
          if (!status) return;
          status = write(ns, key, value, timer);
          written.push_back(Written{ns, timer, std::string(key)});
          floor = std::min(floor, timer);
        });
    if (status) status = commit();
    if (status) {
      ByteWriter w;
      write_version(w, kEntryBlobVersion);
      w.bytes(header);
      w.u64(stored_count_ + written.size());
      w.i64(floor);
      status = writer.write_blob(rocksdb_blob_name(options_.name), w.view());
    }
    if (status) status = backend_.snapshot(writer);
    // Whatever happened, the live database goes back to holding evicted entries only.
    for (const Written& e : written) {
      if (auto st = erase(e.ns, e.key, e.timer); !st && status) status = st;
    }
    if (auto st = commit(); !st && status) status = st;
    return status;
  }

  graphs::Status restore(StateReader& reader, bool& found, std::string& header,
                         const Visitor& /*resident*/) override {
    found = false;
    header.clear();
    stored_count_ = 0;
    floor_ = kNoTimer;
    puts_pending_ = false;
    writing_ = false;
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

  graphs::Status write(std::int64_t ns, std::string_view key, std::string_view value,
                       std::int64_t timer) {
    begin();
    value_.resize(8);
    std::memcpy(value_.data(), &timer, 8);
    value_.append(value);
    if (auto st = backend_.put(entries_, entry_key(ns, key), value_); !st) return st;
    if (timer != kNoTimer) {
      if (auto st = backend_.put(timers_, timer_key(timer, ns, key), {}); !st) return st;
      floor_ = std::min(floor_, timer);
    }
    return graphs::Ok{};
  }

  // Deletes a stored entry and its timer (grouped until commit); the caller counts.
  graphs::Status erase(std::int64_t ns, std::string_view key, std::int64_t timer) {
    begin();
    if (auto st = backend_.remove(entries_, entry_key(ns, key)); !st) return st;
    if (timer != kNoTimer) {
      if (auto st = backend_.remove(timers_, timer_key(timer, ns, key)); !st) return st;
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
  std::unordered_set<std::string> taken_;  // entry keys deleted in the open WriteBatch
};

}  // namespace

graphs::Result<std::unique_ptr<EntryStore>> make_rocksdb_entry_store(
    KeyedStateBackend& backend, const EntryStoreOptions& options, std::size_t resident_limit) {
  auto store = std::make_unique<RocksDbEntryStore>(backend, options, resident_limit);
  if (auto st = store->declare(); !st) return st.error();
  return std::unique_ptr<EntryStore>(std::move(store));
}

}  // namespace rivulet::runtime::state
