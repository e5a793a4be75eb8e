#include "operators/window_join.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "operators/common_parameters.hpp"
#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/join_inputs.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/row_codec.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/partitioner.hpp"
#include "runtime/state/keyed_value_state.hpp"
#include "runtime/state/operator_state.hpp"
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
// State per tumbling window and side: one 24-byte entry per record (key hash, batch, row)
// appended on arrival — no per-key node, no copy of the record — plus the input batches those
// entries point into, retained (shared_ptr); each side is an entry (window start, "L" or "R") of
// a runtime::state::KeyedValueState on whichever backend the job chose (RocksDB evicts whole
// cold sides, encoded, and loads them back). When the watermark reaches the window's end the
// window fires: both sides are stably sorted by key hash and merged; within equal hashes the
// keys are compared exactly (keys_equal), so hash collisions never join. Output rows are
// gathered into batches of up to kOutputBatchRows with event time window_end - 1 (so a
// downstream tumbling window of the same size groups one window's pairs).
//
// Keys follow SQL equi-join semantics: a record with a NULL in any key field matches nothing
// (a left record is then emitted unmatched by a left join). Lateness: a record whose window
// ended at or before watermark - allowed_lateness goes unchanged to left_late / right_late.
// With allowed_lateness > 0 a fired window keeps its (now sorted) sides until the watermark
// passes end + allowed_lateness; a record arriving for it meanwhile is joined at once against
// the other side and only the new pairs are emitted (a left join also emits a late left
// record without match at once; an earlier unmatched left row is not retracted when a late
// right match arrives — downstream sees both). End of input: the runtime advances the
// watermark to +inf, which fires and purges every window; on_end_of_input only flushes.
//
namespace {

using keyed::kMaxTime;
using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 2;
constexpr std::size_t kOutputBatchRows = 4096;

// A buffered record: a row of a retained input batch (or of a batch decoded from the store).
struct Entry {
  std::uint64_t hash;
  const runtime::RecordBatch* batch;
  std::uint32_t row;
  std::uint32_t null_key;  // 1: some key field is NULL, never matches
};

bool hash_less(const Entry& a, const Entry& b) { return a.hash < b.hash; }

// One side of one window: its records in arrival order (sorted by hash, stably, once the window
// fired) and the batches they point into, kept alive until the side goes.
struct Side {
  std::uint8_t side = 0;
  bool fired = false;   // left: the window fired
  bool sorted = false;  // entries are in (hash, arrival) order
  std::vector<Entry> entries;
  std::vector<runtime::BatchPtr> batches;

  void retain(const runtime::BatchPtr& batch) {
    if (batches.empty() || batches.back().get() != batch.get()) batches.push_back(batch);
  }
  void sort() {
    if (sorted) return;
    std::stable_sort(entries.begin(), entries.end(), hash_less);
    sorted = true;
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

// A window side in the store: u8 side, u8 fired, u8 sorted, u64 rows, per row: u8 NULL key, the
// encoded row. Decoding builds one batch of the side's schema and rehashes its keys.
struct SideCodec {
  runtime::SchemaPtr schemas[2];
  std::vector<std::size_t> key_columns[2];

  void encode(const Side& s, runtime::state::ByteWriter& w) const {
    w.u8(s.side);
    w.u8(s.fired ? 1 : 0);
    w.u8(s.sorted ? 1 : 0);
    w.u64(s.entries.size());
    std::string& buffer = w.buffer();
    for (const Entry& e : s.entries) {
      w.u8(static_cast<std::uint8_t>(e.null_key));
      // Length-prefixed: reserve the u32, encode in place, patch the length.
      const std::size_t at = buffer.size();
      w.u32(0);
      keyed::encode_row(*e.batch, e.row, buffer);
      const auto n = static_cast<std::uint32_t>(buffer.size() - at - 4);
      std::memcpy(buffer.data() + at, &n, 4);
    }
  }
  bool decode(std::string_view bytes, Side& s) const {
    keyed::ByteReader in(bytes);
    s = Side{};
    s.side = in.u8();
    s.fired = in.u8() != 0;
    s.sorted = in.u8() != 0;
    const std::size_t rows = in.count(5);
    if (!in.ok() || s.side > 1) return false;
    std::vector<std::uint32_t> nulls;
    runtime::BatchBuilder builder(schemas[s.side], rows);
    for (std::size_t i = 0; i < rows && in.ok(); ++i) {
      nulls.push_back(in.u8());
      keyed::ByteReader row(in.bytes());
      const std::int64_t ts = keyed::decode_row(row, *schemas[s.side], builder);
      if (!row.ok() || !row.at_end()) return false;
      builder.end_row(ts);
    }
    if (!in.ok() || !in.at_end()) return false;
    if (rows == 0) return true;
    runtime::BatchPtr batch = builder.finish(false);
    std::vector<std::uint64_t> hashes(rows);
    runtime::hash_key_columns(*batch, key_columns[s.side], hashes);
    for (std::size_t i = 0; i < rows; ++i) {
      s.entries.push_back(Entry{hashes[i], batch.get(), static_cast<std::uint32_t>(i), nulls[i]});
    }
    s.batches.push_back(std::move(batch));
    return true;
  }
};

constexpr const char* kStateName = "window_join";

class WindowJoinOperator final : public runtime::Operator {
 public:
  explicit WindowJoinOperator(JoinConfig config)
      : config_(std::move(config)),
        out_(config_.output_schema, kOutputBatchRows),
        left_columns_(config_.input_schemas[0]->size()),
        backend_(config_.state_backend),
        sides_(backend_, {config_.node_id, config_.task_name, kStateName},
               SideCodec{{config_.input_schemas[0], config_.input_schemas[1]},
                         {config_.key_columns[0], config_.key_columns[1]}}) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    counters_ = context.counters;  // late records are counted where they are routed
    return sides_.ready();
  }

  void close() override {
    sides_.close();
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
    Sides::Handle h = Sides::kNone;
    std::int64_t h_start = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const std::int64_t start = keyed::tumbling_start(times[r], config_.size);
      const std::int64_t end = keyed::saturating_add(start, config_.size);
      const std::int64_t purge = keyed::saturating_add(end, config_.allowed_lateness);
      if (purge <= watermark_) {
        late_rows_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      const Entry entry{hashes_[r], batch.get(), static_cast<std::uint32_t>(r),
                        has_null_key(*batch, r, side) ? 1u : 0u};
      if (entry.null_key && !(side == 0 && config_.left_join)) continue;  // can never be output
      // Consecutive records mostly share a window: one lookup for them.
      if (h == Sides::kNone || h_start != start) {
        h = side_of(start, side, end, purge);
        h_start = start;
      }
      if (end > watermark_) {
        Side& mine = sides_.modify(h);
        mine.retain(batch);
        mine.sorted = false;
        mine.entries.push_back(entry);
        continue;
      }
      // The window fired (within allowed lateness): join with the other side now.
      join_late(start, side, entry, end - 1, out);
      Side& mine = sides_.modify(h);  // after join_late, which may load the other side
      mine.retain(batch);
      mine.sort();
      mine.entries.insert(
          std::upper_bound(mine.entries.begin(), mine.entries.end(), entry, hash_less), entry);
    }
    sides_.end_call();
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
    // (time, start, side) order: at a window's end its left side fires against the right one;
    // both go at end + allowed_lateness.
    sides_.advance(watermark_, [&](Sides::Handle h, std::int64_t) {
      const std::int64_t start = sides_.ns(h);
      const std::int64_t end = keyed::saturating_add(start, config_.size);
      const std::int64_t purge = keyed::saturating_add(end, config_.allowed_lateness);
      if (sides_.value(h).side == 0 && !sides_.value(h).fired) fire(h, start, end - 1, out);
      if (purge <= watermark_) {
        sides_.erase(h);
      } else {
        sides_.set_timer(h, purge);
      }
    });
    sides_.end_call();
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
    return sides_.snapshot(writer, w.buffer());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    watermark_ = kMinTime;
    bool found = false;
    std::string header;
    if (auto st = sides_.restore(reader, found, header); !st) return st;
    if (!found) return graphs::Ok{};
    keyed::ByteReader in(header);
    if (auto st = runtime::state::check_version(in, kStateVersion, "window_join state"); !st) {
      return st;
    }
    watermark_ = in.i64();
    if (!in.ok() || !in.at_end()) return graphs::Error{"window_join: corrupt state blob"};
    return graphs::Ok{};
  }

 private:
  using Sides = runtime::state::KeyedValueState<Side, SideCodec>;

  static std::string_view side_key(std::size_t side) { return side == 0 ? "L" : "R"; }

  // The window's side, new if it has none: its timer at the window's end (left, to fire) or at
  // end + allowed_lateness.
  Sides::Handle side_of(std::int64_t start, std::size_t side, std::int64_t end,
                        std::int64_t purge) {
    Sides::Handle h = sides_.find(start, side_key(side));
    if (h != Sides::kNone) return h;
    Side s;
    s.side = static_cast<std::uint8_t>(side);
    // A window first met after the watermark passed its end (within allowed lateness) has
    // nothing to fire: its records join as they come, like any fired window's.
    s.fired = end <= watermark_;
    s.sorted = true;  // empty
    h = sides_.insert(start, side_key(side), std::move(s));
    sides_.set_timer(h, side == 0 && end > watermark_ ? end : purge);
    return h;
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

  // The left side at its window's end: both sides in hash order, merged.
  void fire(Sides::Handle left_side, std::int64_t start, std::int64_t ts, runtime::Collector& out) {
    const Sides::Handle right_side = sides_.find(start, side_key(1));
    Side& l = sides_.modify(left_side);  // after find, which may load the right side
    l.sort();
    l.fired = true;
    static const std::vector<Entry> kNoEntries;
    const std::vector<Entry>* right_entries = &kNoEntries;
    if (right_side != Sides::kNone) {
      Side& r = sides_.modify(right_side);
      r.sort();
      right_entries = &r.entries;
    }
    const std::vector<Entry>& left = sides_.value(left_side).entries;
    const std::vector<Entry>& right = *right_entries;
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

  // A record for a window that already fired (within allowed lateness): its new pairs now.
  void join_late(std::int64_t start, std::size_t side, const Entry& entry, std::int64_t ts,
                 runtime::Collector& out) {
    const Sides::Handle other = sides_.find(start, side_key(1 - side));
    bool matched = false;
    if (other != Sides::kNone) {
      Side& o = sides_.modify(other);
      o.sort();
      auto [lo, hi] = std::equal_range(o.entries.begin(), o.entries.end(), entry, hash_less);
      for (auto it = lo; it != hi; ++it) {
        const Entry& left = side == 0 ? entry : *it;
        const Entry& right = side == 0 ? *it : entry;
        if (!matches(left, right)) continue;
        append_pair(left, &right, ts, out);
        matched = true;
      }
    }
    if (side == 0 && !matched && config_.left_join) append_pair(entry, nullptr, ts, out);
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

  JoinConfig config_;
  runtime::BatchBuilder out_;
  std::size_t left_columns_;
  std::int64_t watermark_ = kMinTime;
  std::vector<std::uint64_t> hashes_;
  runtime::RecordCounters* counters_ = nullptr;  // the task's (OperatorContext)
  std::vector<std::uint32_t> late_rows_;
  runtime::state::OperatorStateBackend backend_;
  Sides sides_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_window_join(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  const std::string& id = context.node.id;
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

  auto inputs = keyed::resolve_join_inputs(context, "window_join", config.left_join);
  if (!inputs) return inputs.error();
  for (std::size_t side = 0; side < 2; ++side) {
    config.key_columns[side] = std::move(inputs->key_columns[side]);
    config.input_schemas[side] = std::move(inputs->input_schemas[side]);
  }
  config.output_schema = std::move(inputs->output_schema);
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
