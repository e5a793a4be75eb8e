#include "operators/dedup.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/key_table.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/operator_state.hpp"
#include "runtime/state/state_keys.hpp"

namespace rivulet::operators {

graphs::OperatorSpec dedup_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("dedup", "transform",
                  "Drops records whose key was already seen within a time horizon. The first "
                  "record of each key passes; later ones within 'horizon' of event time are "
                  "dropped (key by the record id to drop redelivered events). A key is forgotten "
                  "once the watermark is 'horizon' past its first record; a duplicate arriving "
                  "later passes as new.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; the key identifies duplicates.")})
      // Still partitioned by the same key: an alert or window may follow without re-keying.
      .outputs(
          {keyed_output("out", same_as_input("in"), "First occurrences, unchanged, still keyed.")})
      .parameters({
          duration("horizon", hours(1),
                   "How long, in event time, a key is remembered; state grows with the number "
                   "of distinct keys per horizon.")
              .min(1),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// Per key (KeyTable id): the event time of the record that passed. A record is a duplicate when
// its key is known and its event time is less than 'horizon' away from that first record (in
// either direction: a redelivered older copy is a duplicate too). A record of a known key that
// is 'horizon' or more after the first passes and becomes the new first; one 'horizon' or more
// before it passes and leaves the state alone. NULL key fields are a key value like any other.
// Expiry: each pass pushes (first + horizon, id) on a min-heap; the watermark pops entries it
// reached and forgets the key unless it passed again since (then a later entry is queued).
// Emission is immediate (no buffering): a batch whose rows all pass is forwarded as the same
// pointer, otherwise the passing rows are gathered column by column. End of input: nothing is
// pending, so nothing to flush.
//
// State backends (runtime::OperatorBuildContext::state_backend): with memory, the above lives in
// typed structures (KeyTable ids, a vector of first times, a heap) and snapshots as the blob
// "dedup". With RocksDB it lives in the instance's KeyedStateBackend: state "keys" maps the
// canonical key bytes to the first time (8 bytes), state "expiry" holds <sortable at><key bytes>
// entries, read from their known minimum as the watermark advances; a snapshot is the blob
// "dedup.rocksdb" (version, watermark) plus RocksDB's checkpoint. Same decisions either way.
namespace {

using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 1;

struct Expiry {
  std::int64_t at;
  std::uint32_t id;
  bool operator>(const Expiry& other) const { return at > other.at; }
};

constexpr const char* kBlob = "dedup";
constexpr const char* kRocksDbBlob = "dedup.rocksdb";

// Throws: the task turns it into a task failure with the message.
void check(const graphs::Status& status) {
  if (!status) throw std::runtime_error("dedup state: " + status.error().message);
}

class DedupOperator final : public runtime::Operator {
 public:
  DedupOperator(std::vector<std::size_t> key_columns, std::int64_t horizon, std::string node_id,
                std::string task_name, runtime::state::StateBackendOptions backend)
      : keys_(std::move(key_columns)),
        horizon_(horizon),
        node_id_(std::move(node_id)),
        task_name_(std::move(task_name)),
        backend_(std::move(backend)) {}

  graphs::Status open(const runtime::OperatorContext& /*context*/) override {
    return backend_.uses_rocksdb() ? rocks_ready() : graphs::Status{graphs::Ok{}};
  }

  void close() override { backend_.close(); }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const auto times = batch->event_times();
    const std::size_t n = batch->num_rows();
    kept_.clear();
    if (backend_.uses_rocksdb()) {
      check(rocks_ready());
      // The batch's writes go to RocksDB as one WriteBatch; `batch_firsts_` lets later rows of
      // the batch see what earlier ones wrote.
      db_->begin_writes();
      for (std::size_t r = 0; r < n; ++r) {
        if (rocks_admit(keys_.encode(*batch, r), times[r])) {
          kept_.push_back(static_cast<std::uint32_t>(r));
        }
      }
      check(db_->commit_writes());
      batch_firsts_.clear();
    } else {
      for (std::size_t r = 0; r < n; ++r) {
        if (admit(keys_.encode(*batch, r), times[r])) {
          kept_.push_back(static_cast<std::uint32_t>(r));
        }
      }
    }
    if (kept_.size() == n) {
      if (n > 0) out.emit(0, batch);
      return;
    }
    if (kept_.empty()) return;
    runtime::BatchBuilder builder(batch->schema(), kept_.size());
    builder.append_rows(*batch, kept_);
    out.emit(0, builder.finish(false));
  }

  void on_watermark(std::int64_t watermark_ms, runtime::Collector& /*out*/) override {
    watermark_ = std::max(watermark_, watermark_ms);
    if (backend_.uses_rocksdb()) return rocks_expire();
    while (!expiry_.empty() && expiry_.front().at <= watermark_) {
      std::pop_heap(expiry_.begin(), expiry_.end(), std::greater<>{});
      const Expiry e = expiry_.back();
      expiry_.pop_back();
      if (table_.is_live(e.id) && keyed::saturating_add(first_[e.id], horizon_) == e.at) {
        table_.release(e.id);
      }
    }
  }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    if (backend_.uses_rocksdb()) {
      if (auto st = rocks_ready(); !st) return st;
      keyed::ByteWriter w;
      w.u32(kStateVersion);
      w.i64(watermark_);
      w.i64(expiry_floor_);
      if (auto st = writer.write_blob(kRocksDbBlob, w.view()); !st) return st;
      return db_->snapshot(writer);
    }
    keyed::ByteWriter w;
    w.u32(kStateVersion);
    w.i64(watermark_);
    w.u64(table_.size());
    for (std::uint32_t id = 0; id < table_.id_limit(); ++id) {
      if (!table_.is_live(id)) continue;
      w.bytes(table_.key(id));
      w.i64(first_[id]);
    }
    return writer.write_blob(kBlob, w.view());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    if (auto st = runtime::state::check_backend_of_state(reader, node_id_, backend_.kind(), kBlob,
                                                         kRocksDbBlob);
        !st) {
      return st;
    }
    if (backend_.uses_rocksdb()) {
      if (auto st = rocks_ready(); !st) return st;
      watermark_ = kMinTime;
      expiry_floor_ = kMinTime;
      if (auto st = db_->restore(reader); !st) return st;
      if (!reader.has_blob(kRocksDbBlob)) return graphs::Ok{};
      auto blob = reader.read_blob(kRocksDbBlob);
      if (!blob) return blob.error();
      keyed::ByteReader in(std::span<const std::byte>(blob->data(), blob->size()));
      if (in.u32() != kStateVersion) return graphs::Error{"dedup: unknown state version"};
      watermark_ = in.i64();
      expiry_floor_ = in.i64();
      if (!in.ok() || !in.at_end()) return graphs::Error{"dedup: corrupt state blob"};
      return graphs::Ok{};
    }
    if (!reader.has_blob(kBlob)) return graphs::Ok{};
    auto blob = reader.read_blob(kBlob);
    if (!blob) return blob.error();
    keyed::ByteReader in(std::span<const std::byte>(blob->data(), blob->size()));
    if (in.u32() != kStateVersion) return graphs::Error{"dedup: unknown state version"};
    table_.clear();
    first_.clear();
    expiry_.clear();
    watermark_ = in.i64();
    const std::size_t n = in.count(4 + 8);
    for (std::size_t i = 0; i < n && in.ok(); ++i) {
      const std::string_view key = in.bytes();
      remember(table_.intern(key).id, in.i64());
    }
    if (!in.ok() || !in.at_end()) return graphs::Error{"dedup: corrupt state blob"};
    return graphs::Ok{};
  }

  std::size_t key_count() const { return table_.size(); }

 private:
  // ---- RocksDB ----

  graphs::Status rocks_ready() {
    if (db_) return graphs::Ok{};
    auto db = backend_.get(task_name_);
    if (!db) return db.error();
    auto keys = (*db)->declare_state("keys");
    if (!keys) return keys.error();
    auto expiry = (*db)->declare_state("expiry");
    if (!expiry) return expiry.error();
    db_ = *db;
    keys_state_ = *keys;
    expiry_state_ = *expiry;
    return graphs::Ok{};
  }

  bool rocks_admit(std::string_view key, std::int64_t ts) {
    bool known = false;
    std::int64_t first = 0;
    if (auto it = batch_firsts_.find(key); it != batch_firsts_.end()) {
      known = true;
      first = it->second;
    } else {
      auto found = db_->get(keys_state_, key, value_);
      if (!found) check(found.error());
      if (*found && value_.size() == 8) {
        known = true;
        first = runtime::state::read_sortable_i64(value_);
      }
    }
    if (known) {
      if (ts >= keyed::saturating_add(first, horizon_)) {
        rocks_remember(key, ts);
        return true;
      }
      return first > keyed::kMinTime + horizon_ && ts <= first - horizon_;
    }
    rocks_remember(key, ts);
    return true;
  }

  void rocks_remember(std::string_view key, std::int64_t ts) {
    batch_firsts_.insert_or_assign(std::string(key), ts);
    value_.clear();
    runtime::state::append_sortable_i64(value_, ts);
    check(db_->put(keys_state_, key, value_));
    const std::int64_t at = keyed::saturating_add(ts, horizon_);
    timer_.clear();
    runtime::state::append_sortable_i64(timer_, at);
    timer_.append(key);
    check(db_->put(expiry_state_, timer_, {}));
    expiry_floor_ = std::min(expiry_floor_, at);
  }

  // Pops the expiry entries the watermark reached, in rounds (the scan must not modify).
  void rocks_expire() {
    check(rocks_ready());
    constexpr std::size_t kRound = 1024;
    for (;;) {
      due_.clear();
      std::string from;
      runtime::state::append_sortable_i64(from, expiry_floor_);
      check(db_->scan_from(expiry_state_, from, [&](std::string_view k, std::string_view) {
        if (k.size() < 8 || runtime::state::read_sortable_i64(k) > watermark_) return false;
        due_.emplace_back(k);
        return due_.size() < kRound;
      }));
      db_->begin_writes();  // removals only; a key's current entry is the only one that matches
      for (const std::string& entry : due_) {
        const std::int64_t at = runtime::state::read_sortable_i64(entry);
        const std::string_view key = std::string_view(entry).substr(8);
        auto found = db_->get(keys_state_, key, value_);
        if (!found) check(found.error());
        if (*found && value_.size() == 8 &&
            keyed::saturating_add(runtime::state::read_sortable_i64(value_), horizon_) == at) {
          check(db_->remove(keys_state_, key));
        }
        check(db_->remove(expiry_state_, entry));
        expiry_floor_ = at;
      }
      check(db_->commit_writes());
      if (due_.size() < kRound) break;
    }
  }

  bool admit(std::string_view key, std::int64_t ts) {
    const auto [id, inserted] = table_.intern(key);
    if (!inserted) {
      const std::int64_t first = first_[id];
      if (ts >= keyed::saturating_add(first, horizon_)) {
        remember(id, ts);
        return true;
      }
      // 'horizon' or more before the first passes; the guard keeps first - horizon in range.
      return first > keyed::kMinTime + horizon_ && ts <= first - horizon_;
    }
    remember(id, ts);
    return true;
  }

  void remember(std::uint32_t id, std::int64_t ts) {
    if (first_.size() <= id) first_.resize(id + 1);
    first_[id] = ts;
    expiry_.push_back(Expiry{keyed::saturating_add(ts, horizon_), id});
    std::push_heap(expiry_.begin(), expiry_.end(), std::greater<>{});
  }

  keyed::KeyEncoder keys_;
  std::int64_t horizon_;
  std::int64_t watermark_ = kMinTime;
  keyed::KeyTable table_;
  std::vector<std::int64_t> first_;  // by key id
  std::vector<Expiry> expiry_;       // min-heap on `at`
  std::vector<std::uint32_t> kept_;

  // RocksDB (unused with the memory backend).
  std::string node_id_;
  std::string task_name_;
  runtime::state::OperatorStateBackend backend_;
  runtime::state::KeyedStateBackend* db_ = nullptr;
  runtime::state::StateId keys_state_ = 0;
  runtime::state::StateId expiry_state_ = 0;
  std::int64_t expiry_floor_ = kMinTime;  // no expiry entry is earlier
  std::string value_;
  std::string timer_;
  std::vector<std::string> due_;
  std::unordered_map<std::string, std::int64_t, keyed::KeyBytesHash, std::equal_to<>> batch_firsts_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_dedup(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.size() != 1) {
    return graphs::Error{"node '" + context.node.id + "': dedup needs one input"};
  }
  auto horizon = params.duration_ms("horizon");
  if (!horizon) return horizon.error();
  if (*horizon < 1) return params.error("horizon", "must be at least 1 ms");
  const std::vector<std::string> keys =
      context.input_keys.empty() ? std::vector<std::string>{} : context.input_keys[0];
  auto columns = runtime::resolve_fields(context.input_schemas[0], keys);
  if (!columns) {
    return graphs::Error{"node '" + context.node.id + "', input 'in': " + columns.error().message};
  }
  return std::unique_ptr<runtime::Operator>(std::make_unique<DedupOperator>(
      std::move(*columns), *horizon, context.node.id,
      context.node.id + "#" + std::to_string(context.subtask_index), context.state_backend));
}

}  // namespace

graphs::Result<std::uint64_t> dedup_keys_in_checkpoint(runtime::StateReader& reader) {
  if (reader.has_blob(kRocksDbBlob)) {
    return graphs::Error{"dedup state from the RocksDB backend records no key count"};
  }
  if (!reader.has_blob(kBlob)) return std::uint64_t{0};
  auto blob = reader.read_blob(kBlob);
  if (!blob) return blob.error();
  keyed::ByteReader in(std::span<const std::byte>(blob->data(), blob->size()));
  if (in.u32() != kStateVersion) return graphs::Error{"dedup: unknown state version"};
  in.i64();  // watermark
  const std::uint64_t keys = in.u64();
  if (!in.ok()) return graphs::Error{"dedup: corrupt state blob"};
  return keys;
}

runtime::OperatorFactory dedup_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_dedup(context); });
}

}  // namespace rivulet::operators
