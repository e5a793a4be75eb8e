#include "operators/window_join.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "operators/common_parameters.hpp"
#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/row_codec.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/partitioner.hpp"
#include "runtime/state/operator_state.hpp"
#include "runtime/state/state_errors.hpp"
#include "runtime/state/state_keys.hpp"

namespace rivulet::operators {

graphs::OperatorSpec window_join_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("window_join", "join",
                  "Joins two keyed streams on their keys within tumbling event-time windows. As in "
                  "Flink's window join, records of the left and the right input with equal keys in "
                  "the same tumbling event-time window are paired, and the pairs are emitted when "
                  "the watermark passes the window's end. Both inputs must be keyed by the same "
                  "number of fields, of the same types, in the same order.")
      .stateful()
      .inputs({
          keyed_input("left", "Left records, keyed like 'right'."),
          keyed_input("right", "Right records, keyed like 'left'."),
      })
      .outputs({
          output("out", join("left", "right", "join_type", "left"),
                 "One record per matching pair: the left fields, then the right fields (a name "
                 "that clashes is prefixed \"right_\"). With join_type = left, a left record "
                 "without match is emitted once with NULL right fields."),
          common::late_output("left_late", "left"),
          common::late_output("right_late", "right"),
      })
      .parameters({
          required_duration("size", "Length of the tumbling windows both sides are grouped in.")
              .min(1),
          enumeration("join_type", {"inner", "left"}, "inner",
                      "inner: only matching pairs. left: also every left record that found no "
                      "match in its window, with the right fields NULL."),
          common::allowed_lateness(),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// State per tumbling window: for each side, one 24-byte entry per record (key hash, batch, row)
// appended on arrival — no per-key node, no copy of the record — plus the input batches those
// entries point into, retained (shared_ptr) until the window is purged. When the watermark
// reaches the window's end the window fires: both sides are stably sorted by key hash and
// merged; within equal hashes the keys are compared exactly (keys_equal), so hash collisions
// never join. Output rows are gathered into batches of up to kOutputBatchRows with event time
// window_end - 1 (so a downstream tumbling window of the same size groups one window's pairs).
//
// Keys follow SQL equi-join semantics: a record with a NULL in any key field matches nothing
// (a left record is then emitted unmatched by a left join). Lateness: a record whose window
// ended at or before watermark - allowed_lateness goes unchanged to left_late / right_late.
// With allowed_lateness > 0 a fired window keeps its (now sorted) entries until the watermark
// passes end + allowed_lateness; a record arriving for it meanwhile is joined at once against
// the other side and only the new pairs are emitted (a left join also emits a late left
// record without match at once; an earlier unmatched left row is not retracted when a late
// right match arrives — downstream sees both). End of input: the runtime advances the
// watermark to +inf, which fires and purges every window; on_end_of_input only flushes.
//
// State backends (JoinConfig::state_backend): memory keeps the windows above, whose entries
// point into retained input batches (blob "window_join"). RocksDB keeps every buffered record
// in the instance's KeyedStateBackend, state "rows": <sortable window start><side><big-endian
// key hash><big-endian arrival seq> -> u8 NULL key, the encoded row; so a side of a window is
// already in (hash, arrival) order — the order the memory path sorts into. Firing walks the
// left side hash group by hash group and reads the matching right group by prefix; a record
// for a fired window reads its group of the other side; a purged window is one range delete.
// Only the (start, fired) list of open windows stays in memory. Snapshot: blob
// "window_join.rocksdb" (watermark, sequence, windows) plus RocksDB's checkpoint.
namespace {

using keyed::kMaxTime;
using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 1;
constexpr std::size_t kOutputBatchRows = 4096;

struct Entry {
  std::uint64_t hash;
  const runtime::RecordBatch* batch;
  std::uint32_t row;
  std::uint32_t null_key;  // 1: some key field is NULL, never matches
};

bool hash_less(const Entry& a, const Entry& b) { return a.hash < b.hash; }

struct Window {
  std::int64_t start = 0;
  bool fired = false;
  std::vector<Entry> sides[2];
  std::vector<runtime::BatchPtr> batches;  // keeps every batch an entry points into alive
  const runtime::RecordBatch* last_batch[2] = {nullptr, nullptr};

  void retain(const runtime::BatchPtr& batch, std::size_t side) {
    if (last_batch[side] == batch.get()) return;
    batches.push_back(batch);
    last_batch[side] = batch.get();
  }
};

struct JoinConfig {
  std::int64_t size = 1;
  std::int64_t allowed_lateness = 0;
  bool left_join = false;
  std::vector<std::size_t> key_columns[2];
  runtime::SchemaPtr input_schemas[2];
  runtime::SchemaPtr output_schema;
  std::string node_id;
  std::string task_name;
  runtime::state::StateBackendOptions state_backend;
};

constexpr const char* kBlob = "window_join";
constexpr const char* kRocksDbBlob = "window_join.rocksdb";

void check(const graphs::Status& status) {
  runtime::state::throw_if_error(status, "window_join state");
}

class WindowJoinOperator final : public runtime::Operator {
 public:
  explicit WindowJoinOperator(JoinConfig config)
      : config_(std::move(config)),
        out_(config_.output_schema, kOutputBatchRows),
        left_columns_(config_.input_schemas[0]->size()),
        backend_(config_.state_backend) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    counters_ = context.counters;  // late records are counted where they are routed
    return rocks() ? rocks_ready() : graphs::Status{graphs::Ok{}};
  }

  void close() override {
    db_ = nullptr;
    backend_.close();
  }

  void process(std::size_t input, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const std::size_t side = input == 0 ? 0 : 1;
    const std::size_t n = batch->num_rows();
    hashes_.resize(n);
    runtime::hash_key_columns(*batch, config_.key_columns[side], hashes_);
    const auto times = batch->event_times();
    late_rows_.clear();
    if (rocks()) return rocks_process(side, batch, out);
    Window* window = nullptr;
    for (std::size_t r = 0; r < n; ++r) {
      const std::int64_t start = keyed::tumbling_start(times[r], config_.size);
      const std::int64_t end = keyed::saturating_add(start, config_.size);
      if (keyed::saturating_add(end, config_.allowed_lateness) <= watermark_) {
        late_rows_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      // Consecutive records mostly share a window: skip the map lookup for them.
      if (window == nullptr || window->start != start) {
        window = &window_at(start);
        // A window first met after the watermark passed its end (within allowed lateness) has
        // nothing to fire: join its records as they come, like any fired window.
        if (end <= watermark_) window->fired = true;
      }
      const Entry entry{hashes_[r], batch.get(), static_cast<std::uint32_t>(r),
                        has_null_key(*batch, r, side) ? 1u : 0u};
      if (entry.null_key && !(side == 0 && config_.left_join)) continue;  // can never be output
      window->retain(batch, side);
      if (!window->fired) {
        window->sides[side].push_back(entry);
      } else {
        join_late(*window, side, entry, out);
      }
    }
    if (!late_rows_.empty()) {
      if (counters_) counters_->count_late(late_rows_.size());
      runtime::BatchBuilder late(batch->schema(), late_rows_.size());
      late.append_rows(*batch, late_rows_);
      out.emit(1 + side, late.finish(false));
    }
    flush(out);
  }

  void on_watermark(std::int64_t watermark_ms, runtime::Collector& out) override {
    if (watermark_ms <= watermark_) return;
    watermark_ = watermark_ms;
    if (rocks()) return rocks_on_watermark(out);
    for (auto it = windows_.begin(); it != windows_.end();) {
      Window& w = it->second;
      const std::int64_t end = keyed::saturating_add(w.start, config_.size);
      if (end > watermark_) break;  // windows are ordered by start, so by end
      if (!w.fired) fire(w, end, out);
      if (keyed::saturating_add(end, config_.allowed_lateness) <= watermark_) {
        it = windows_.erase(it);
      } else {
        ++it;
      }
    }
    flush(out);
  }

  void on_end_of_input(runtime::Collector& out) override {
    on_watermark(kMaxTime, out);
    flush(out);
  }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    w.i64(watermark_);
    if (rocks()) {
      if (auto st = rocks_ready(); !st) return st;
      w.u64(next_seq_);
      w.u64(stored_windows_.size());
      for (const auto& [start, fired] : stored_windows_) {
        w.i64(start);
        w.u8(fired ? 1 : 0);
      }
      if (auto st = writer.write_blob(kRocksDbBlob, w.view()); !st) return st;
      return db_->snapshot(writer);
    }
    w.u64(windows_.size());
    for (const auto& [start, window] : windows_) {
      w.i64(start);
      w.u8(window.fired ? 1 : 0);
      for (const auto& entries : window.sides) {
        w.u64(entries.size());
        for (const Entry& e : entries) {
          row_scratch_.clear();
          keyed::encode_row(*e.batch, e.row, row_scratch_);
          w.bytes(row_scratch_);
        }
      }
    }
    return writer.write_blob(kBlob, w.view());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    if (auto st = runtime::state::check_backend_of_state(reader, config_.node_id, backend_.kind(),
                                                         kBlob, kRocksDbBlob);
        !st) {
      return st;
    }
    if (rocks()) {
      if (auto st = rocks_ready(); !st) return st;
      watermark_ = kMinTime;
      next_seq_ = 0;
      stored_windows_.clear();
      if (auto st = db_->restore(reader); !st) return st;
      if (!reader.has_blob(kRocksDbBlob)) return graphs::Ok{};
      auto blob = reader.read_blob(kRocksDbBlob);
      if (!blob) return blob.error();
      keyed::ByteReader in(std::span<const std::byte>(blob->data(), blob->size()));
      if (auto st = runtime::state::check_version(in, kStateVersion, "window_join state"); !st)
        return st;
      watermark_ = in.i64();
      next_seq_ = in.u64();
      const std::size_t count = in.count(9);
      for (std::size_t i = 0; i < count && in.ok(); ++i) {
        const std::int64_t start = in.i64();
        stored_windows_[start] = in.u8() != 0;
      }
      if (!in.ok() || !in.at_end()) return graphs::Error{"window_join: corrupt state blob"};
      return graphs::Ok{};
    }
    if (!reader.has_blob(kBlob)) return graphs::Ok{};
    auto blob = reader.read_blob(kBlob);
    if (!blob) return blob.error();
    keyed::ByteReader in(std::span<const std::byte>(blob->data(), blob->size()));
    if (auto st = runtime::state::check_version(in, kStateVersion, "window_join state"); !st)
      return st;
    windows_.clear();
    watermark_ = in.i64();
    const std::size_t count = in.count(8 + 1 + 16);
    for (std::size_t i = 0; i < count && in.ok(); ++i) {
      Window& w = window_at(in.i64());
      w.fired = in.u8() != 0;
      for (std::size_t side = 0; side < 2 && in.ok(); ++side) {
        const std::size_t rows = in.count(4 + 8);
        runtime::BatchBuilder builder(config_.input_schemas[side], rows);
        for (std::size_t r = 0; r < rows && in.ok(); ++r) {
          keyed::ByteReader row(in.bytes());
          const std::int64_t ts = keyed::decode_row(row, *config_.input_schemas[side], builder);
          if (!row.ok()) in.fail();
          if (in.ok()) builder.end_row(ts);
        }
        if (!in.ok() || rows == 0) continue;
        runtime::BatchPtr batch = builder.finish(false);
        hashes_.resize(rows);
        runtime::hash_key_columns(*batch, config_.key_columns[side], hashes_);
        for (std::size_t r = 0; r < rows; ++r) {
          w.sides[side].push_back(Entry{hashes_[r], batch.get(), static_cast<std::uint32_t>(r),
                                        has_null_key(*batch, r, side) ? 1u : 0u});
        }
        w.batches.push_back(std::move(batch));  // fired windows were written sorted: still are
      }
    }
    if (!in.ok() || !in.at_end()) return graphs::Error{"window_join: corrupt state blob"};
    return graphs::Ok{};
  }

  // Exposed for tests and metrics: windows currently held.
  std::size_t window_count() const { return windows_.size() + stored_windows_.size(); }

 private:
  Window& window_at(std::int64_t start) {
    auto [it, inserted] = windows_.try_emplace(start);
    if (inserted) it->second.start = start;
    return it->second;
  }

  bool has_null_key(const runtime::RecordBatch& batch, std::size_t row, std::size_t side) const {
    for (std::size_t c : config_.key_columns[side]) {
      if (batch.column(c).is_null(row)) return true;
    }
    return false;
  }

  bool matches(const Entry& left, const Entry& right) const {
    return left.hash == right.hash && !left.null_key && !right.null_key &&
           keyed::keys_equal(*left.batch, left.row, config_.key_columns[0], *right.batch, right.row,
                             config_.key_columns[1]);
  }

  void fire(Window& w, std::int64_t end, runtime::Collector& out) {
    w.fired = true;
    auto& left = w.sides[0];
    auto& right = w.sides[1];
    // Stable: equal keys keep arrival order, so the output order is deterministic.
    std::stable_sort(left.begin(), left.end(), hash_less);
    std::stable_sort(right.begin(), right.end(), hash_less);
    const std::int64_t ts = end - 1;
    std::size_t j = 0;
    for (std::size_t i = 0; i < left.size();) {
      const std::uint64_t h = left[i].hash;
      std::size_t i_end = i;
      while (i_end < left.size() && left[i_end].hash == h) ++i_end;
      while (j < right.size() && right[j].hash < h) ++j;
      std::size_t j_end = j;
      while (j_end < right.size() && right[j_end].hash == h) ++j_end;
      for (; i < i_end; ++i) {
        bool matched = false;
        for (std::size_t k = j; k < j_end; ++k) {
          if (!matches(left[i], right[k])) continue;
          append_pair(left[i], &right[k], ts, out);
          matched = true;
        }
        if (!matched && config_.left_join) append_pair(left[i], nullptr, ts, out);
      }
      j = j_end;
    }
  }

  // A record for a window that already fired (within allowed lateness): emit its new pairs now
  // and insert it in hash order so later arrivals find it.
  void join_late(Window& w, std::size_t side, const Entry& entry, runtime::Collector& out) {
    const std::int64_t ts = keyed::saturating_add(w.start, config_.size) - 1;
    auto& other = w.sides[1 - side];
    auto [lo, hi] = std::equal_range(other.begin(), other.end(), entry, hash_less);
    bool matched = false;
    for (auto it = lo; it != hi; ++it) {
      const Entry& left = side == 0 ? entry : *it;
      const Entry& right = side == 0 ? *it : entry;
      if (!matches(left, right)) continue;
      append_pair(left, &right, ts, out);
      matched = true;
    }
    if (side == 0 && !matched && config_.left_join) append_pair(entry, nullptr, ts, out);
    auto& mine = w.sides[side];
    mine.insert(std::upper_bound(mine.begin(), mine.end(), entry, hash_less), entry);
  }

  void append_pair(const Entry& left, const Entry* right, std::int64_t ts,
                   runtime::Collector& out) {
    for (std::size_t c = 0; c < left_columns_; ++c) {
      keyed::append_cell(out_, c, left.batch->column(c), left.row);
    }
    const std::size_t right_columns = config_.input_schemas[1]->size();
    for (std::size_t c = 0; c < right_columns; ++c) {
      if (right) {
        keyed::append_cell(out_, left_columns_ + c, right->batch->column(c), right->row);
      } else {
        keyed::append_null_or_default(out_, left_columns_ + c);
      }
    }
    out_.end_row(ts);
    if (out_.num_rows() >= kOutputBatchRows) flush(out);
  }

  void flush(runtime::Collector& out) {
    if (!out_.empty()) out.emit(0, out_.finish());
  }

  // ---- RocksDB ----

  bool rocks() const { return config_.state_backend.kind == graphs::StateBackend::RocksDb; }

  graphs::Status rocks_ready() {
    if (db_ != nullptr) return graphs::Ok{};
    auto db = backend_.get(config_.task_name, {{"rows", &rows_state_}});
    if (!db) return db.error();
    db_ = *db;
    return graphs::Ok{};
  }

  std::string& group_prefix(std::int64_t start, std::size_t side, std::uint64_t hash) {
    key_buffer_.clear();
    runtime::state::append_sortable_i64(key_buffer_, start);
    key_buffer_.push_back(static_cast<char>(side));
    runtime::state::append_big_endian_u64(key_buffer_, hash);
    return key_buffer_;
  }

  void rocks_put(std::int64_t start, std::size_t side, std::uint64_t hash,
                 const runtime::RecordBatch& batch, std::size_t row, bool null_key) {
    std::string& key = group_prefix(start, side, hash);
    runtime::state::append_big_endian_u64(key, next_seq_++);
    row_scratch_.clear();
    row_scratch_.push_back(null_key ? 1 : 0);
    keyed::encode_row(batch, row, row_scratch_);
    check(db_->put(rows_state_, key, row_scratch_));
  }

  // Decodes stored rows of one side (key, value pairs) into a batch and entries pointing
  // into it, in stored order.
  void decode_rows(std::size_t side, const std::vector<std::pair<std::string, std::string>>& rows,
                   std::vector<Entry>& entries, std::vector<runtime::BatchPtr>& keep) {
    entries.clear();
    if (rows.empty()) return;
    runtime::BatchBuilder builder(config_.input_schemas[side], rows.size());
    for (const auto& [key, value] : rows) {
      keyed::ByteReader row(std::string_view(value).substr(1));
      const std::int64_t ts = keyed::decode_row(row, *config_.input_schemas[side], builder);
      if (!row.ok() || value.empty()) check(graphs::Error{"a stored row is corrupt"});
      builder.end_row(ts);
    }
    runtime::BatchPtr batch = builder.finish(false);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      entries.push_back(Entry{runtime::state::read_big_endian_u64(rows[i].first, 9), batch.get(),
                              static_cast<std::uint32_t>(i), rows[i].second[0] != 0 ? 1u : 0u});
    }
    keep.push_back(std::move(batch));
  }

  // The stored rows of one side of a window with one key hash, in arrival order.
  void load_group(std::int64_t start, std::size_t side, std::uint64_t hash,
                  std::vector<Entry>& entries, std::vector<runtime::BatchPtr>& keep) {
    group_rows_.clear();
    check(db_->scan_prefix(rows_state_, group_prefix(start, side, hash),
                           [&](std::string_view k, std::string_view v) {
                             group_rows_.emplace_back(k, v);
                             return true;
                           }));
    decode_rows(side, group_rows_, entries, keep);
  }

  void rocks_process(std::size_t side, const runtime::BatchPtr& batch, runtime::Collector& out) {
    check(rocks_ready());
    // One WriteBatch per input batch: a batch is one side, and only the other side is read.
    db_->begin_writes();
    const auto times = batch->event_times();
    const std::size_t n = batch->num_rows();
    auto window = stored_windows_.end();
    for (std::size_t r = 0; r < n; ++r) {
      const std::int64_t start = keyed::tumbling_start(times[r], config_.size);
      const std::int64_t end = keyed::saturating_add(start, config_.size);
      if (keyed::saturating_add(end, config_.allowed_lateness) <= watermark_) {
        late_rows_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      if (window == stored_windows_.end() || window->first != start) {
        bool inserted = false;
        std::tie(window, inserted) = stored_windows_.try_emplace(start, false);
        if (inserted && end <= watermark_) window->second = true;  // nothing to fire
      }
      const bool null_key = has_null_key(*batch, r, side);
      if (null_key && !(side == 0 && config_.left_join)) continue;  // can never be output
      if (window->second) {
        // Fired, within allowed lateness: join with the other side's group now.
        const Entry entry{hashes_[r], batch.get(), static_cast<std::uint32_t>(r),
                          null_key ? 1u : 0u};
        const std::int64_t ts = end - 1;
        keep_.clear();
        load_group(start, 1 - side, hashes_[r], other_, keep_);
        bool matched = false;
        for (const Entry& e : other_) {
          const Entry& left = side == 0 ? entry : e;
          const Entry& right = side == 0 ? e : entry;
          if (!matches(left, right)) continue;
          append_pair(left, &right, ts, out);
          matched = true;
        }
        if (side == 0 && !matched && config_.left_join) append_pair(entry, nullptr, ts, out);
      }
      rocks_put(start, side, hashes_[r], *batch, r, null_key);
    }
    check(db_->commit_writes());
    if (!late_rows_.empty()) {
      if (counters_) counters_->count_late(late_rows_.size());
      runtime::BatchBuilder late(batch->schema(), late_rows_.size());
      late.append_rows(*batch, late_rows_);
      out.emit(1 + side, late.finish(false));
    }
    flush(out);
  }

  // Fires one stored window: its left side hash group by hash group against the right side's
  // group of the same hash (the memory path's merge, in the same order).
  void rocks_fire(std::int64_t start, std::int64_t end, runtime::Collector& out) {
    const std::int64_t ts = end - 1;
    std::string prefix;
    runtime::state::append_sortable_i64(prefix, start);
    prefix.push_back(0);
    std::vector<std::pair<std::string, std::string>> left_rows;
    std::vector<Entry> left;
    auto emit_group = [&] {
      if (left_rows.empty()) return;
      keep_.clear();
      decode_rows(0, left_rows, left, keep_);
      load_group(start, 1, left.front().hash, other_, keep_);
      for (const Entry& l : left) {
        bool matched = false;
        for (const Entry& r : other_) {
          if (!matches(l, r)) continue;
          append_pair(l, &r, ts, out);
          matched = true;
        }
        if (!matched && config_.left_join) append_pair(l, nullptr, ts, out);
      }
      left_rows.clear();
    };
    // Reading the right side while walking the left one only reads the backend.
    check(db_->scan_prefix(rows_state_, prefix, [&](std::string_view k, std::string_view v) {
      if (k.size() < 9 + 8) return true;
      if (!left_rows.empty() && runtime::state::read_big_endian_u64(left_rows.front().first, 9) !=
                                    runtime::state::read_big_endian_u64(k, 9)) {
        emit_group();
      }
      left_rows.emplace_back(k, v);
      return true;
    }));
    emit_group();
  }

  void rocks_on_watermark(runtime::Collector& out) {
    check(rocks_ready());
    for (auto it = stored_windows_.begin(); it != stored_windows_.end();) {
      const std::int64_t start = it->first;
      const std::int64_t end = keyed::saturating_add(start, config_.size);
      if (end > watermark_) break;
      if (!it->second) {
        rocks_fire(start, end, out);
        it->second = true;
      }
      if (keyed::saturating_add(end, config_.allowed_lateness) <= watermark_) {
        std::string prefix;
        runtime::state::append_sortable_i64(prefix, start);
        check(db_->remove_prefix(rows_state_, prefix));
        it = stored_windows_.erase(it);
      } else {
        ++it;
      }
    }
    flush(out);
  }

  JoinConfig config_;
  runtime::BatchBuilder out_;
  std::size_t left_columns_;
  std::int64_t watermark_ = kMinTime;
  std::map<std::int64_t, Window> windows_;  // by start: fire in order, stable addresses
  std::vector<std::uint64_t> hashes_;
  runtime::RecordCounters* counters_ = nullptr;  // the task's (OperatorContext)
  std::vector<std::uint32_t> late_rows_;
  std::string row_scratch_;

  runtime::state::OperatorStateBackend backend_;
  runtime::state::KeyedStateBackend* db_ = nullptr;
  runtime::state::StateId rows_state_ = 0;
  std::map<std::int64_t, bool> stored_windows_;  // RocksDB: open windows, start -> fired
  std::uint64_t next_seq_ = 0;
  std::string key_buffer_;
  std::vector<std::pair<std::string, std::string>> group_rows_;
  std::vector<Entry> other_;
  std::vector<runtime::BatchPtr> keep_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_window_join(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  const std::string& id = context.node.id;
  if (context.input_schemas.size() != 2 || context.output_schemas.empty()) {
    return graphs::Error{"node '" + id + "': window_join needs inputs 'left' and 'right'"};
  }
  JoinConfig config;
  auto size = params.duration_ms("size");
  auto join_type = params.string("join_type");
  auto lateness = params.duration_ms("allowed_lateness");
  if (!size) return size.error();
  if (!join_type) return join_type.error();
  if (!lateness) return lateness.error();
  if (*size < 1) return params.error("size", "must be at least 1 ms");
  if (*lateness < 0) return params.error("allowed_lateness", "must not be negative");
  if (*join_type != "inner" && *join_type != "left") {
    return params.error("join_type", "must be 'inner' or 'left'");
  }
  config.size = *size;
  config.allowed_lateness = *lateness;
  config.left_join = *join_type == "left";

  static const char* const kPorts[2] = {"left", "right"};
  for (std::size_t side = 0; side < 2; ++side) {
    const std::vector<std::string> keys =
        side < context.input_keys.size() ? context.input_keys[side] : std::vector<std::string>{};
    if (keys.empty()) {
      return graphs::Error{"node '" + id + "', input '" + kPorts[side] +
                           "': window_join needs a keyed input (key_by or a hash edge)"};
    }
    auto columns = runtime::resolve_fields(context.input_schemas[side], keys);
    if (!columns) {
      return graphs::Error{"node '" + id + "', input '" + kPorts[side] +
                           "': " + columns.error().message};
    }
    config.key_columns[side] = std::move(*columns);
    config.input_schemas[side] =
        std::make_shared<const graphs::Schema>(context.input_schemas[side]);
  }
  if (config.key_columns[0].size() != config.key_columns[1].size()) {
    return graphs::Error{"node '" + id + "': inputs 'left' and 'right' are keyed by " +
                         std::to_string(config.key_columns[0].size()) + " and " +
                         std::to_string(config.key_columns[1].size()) +
                         " fields; a join needs the same number"};
  }
  for (std::size_t k = 0; k < config.key_columns[0].size(); ++k) {
    const graphs::Field& l = context.input_schemas[0][config.key_columns[0][k]];
    const graphs::Field& r = context.input_schemas[1][config.key_columns[1][k]];
    if (!keyed::key_types_compatible(l.type, r.type)) {
      return graphs::Error{"node '" + id + "': key field " + std::to_string(k + 1) + " is " +
                           graphs::to_string(l.type) + " ('" + l.name + "') on the left but " +
                           graphs::to_string(r.type) + " ('" + r.name + "') on the right"};
    }
  }
  graphs::Schema output = context.output_schemas[0];
  const std::size_t left_size = context.input_schemas[0].size();
  if (output.size() != left_size + context.input_schemas[1].size()) {
    return graphs::Error{"node '" + id +
                         "': output 'out' must hold the left then the right fields"};
  }
  // A left join fills the right fields with NULL: make sure the batches say so even if the
  // propagated schema kept the right side's non-nullable flags.
  if (config.left_join) {
    for (std::size_t c = left_size; c < output.size(); ++c) output[c].nullable = true;
  }
  config.output_schema = std::make_shared<const graphs::Schema>(std::move(output));
  config.node_id = id;
  config.task_name = id + "#" + std::to_string(context.subtask_index);
  config.state_backend = context.state_backend;
  return std::unique_ptr<runtime::Operator>(
      std::make_unique<WindowJoinOperator>(std::move(config)));
}

}  // namespace

runtime::OperatorFactory window_join_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_window_join(context); });
}

}  // namespace rivulet::operators
