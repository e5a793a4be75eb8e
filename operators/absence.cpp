#include "operators/absence.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "operators/common_parameters.hpp"
#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/event_time.hpp"
#include "operators/keyed/event_time_buffer.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/row_codec.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/keyed_value_state.hpp"
#include "runtime/state/operator_state.hpp"

namespace rivulet::operators {

graphs::OperatorSpec absence_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("absence", "alert",
                  "Reports a key that went silent: no record for 'timeout' of event time. Once "
                  "the watermark passes a key's last record plus the timeout, the last record is "
                  "emitted with last_seen (its event time) appended, at event time last_seen + "
                  "timeout, and the key is forgotten: it is reported once per silence, and "
                  "watched again when it reports again. Records are taken in event-time order "
                  "(held until the watermark passes them), so a silence is one in event time, "
                  "whatever order partitions deliver in. The end of a bounded input is not a "
                  "silence: then only keys silent for the timeout before the latest record are "
                  "reported.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; each key is watched on its own.")})
      .outputs({
          keyed_output("out", append_fixed("in", {field("last_seen", FieldType::Timestamp)}),
                       "One record per silence: the key's last record followed by last_seen "
                       "(its event time); keyed like the input."),
          common::late_output("late", "in"),
      })
      .parameters({
          duration("timeout", minutes(1),
                   "Event time without a record of a key after which it is reported silent.")
              .min(1),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// Records are held (keyed::EventTimeBuffer) until the watermark passes them, then taken in
// event-time order; before each one, the timers due at or before its time fire, so a key is
// silent exactly when, in event time, its next record comes `timeout` or more after the last
// (how the partitions' deliveries interleave does not matter). Per key: its latest record
// (encoded, operators/keyed/row_codec.hpp) and a timer at its event time + timeout. A timer that
// fires emits the record and erases the key. A record behind the watermark is late (to 'late',
// counted): the silence it would have broken may already be reported. State: a
// runtime::state::KeyedValueState on the job's backend; the snapshot header holds the version,
// the watermark and the held records.
namespace {

using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 1;
constexpr const char* kStateName = "absence";

struct LastRecord {
  std::int64_t time = 0;
  std::string row;  // keyed::encode_row
};

struct LastRecordCodec {
  static void encode(const LastRecord& last, runtime::state::ByteWriter& w) {
    w.i64(last.time);
    w.bytes(last.row);
  }
  static bool decode(std::string_view bytes, LastRecord& last) {
    runtime::state::ByteReader r{bytes};
    last.time = r.i64();
    last.row = std::string(r.bytes());
    return r.ok() && r.at_end();
  }
};

class AbsenceOperator final : public runtime::Operator {
 public:
  AbsenceOperator(runtime::SchemaPtr input_schema, std::vector<std::size_t> key_columns,
                  std::int64_t timeout, std::string node_id, std::string task_name,
                  runtime::state::StateBackendOptions backend)
      : input_schema_(std::move(input_schema)),
        output_schema_(with_last_seen(*input_schema_)),
        keys_(std::move(key_columns)),
        timeout_(timeout),
        silent_(output_schema_),
        backend_(std::move(backend)),
        last_(backend_, {std::move(node_id), std::move(task_name), kStateName}) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    counters_ = context.counters;
    return last_.ready();
  }

  void close() override {
    last_.close();
    backend_.close();
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    buffer_.hold(
        batch, watermark_, [](const runtime::RecordBatch&) { return runtime::BatchPtr{}; },
        /*late_port=*/1, counters_, out);
  }

  void on_watermark(std::int64_t watermark_ms, runtime::Collector& out) override {
    if (watermark_ms <= watermark_) return;
    watermark_ = watermark_ms;
    take_held(watermark_ms, /*all=*/false);
    // Every record still to come is at or after the watermark: timers up to it are due. The
    // end of every input (the watermark at its maximum) proves silence only up to the latest
    // record seen: the stream stopped, not the keys.
    fire_until(watermark_ms == keyed::kMaxTime ? latest_ : watermark_ms);
    last_.end_call();
    flush(out);
  }

  void on_end_of_input(runtime::Collector& out) override {
    take_held(keyed::kMaxTime, /*all=*/true);  // no timer fires past the latest record
    last_.end_call();
    flush(out);
  }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    w.i64(watermark_);
    w.i64(latest_);
    buffer_.write_held(w);
    return last_.snapshot(writer, w.buffer());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    watermark_ = kMinTime;
    latest_ = kMinTime;
    buffer_.clear();
    bool found = false;
    std::string header;
    if (auto st = last_.restore(reader, found, header); !st) return st;
    if (!found) return graphs::Ok{};
    keyed::ByteReader in(header);
    if (auto st = runtime::state::check_version(in, kStateVersion, "absence state"); !st) return st;
    watermark_ = in.i64();
    latest_ = in.i64();
    const bool held = buffer_.read_held(
        in, input_schema_, [](const runtime::RecordBatch&) { return runtime::BatchPtr{}; });
    if (!held || !in.at_end()) return graphs::Error{"absence: corrupt state blob"};
    return graphs::Ok{};
  }

 private:
  using Last = runtime::state::KeyedValueState<LastRecord, LastRecordCodec>;

  // Takes the held records before `limit` in event-time order, each after the timers due by
  // its time.
  void take_held(std::int64_t limit, bool all) {
    buffer_.release_before(limit, all,
                           [&](const runtime::RecordBatch& batch, const runtime::RecordBatch*,
                               std::uint32_t row, std::int64_t ts) {
                             fire_until(ts);
                             latest_ = std::max(latest_, ts);
                             remember(batch, row, ts);
                           });
  }

  void remember(const runtime::RecordBatch& batch, std::uint32_t row, std::int64_t ts) {
    const std::string_view key = keys_.encode(batch, row);
    Last::Handle h = last_.find(0, key);
    if (h == Last::kNone) {
      h = last_.insert(0, key, LastRecord{});
    } else if (ts < last_.value(h).time) {
      return;
    }
    LastRecord& last = last_.modify(h);
    last.time = ts;
    last.row.clear();
    keyed::encode_row(batch, row, last.row);
    last_.set_timer(h, keyed::saturating_add(ts, timeout_));
  }

  // Reports the keys whose timer is due at or before `time`.
  void fire_until(std::int64_t time) {
    last_.advance(time, [&](Last::Handle h, std::int64_t due) {
      const LastRecord& last = last_.value(h);
      keyed::ByteReader row(last.row);
      keyed::decode_row(row, *input_schema_, silent_);
      silent_.append_int64(input_schema_->size(), last.time);
      silent_.end_row(due);
      last_.erase(h);
    });
  }

  void flush(runtime::Collector& out) {
    if (!silent_.empty()) out.emit(0, silent_.finish());
  }

  static runtime::SchemaPtr with_last_seen(const graphs::Schema& input) {
    graphs::Schema schema = input;
    schema.push_back(graphs::Field{"last_seen", graphs::FieldType::Timestamp, false});
    return std::make_shared<const graphs::Schema>(std::move(schema));
  }

  runtime::SchemaPtr input_schema_;
  runtime::SchemaPtr output_schema_;
  keyed::KeyEncoder keys_;
  std::int64_t timeout_;
  std::int64_t watermark_ = kMinTime;
  std::int64_t latest_ = kMinTime;  // the latest event time taken
  keyed::EventTimeBuffer buffer_;
  runtime::BatchBuilder silent_;
  runtime::RecordCounters* counters_ = nullptr;
  runtime::state::OperatorStateBackend backend_;
  Last last_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_absence(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.size() != 1) {
    return graphs::Error{"node '" + context.node.id + "': absence needs one input"};
  }
  auto timeout = params.duration_ms("timeout");
  if (!timeout) return timeout.error();
  if (*timeout < 1) return params.error("timeout", "must be at least 1 ms");
  const std::vector<std::string> keys =
      context.input_keys.empty() ? std::vector<std::string>{} : context.input_keys[0];
  auto columns = runtime::resolve_fields(context.input_schemas[0], keys);
  if (!columns) {
    return graphs::Error{"node '" + context.node.id + "', input 'in': " + columns.error().message};
  }
  return std::unique_ptr<runtime::Operator>(std::make_unique<AbsenceOperator>(
      std::make_shared<const graphs::Schema>(context.input_schemas[0]), std::move(*columns),
      *timeout, context.node.id, context.node.id + "#" + std::to_string(context.subtask_index),
      context.state_backend));
}

}  // namespace

runtime::OperatorFactory absence_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_absence(context); });
}

}  // namespace rivulet::operators
