// The RocksDB keyed state backend: one database per task, one column family per named state.
//
// Memory is bounded by an LRU block cache (index and filter blocks are charged to it too) and
// a write-buffer manager over all memtables, so state far larger than the budget lives on disk.
// The live database is never recovered from itself: writes skip the WAL, and durability comes
// from checkpoints. A snapshot is RocksDB's own Checkpoint (memtables flushed, immutable SST
// files hard-linked into the checkpoint directory: cheap, no copy); a restore copies those
// files into a fresh working directory and opens them.
//
// This is the only file that includes RocksDB headers (they are heavy).

#include <fcntl.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

#include "runtime/state/keyed_state_backend.hpp"

namespace rivulet::runtime::state {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSnapshotDirectory = "rocksdb";
// Fallback for writers that cannot hold directories (StateWriter::reserve_directory refuses,
// e.g. a wrapper that forwards only write_blob): every file of the checkpoint as a blob
// "rocksdb/<path>", and the list of paths (one per line) as the blob "rocksdb.files".
constexpr std::string_view kPackedIndex = "rocksdb.files";
// Column families carry this prefix so no state name can clash with RocksDB's "default".
constexpr std::string_view kFamilyPrefix = "state:";

graphs::Error db_error(const char* what, const fs::path& dir, const rocksdb::Status& s) {
  return graphs::Error{std::string("RocksDB state in ") + dir.string() + ": " + what + ": " +
                       s.ToString()};
}

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

class RocksDbStateBackend final : public KeyedStateBackend {
 public:
  RocksDbStateBackend(fs::path directory, RocksDbBudget budget)
      : directory_(std::move(directory)), db_path_(directory_ / "db") {
    cache_ = rocksdb::NewLRUCache(budget.block_cache_bytes);
    write_buffers_ = std::make_shared<rocksdb::WriteBufferManager>(budget.write_buffer_bytes);
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache_;
    table.cache_index_and_filter_blocks = true;
    // Operators look up many keys that are not there (a new window, a new dedup key): a
    // Bloom filter answers those without reading data blocks.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    family_options_.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    // Per memtable; the manager caps their sum across families.
    family_options_.write_buffer_size =
        std::max<std::uint64_t>(budget.write_buffer_bytes / 4, 1ull << 20);
    family_options_.max_write_buffer_number = 2;
    db_options_.create_if_missing = true;
    db_options_.create_missing_column_families = true;
    db_options_.write_buffer_manager = write_buffers_;
    db_options_.max_open_files = 256;
    write_options_.disableWAL = true;
  }

  ~RocksDbStateBackend() override {
    close();
    if (owner_lock_ >= 0) ::close(owner_lock_);  // releases the flock
  }

  // The working directory gets wiped on open and restore, so it must belong to this backend
  // alone: a second backend for the same task (a task not yet stopped) fails instead of
  // deleting a live database.
  graphs::Status lock_directory() {
    std::error_code ec;
    fs::create_directories(directory_, ec);
    if (ec) return graphs::Error{"cannot create " + directory_.string() + ": " + ec.message()};
    const fs::path lock = directory_ / "owner.lock";
    owner_lock_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (owner_lock_ < 0) {
      return graphs::Error{"cannot open " + lock.string() + ": " + std::strerror(errno)};
    }
    if (::flock(owner_lock_, LOCK_EX | LOCK_NB) != 0) {
      return graphs::Error{"RocksDB state in " + directory_.string() +
                           " is in use by another backend (" + std::strerror(errno) + ")"};
    }
    return graphs::Ok{};
  }

  graphs::Status open_fresh() {
    close();
    std::error_code ec;
    fs::remove_all(db_path_, ec);
    if (!ec) fs::create_directories(directory_, ec);
    if (ec) return graphs::Error{"cannot prepare " + db_path_.string() + ": " + ec.message()};
    return open();
  }

  graphs::Result<StateId> declare_state(std::string_view name) override {
    for (StateId id = 0; id < names_.size(); ++id) {
      if (names_[id] == name) return id;
    }
    names_.emplace_back(name);
    handles_.push_back(nullptr);
    if (auto st = ensure_family(names_.size() - 1); !st) {
      names_.pop_back();
      handles_.pop_back();
      return st.error();
    }
    return static_cast<StateId>(names_.size() - 1);
  }

  graphs::Result<bool> get(StateId state, std::string_view key, std::string& value) override {
    if (state >= handles_.size()) return unknown(state);
    const rocksdb::Status s = db_->Get(read_options_, handles_[state], slice(key), &value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return db_error("get", directory_, s);
    return true;
  }

  graphs::Status put(StateId state, std::string_view key, std::string_view value) override {
    if (state >= handles_.size()) return unknown(state);
    const rocksdb::Status s =
        batch_ ? batch_->Put(handles_[state], slice(key), slice(value))
               : db_->Put(write_options_, handles_[state], slice(key), slice(value));
    if (!s.ok()) return db_error("put", directory_, s);
    return graphs::Ok{};
  }

  graphs::Status remove(StateId state, std::string_view key) override {
    if (state >= handles_.size()) return unknown(state);
    const rocksdb::Status s = batch_ ? batch_->Delete(handles_[state], slice(key))
                                     : db_->Delete(write_options_, handles_[state], slice(key));
    if (!s.ok()) return db_error("remove", directory_, s);
    return graphs::Ok{};
  }

  graphs::Status scan_prefix(StateId state, std::string_view prefix,
                             const Visitor& visit) override {
    if (state >= handles_.size()) return unknown(state);
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(read_options_, handles_[state])};
    for (it->Seek(slice(prefix)); it->Valid(); it->Next()) {
      const std::string_view key{it->key().data(), it->key().size()};
      if (!key.starts_with(prefix)) break;
      if (!visit(key, std::string_view{it->value().data(), it->value().size()})) break;
    }
    if (!it->status().ok()) return db_error("scan", directory_, it->status());
    return graphs::Ok{};
  }

  graphs::Status remove_prefix(StateId state, std::string_view prefix) override {
    if (state >= handles_.size()) return unknown(state);
    // The smallest key after every key with the prefix: drop trailing 0xFF, increment the last.
    std::string limit{prefix};
    while (!limit.empty() && static_cast<unsigned char>(limit.back()) == 0xFF) limit.pop_back();
    rocksdb::Status s;
    if (limit.empty()) {
      // Empty or all-0xFF prefix: everything from the prefix on.
      std::vector<std::string> keys;
      std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(read_options_, handles_[state])};
      for (it->Seek(slice(prefix)); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
      if (!it->status().ok()) return db_error("remove", directory_, it->status());
      for (const auto& k : keys) {
        s = batch_ ? batch_->Delete(handles_[state], k)
                   : db_->Delete(write_options_, handles_[state], k);
        if (!s.ok()) return db_error("remove", directory_, s);
      }
      return graphs::Ok{};
    }
    limit.back() = static_cast<char>(static_cast<unsigned char>(limit.back()) + 1);
    s = batch_ ? batch_->DeleteRange(handles_[state], slice(prefix), slice(limit))
               : db_->DeleteRange(write_options_, handles_[state], slice(prefix), slice(limit));
    if (!s.ok()) return db_error("remove", directory_, s);
    return graphs::Ok{};
  }

  graphs::Status scan_from(StateId state, std::string_view from, const Visitor& visit) override {
    if (state >= handles_.size()) return unknown(state);
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(read_options_, handles_[state])};
    for (it->Seek(slice(from)); it->Valid(); it->Next()) {
      if (!visit(std::string_view{it->key().data(), it->key().size()},
                 std::string_view{it->value().data(), it->value().size()})) {
        break;
      }
    }
    if (!it->status().ok()) return db_error("scan", directory_, it->status());
    return graphs::Ok{};
  }

  bool has_state(const StateReader& reader) const override {
    return reader.has_directory(kSnapshotDirectory) || reader.has_blob(kPackedIndex);
  }

  void begin_writes() override {
    if (!batch_) batch_ = std::make_unique<rocksdb::WriteBatch>();
  }

  graphs::Status commit_writes() override {
    if (!batch_) return graphs::Ok{};
    std::unique_ptr<rocksdb::WriteBatch> batch = std::move(batch_);
    if (batch->Count() == 0) return graphs::Ok{};
    const rocksdb::Status s = db_->Write(write_options_, batch.get());
    if (!s.ok()) return db_error("write", directory_, s);
    return graphs::Ok{};
  }

  graphs::Status snapshot(StateWriter& writer) override {
    if (auto st = commit_writes(); !st) return st;
    auto target = writer.reserve_directory(kSnapshotDirectory);
    if (!target) return snapshot_as_blobs(writer);
    return create_checkpoint(*target);
  }

  graphs::Status create_checkpoint(const fs::path& target) {
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status s = rocksdb::Checkpoint::Create(db_, &raw);
    if (!s.ok()) return db_error("checkpoint", directory_, s);
    std::unique_ptr<rocksdb::Checkpoint> checkpoint{raw};
    // log_size_for_flush = 0: always flush the memtables, so the snapshot is SST files only
    // (the WAL is off, a WAL-based snapshot would miss unflushed writes).
    s = checkpoint->CreateCheckpoint(target.string(), 0);
    if (!s.ok()) return db_error("checkpoint", directory_, s);
    return graphs::Ok{};
  }

  // The checkpoint in a scratch directory next to the database (hard links), then every file
  // through write_blob. A full copy per snapshot: the directory hook is the cheap path.
  graphs::Status snapshot_as_blobs(StateWriter& writer) {
    const fs::path scratch = directory_ / "packing";
    std::error_code ec;
    fs::remove_all(scratch, ec);
    auto cleanup = [&] { fs::remove_all(scratch, ec); };
    if (auto st = create_checkpoint(scratch); !st) {
      cleanup();
      return st;
    }
    std::string index;
    graphs::Status status = graphs::Ok{};
    for (fs::recursive_directory_iterator it{scratch, ec}, end; status && !ec && it != end;
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const std::string relative = it->path().lexically_relative(scratch).generic_string();
      auto bytes = read_file(it->path());
      if (!bytes) {
        status = bytes.error();
        break;
      }
      status = writer.write_blob(std::string(kSnapshotDirectory) + "/" + relative,
                                 std::as_bytes(std::span(bytes->data(), bytes->size())));
      index += relative;
      index += '\n';
    }
    if (status && ec)
      status = graphs::Error{"cannot list " + scratch.string() + ": " + ec.message()};
    if (status) {
      status =
          writer.write_blob(kPackedIndex, std::as_bytes(std::span(index.data(), index.size())));
    }
    cleanup();
    return status;
  }

  static graphs::Result<std::string> read_file(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    std::ifstream in(path, std::ios::binary);
    std::string bytes(ec ? 0 : size, '\0');
    if (ec || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
      return graphs::Error{"cannot read " + path.string()};
    }
    return bytes;
  }

  // Writes the packed files back into a directory (the inverse of snapshot_as_blobs).
  graphs::Status unpack_blobs(StateReader& reader, const fs::path& target) {
    auto index = reader.read_blob(kPackedIndex);
    if (!index) return index.error();
    std::error_code ec;
    fs::remove_all(target, ec);
    fs::create_directories(target, ec);
    if (ec) return graphs::Error{"cannot create " + target.string() + ": " + ec.message()};
    const std::string_view list{reinterpret_cast<const char*>(index->data()), index->size()};
    std::size_t pos = 0;
    while (pos < list.size()) {
      const std::size_t eol = list.find('\n', pos);
      if (eol == std::string_view::npos) break;
      const std::string relative{list.substr(pos, eol - pos)};
      pos = eol + 1;
      const fs::path rel{relative};
      if (relative.empty() || rel.is_absolute() ||
          rel.lexically_normal().generic_string().starts_with("..")) {
        return graphs::Error{"packed RocksDB state lists a bad path '" + relative + "'"};
      }
      auto bytes = reader.read_blob(std::string(kSnapshotDirectory) + "/" + relative);
      if (!bytes) return bytes.error();
      const fs::path path = target / rel;
      fs::create_directories(path.parent_path(), ec);
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(bytes->data()),
                static_cast<std::streamsize>(bytes->size()));
      if (ec || !out) return graphs::Error{"cannot write " + path.string()};
    }
    return graphs::Ok{};
  }

  graphs::Status restore(StateReader& reader) override {
    if (!reader.has_directory(kSnapshotDirectory)) {
      if (!reader.has_blob(kPackedIndex)) return open_fresh();
      const fs::path unpacked = directory_ / "unpacking";
      auto st = unpack_blobs(reader, unpacked);
      if (st) st = restore_from(unpacked);
      std::error_code ec;
      fs::remove_all(unpacked, ec);
      return st;
    }
    auto source = reader.directory(kSnapshotDirectory);
    if (!source) return source.error();
    return restore_from(*source);
  }

  graphs::Status restore_from(const fs::path& checkpoint) {
    const fs::path* source = &checkpoint;
    close();
    std::error_code ec;
    fs::remove_all(db_path_, ec);
    // A copy, not hard links: the checkpoint must stay intact whatever the live database does.
    if (!ec) fs::copy(*source, db_path_, fs::copy_options::recursive, ec);
    if (ec) {
      (void)open_fresh();
      return graphs::Error{"cannot copy " + source->string() + " to " + db_path_.string() + ": " +
                           ec.message()};
    }
    if (auto st = open(); !st) {
      (void)open_fresh();  // empty, never half restored
      return st;
    }
    return graphs::Ok{};
  }

  std::uint64_t memory_usage_bytes() const override {
    std::uint64_t memtables = 0;
    if (db_ != nullptr) {
      db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kSizeAllMemTables, &memtables);
    }
    return cache_->GetUsage() + memtables;
  }

 private:
  // Opens db_path_ with every column family it has, then declares the known state names.
  graphs::Status open() {
    std::vector<std::string> families;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options_, db_path_.string(), &families);
    if (!s.ok()) families = {rocksdb::kDefaultColumnFamilyName};  // a new database
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& f : families) descriptors.emplace_back(f, family_options_);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    s = rocksdb::DB::Open(db_options_, db_path_.string(), descriptors, &handles, &db_);
    if (!s.ok()) {
      db_ = nullptr;
      return db_error("open", directory_, s);
    }
    default_family_ = handles[0];
    std::fill(handles_.begin(), handles_.end(), nullptr);
    for (std::size_t i = 1; i < families.size(); ++i) {
      if (!families[i].starts_with(kFamilyPrefix)) {
        owned_.push_back(handles[i]);  // not ours; closed with the rest
        continue;
      }
      const std::string name = families[i].substr(kFamilyPrefix.size());
      auto it = std::find(names_.begin(), names_.end(), name);
      if (it == names_.end()) {
        names_.push_back(name);
        handles_.push_back(handles[i]);
      } else {
        handles_[static_cast<std::size_t>(it - names_.begin())] = handles[i];
      }
    }
    for (std::size_t id = 0; id < names_.size(); ++id) {
      if (auto st = ensure_family(id); !st) return st;
    }
    return graphs::Ok{};
  }

  graphs::Status ensure_family(std::size_t id) {
    if (handles_[id] != nullptr) return graphs::Ok{};
    const rocksdb::Status s = db_->CreateColumnFamily(
        family_options_, std::string(kFamilyPrefix) + names_[id], &handles_[id]);
    if (!s.ok()) return db_error("create state", directory_, s);
    return graphs::Ok{};
  }

  void close() {
    batch_.reset();  // refers to column families about to go
    if (db_ == nullptr) return;
    for (auto*& h : handles_) {
      if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
      h = nullptr;
    }
    for (auto* h : owned_) db_->DestroyColumnFamilyHandle(h);
    owned_.clear();
    db_->DestroyColumnFamilyHandle(default_family_);
    default_family_ = nullptr;
    db_->Close();
    delete db_;
    db_ = nullptr;
  }

  static graphs::Error unknown(StateId state) {
    return graphs::Error{"keyed state id " + std::to_string(state) + " was never declared"};
  }

  const fs::path directory_;
  const fs::path db_path_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
  rocksdb::DBOptions db_options_;
  rocksdb::ColumnFamilyOptions family_options_;
  rocksdb::WriteOptions write_options_;
  rocksdb::ReadOptions read_options_;
  int owner_lock_ = -1;
  std::unique_ptr<rocksdb::WriteBatch> batch_;  // between begin_writes and commit_writes
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* default_family_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> owned_;
  std::vector<std::string> names_;                     // StateId -> name
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // StateId -> family
};

}  // namespace

graphs::Result<std::unique_ptr<KeyedStateBackend>> make_rocksdb_state_backend(
    fs::path directory, RocksDbBudget budget) {
  auto backend = std::make_unique<RocksDbStateBackend>(std::move(directory), budget);
  if (auto st = backend->lock_directory(); !st) return st.error();
  if (auto st = backend->open_fresh(); !st) return st.error();
  return std::unique_ptr<KeyedStateBackend>(std::move(backend));
}

}  // namespace rivulet::runtime::state
