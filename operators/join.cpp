#include "operators/join.hpp"

#include <algorithm>
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
#include "runtime/state/keyed_value_state.hpp"
#include "runtime/state/operator_state.hpp"

namespace rivulet::operators {

graphs::OperatorSpec join_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator(
             "join", "join",
             "Joins two keyed streams on their keys, record by record (regular, interval join). "
             "As Flink's regular and interval joins, a record is paired at once with every record "
             "of the other input "
             "that has the same key and arrived before it. mode = unbounded pairs every two such "
             "records, keeping both inputs for ever (bound them upstream, e.g. with a filter). "
             "mode = interval pairs a left and a right record only when left.ts - lower_bound <= "
             "right.ts <= left.ts + upper_bound, forgets a record once the watermark has passed "
             "the last time a partner could have, and sends records that arrive behind the "
             "watermark to left_late / right_late. Both inputs must be keyed by the same number "
             "of fields, of the same types, in the same order; a NULL key matches nothing.")
      .stateful()
      .inputs({
          keyed_input("left", "Left records, keyed like 'right'."),
          keyed_input("right", "Right records, keyed like 'left'."),
      })
      .outputs({
          output("out", join("left", "right", "join_type", "left"),
                 "One record per pair: the left fields, then the right fields (a name that "
                 "clashes is prefixed \"right_\"), with the later of the two event times. With "
                 "join_type = left, a left record that found no partner is emitted with NULL "
                 "right fields when it is forgotten, at left.ts + upper_bound."),
          common::late_output("left_late", "left"),
          common::late_output("right_late", "right"),
      })
      .parameters({
          enumeration("mode", {"unbounded", "interval"}, "unbounded",
                      "unbounded: every pair of records with equal keys (state grows with the "
                      "inputs). interval: only pairs within the bounds, state bounded by them."),
          duration("lower_bound", milliseconds(0),
                   "interval: how much earlier than the left record a right record may be.")
              .min(0)
              .when("mode", {"interval"}),
          duration("upper_bound", milliseconds(0),
                   "interval: how much later than the left record a right record may be.")
              .min(0)
              .when("mode", {"interval"}),
          enumeration("join_type", {"inner", "left"}, "inner",
                      "inner: only pairs. left (interval only): also every left record that "
                      "found no partner, with the right fields NULL."),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// State: per side and key, the side's records (encoded rows, keyed::encode_row, with their event
// time and, on the left, whether they found a partner), an entry (namespace = side, key) of a
// runtime::state::KeyedValueState on the job's backend. A record arriving on one side is probed
// against the other side's entry of its key — every record there within the bounds is a pair,
// emitted at once — then appended to its own side's entry.
//
// Interval mode: a left record l can only meet a future right record r (r.ts >= watermark, else
// r is late) while watermark <= l.ts + upper_bound, and r only a future l while watermark <=
// r.ts + lower_bound. Each entry's timer is the earliest time one of its records stops being
// useful; when the watermark reaches it, those records are dropped (an unmatched left one of a
// left join emitted first, at l.ts + upper_bound, which is never behind the watermark already
// forwarded). So among records that are not late, the pairs are exactly those of the SQL
// interval join, whatever the interleaving of the inputs. Unbounded mode: no timers, no late
// records (nothing is ever dropped, so a record behind the watermark still joins).
namespace {

using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 1;
constexpr const char* kStateName = "join";
constexpr std::size_t kOutputBatchRows = 4096;
constexpr std::int64_t kLeft = 0;
constexpr std::int64_t kRight = 1;

struct StoredRecord {
  std::int64_t time = 0;
  bool matched = false;  // left records of a left join: found a partner
  std::string row;       // keyed::encode_row
};

struct SideRecords {
  std::vector<StoredRecord> records;
};

struct SideRecordsCodec {
  static void encode(const SideRecords& side, runtime::state::ByteWriter& w) {
    w.u64(side.records.size());
    for (const StoredRecord& r : side.records) {
      w.i64(r.time);
      w.u8(r.matched ? 1 : 0);
      w.bytes(r.row);
    }
  }
  static bool decode(std::string_view bytes, SideRecords& side) {
    runtime::state::ByteReader in{bytes};
    const std::size_t n = in.count(13);
    side.records.resize(n);
    for (std::size_t i = 0; i < n && in.ok(); ++i) {
      side.records[i].time = in.i64();
      side.records[i].matched = in.u8() != 0;
      side.records[i].row = std::string(in.bytes());
    }
    return in.ok() && in.at_end();
  }
};

struct JoinOptions {
  keyed::JoinInputs inputs;
  bool interval = false;
  std::int64_t lower = 0;
  std::int64_t upper = 0;
  bool left_join = false;
  std::string node_id;
  std::string task_name;
  runtime::state::StateBackendOptions state_backend;
};

class JoinOperator final : public runtime::Operator {
 public:
  explicit JoinOperator(JoinOptions options)
      : options_(std::move(options)),
        out_(options_.inputs.output_schema, kOutputBatchRows),
        left_columns_(options_.inputs.input_schemas[0]->size()),
        keys_{keyed::KeyEncoder(options_.inputs.key_columns[0]),
              keyed::KeyEncoder(options_.inputs.key_columns[1])},
        backend_(options_.state_backend),
        sides_(backend_, {options_.node_id, options_.task_name, kStateName}) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    counters_ = context.counters;
    return sides_.ready();
  }

  void close() override {
    sides_.close();
    backend_.close();
  }

  void process(std::size_t input, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const auto side = static_cast<std::int64_t>(input);
    const auto times = batch->event_times();
    late_rows_.clear();
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      const std::int64_t time = times[r];
      if (options_.interval && time < watermark_) {
        late_rows_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      keyed::KeyEncoder& keys = keys_[side];
      bool matched = false;
      if (!keys.has_null(*batch, r)) {
        const std::string_view key = keys.encode(*batch, r);
        matched = probe(side, key, *batch, r, time, out);
        store(side, key, *batch, r, time, matched);
      } else if (side == kLeft && options_.left_join) {
        emit_unmatched_left(*batch, r, time);  // matches nothing, ever: at once
      }
    }
    sides_.end_call();
    if (!late_rows_.empty()) {
      if (counters_) counters_->count_late(late_rows_.size());
      runtime::BatchBuilder late(batch->schema(), late_rows_.size());
      late.append_rows(*batch, late_rows_);
      out.emit(1 + input, late.finish(false));
    }
    flush(out);
  }

  void on_watermark(std::int64_t watermark_ms, runtime::Collector& out) override {
    if (watermark_ms <= watermark_) return;
    watermark_ = watermark_ms;
    if (!options_.interval) return;
    sides_.advance(watermark_, [&](Sides::Handle h, std::int64_t) { expire(h); });
    sides_.end_call();
    flush(out);
  }

  void on_end_of_input(runtime::Collector& out) override { flush(out); }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    write_definition(w);
    w.i64(watermark_);
    return sides_.snapshot(writer, w.buffer());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    bool found = false;
    std::string header;
    if (auto st = sides_.restore(reader, found, header); !st) return st;
    if (!found) return graphs::Ok{};
    keyed::ByteReader in(header);
    if (auto st = runtime::state::check_version(in, kStateVersion, "join state"); !st) return st;
    const bool interval = in.u8() != 0;
    const bool left_join = in.u8() != 0;
    const std::int64_t lower = in.i64();
    const std::int64_t upper = in.i64();
    watermark_ = in.i64();
    if (!in.ok() || !in.at_end()) return graphs::Error{"join: corrupt state blob"};
    if (interval != options_.interval || left_join != options_.left_join ||
        lower != options_.lower || upper != options_.upper) {
      // Other bounds would leave records kept for the old ones and drop pairs silently.
      return graphs::Error{"node '" + options_.node_id +
                           "': the join state was written with another mode, join_type or "
                           "bounds (give the node a new id to start anew)"};
    }
    return graphs::Ok{};
  }

 private:
  using Sides = runtime::state::KeyedValueState<SideRecords, SideRecordsCodec>;

  void write_definition(keyed::ByteWriter& w) const {
    w.u8(options_.interval ? 1 : 0);
    w.u8(options_.left_join ? 1 : 0);
    w.i64(options_.lower);
    w.i64(options_.upper);
  }

  // When a record stops being able to meet a future partner: the timer of its entry.
  std::int64_t expiry(std::int64_t side, std::int64_t time) const {
    return keyed::saturating_add(time, side == kLeft ? options_.upper : options_.lower) + 1;
  }

  bool within(std::int64_t left_time, std::int64_t right_time) const {
    if (!options_.interval) return true;
    return right_time >= left_time - options_.lower && right_time <= left_time + options_.upper;
  }

  // Pairs the arriving record with the other side's records of its key; true if any.
  bool probe(std::int64_t side, std::string_view key, const runtime::RecordBatch& batch,
             std::size_t row, std::int64_t time, runtime::Collector& out) {
    const std::int64_t other = 1 - side;
    const Sides::Handle h = sides_.find(other, key);
    if (h == Sides::kNone) return false;
    bool any = false;
    const bool mark = other == kLeft && options_.left_join;
    const std::vector<StoredRecord>& records = sides_.value(h).records;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const StoredRecord& stored = records[i];
      const std::int64_t left_time = side == kLeft ? time : stored.time;
      const std::int64_t right_time = side == kLeft ? stored.time : time;
      if (!within(left_time, right_time)) continue;
      any = true;
      append_pair(side, batch, row, stored.row);
      out_.end_row(std::max(left_time, right_time));
      if (mark && !stored.matched) sides_.modify(h).records[i].matched = true;
      if (out_.num_rows() >= kOutputBatchRows) flush(out);
    }
    return any;
  }

  void append_pair(std::int64_t side, const runtime::RecordBatch& batch, std::size_t row,
                   std::string_view stored_row) {
    keyed::ByteReader in(stored_row);
    const std::int64_t other = 1 - side;
    const std::size_t own_first = side == kLeft ? 0 : left_columns_;
    if (side == kRight) {
      keyed::decode_row(in, *options_.inputs.input_schemas[other], out_, 0);
    }
    for (std::size_t c = 0; c < batch.num_columns(); ++c) {
      keyed::append_cell(out_, own_first + c, batch.column(c), row);
    }
    if (side == kLeft) {
      keyed::decode_row(in, *options_.inputs.input_schemas[other], out_, left_columns_);
    }
    if (!in.ok()) throw std::runtime_error(options_.task_name + ": corrupt join state row");
  }

  void store(std::int64_t side, std::string_view key, const runtime::RecordBatch& batch,
             std::size_t row, std::int64_t time, bool matched) {
    Sides::Handle h = sides_.find(side, key);
    if (h == Sides::kNone) h = sides_.insert(side, key, SideRecords{});
    StoredRecord record;
    record.time = time;
    record.matched = matched;
    keyed::encode_row(batch, row, record.row);
    sides_.modify(h).records.push_back(std::move(record));
    if (options_.interval) {
      const std::int64_t due = expiry(side, time);
      if (due < sides_.timer(h)) sides_.set_timer(h, due);
    }
  }

  // The entry's timer fired: drop its records that can meet no future partner.
  void expire(Sides::Handle h) {
    const std::int64_t side = sides_.ns(h);
    std::vector<StoredRecord>& records = sides_.modify(h).records;
    std::int64_t next = Sides::kNoTimer;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      StoredRecord& record = records[i];
      const std::int64_t due = expiry(side, record.time);
      if (due > watermark_) {
        next = std::min(next, due);
        if (kept != i) records[kept] = std::move(record);  // not onto itself: that empties it
        ++kept;
        continue;
      }
      if (side == kLeft && options_.left_join && !record.matched) {
        keyed::ByteReader in(record.row);
        keyed::decode_row(in, *options_.inputs.input_schemas[kLeft], out_, 0);
        append_null_right();
        out_.end_row(keyed::saturating_add(record.time, options_.upper));
      }
    }
    records.resize(kept);
    if (records.empty()) {
      sides_.erase(h);
    } else {
      sides_.set_timer(h, next);
    }
  }

  void emit_unmatched_left(const runtime::RecordBatch& batch, std::size_t row, std::int64_t time) {
    for (std::size_t c = 0; c < batch.num_columns(); ++c) {
      keyed::append_cell(out_, c, batch.column(c), row);
    }
    append_null_right();
    out_.end_row(options_.interval ? keyed::saturating_add(time, options_.upper) : time);
  }

  void append_null_right() {
    for (std::size_t c = left_columns_; c < options_.inputs.output_schema->size(); ++c) {
      keyed::append_null_or_default(out_, c);
    }
  }

  void flush(runtime::Collector& out) {
    if (!out_.empty()) out.emit(0, out_.finish());
  }

  JoinOptions options_;
  runtime::BatchBuilder out_;
  std::size_t left_columns_;
  keyed::KeyEncoder keys_[2];
  std::int64_t watermark_ = kMinTime;
  runtime::RecordCounters* counters_ = nullptr;
  std::vector<std::uint32_t> late_rows_;
  runtime::state::OperatorStateBackend backend_;
  Sides sides_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_join(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  JoinOptions options;
  auto mode = params.string("mode");
  auto lower = params.duration_ms("lower_bound");
  auto upper = params.duration_ms("upper_bound");
  auto join_type = params.string("join_type");
  if (!mode) return mode.error();
  if (!lower) return lower.error();
  if (!upper) return upper.error();
  if (!join_type) return join_type.error();
  if (*mode != "unbounded" && *mode != "interval") {
    return params.error("mode", "must be 'unbounded' or 'interval'");
  }
  if (*join_type != "inner" && *join_type != "left") {
    return params.error("join_type", "must be 'inner' or 'left'");
  }
  if (*lower < 0) return params.error("lower_bound", "must not be negative");
  if (*upper < 0) return params.error("upper_bound", "must not be negative");
  options.interval = *mode == "interval";
  options.left_join = *join_type == "left";
  if (options.left_join && !options.interval) {
    return params.error("join_type",
                        "'left' needs mode = interval: an unbounded join never knows that a left "
                        "record will find no partner");
  }
  options.lower = options.interval ? *lower : 0;
  options.upper = options.interval ? *upper : 0;
  auto inputs = keyed::resolve_join_inputs(context, "join", options.left_join);
  if (!inputs) return inputs.error();
  options.inputs = std::move(*inputs);
  options.node_id = context.node.id;
  options.task_name = context.node.id + "#" + std::to_string(context.subtask_index);
  options.state_backend = context.state_backend;
  return std::unique_ptr<runtime::Operator>(std::make_unique<JoinOperator>(std::move(options)));
}

}  // namespace

runtime::OperatorFactory join_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_join(context); });
}

}  // namespace rivulet::operators
