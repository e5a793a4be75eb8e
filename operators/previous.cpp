#include "operators/previous.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "operators/common_parameters.hpp"
#include "operators/expression/projection.hpp"
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

graphs::OperatorSpec previous_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("previous", "transform",
                  "Pairs each record with its key's previous record, in event-time order. For "
                  "every record except a key's first, the 'carry' expressions are evaluated on "
                  "the key's previous record and appended (\"country AS prev_country\", \"ts AS "
                  "prev_ts\"); a filter or map downstream then compares the two, e.g. the speed "
                  "between two card transactions. Records are held until the watermark passes "
                  "them, so the order is by event time (ties in arrival order), not by arrival.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; each key's records are paired in order.")})
      .outputs({
          keyed_output("out", extend_input("in", "carry"),
                       "Each record that has a previous one, followed by the carry fields "
                       "computed on that previous record; keyed like the input."),
          common::late_output("late", "in"),
      })
      .parameters({
          required_list("carry", ParameterType::ExpressionList,
                        "\"expression AS name\" items evaluated on the previous record, each "
                        "with a name no input field has, e.g. \"country AS prev_country\".")
              .over("in"),
          duration("max_gap", milliseconds(0),
                   "Pair only with a previous record at most this much earlier; a key silent "
                   "for longer starts anew (its next record is not emitted) and is forgotten, "
                   "which bounds the state. 0: no limit (one previous record per key is kept "
                   "for ever).")
              .min(0),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// Arrival: records behind the watermark go to 'late' (counted); the others are held
// (keyed::EventTimeBuffer) with their carry values, computed at once for the whole batch by an
// expression::Projection. Watermark: the held records before it are released in event-time
// order; each one with a previous record of its key (within max_gap) is emitted with that
// record's carry values, then becomes the key's previous record. State per key (a
// runtime::state::KeyedValueState on the job's backend): the previous record's time and carry
// values (keyed::encode_row of the carry batch), with a timer at time + max_gap that forgets
// the key. Snapshot: the held records (their carry values are computed again on restore).
namespace {

using keyed::kMaxTime;
using keyed::kMinTime;

constexpr std::uint32_t kStateVersion = 1;
constexpr const char* kStateName = "previous";
constexpr std::size_t kOutputBatchRows = 1024;

struct PreviousRecord {
  std::int64_t time = 0;
  std::string carried;  // keyed::encode_row of the carry values
};

struct PreviousCodec {
  static void encode(const PreviousRecord& p, runtime::state::ByteWriter& w) {
    w.i64(p.time);
    w.bytes(p.carried);
  }
  static bool decode(std::string_view bytes, PreviousRecord& p) {
    runtime::state::ByteReader r{bytes};
    p.time = r.i64();
    p.carried = std::string(r.bytes());
    return r.ok() && r.at_end();
  }
};

struct PreviousConfig {
  runtime::SchemaPtr input_schema;
  runtime::SchemaPtr output_schema;
  std::vector<std::size_t> key_columns;
  std::int64_t max_gap = 0;  // 0: none
  std::string node_id;
  std::string task_name;
  runtime::state::StateBackendOptions state_backend;
};

class PreviousOperator final : public runtime::Operator {
 public:
  PreviousOperator(PreviousConfig config, std::unique_ptr<expression::Projection> carry)
      : config_(std::move(config)),
        carry_(std::move(carry)),
        keys_(config_.key_columns),
        out_(config_.output_schema, kOutputBatchRows),
        backend_(config_.state_backend),
        previous_(backend_, {config_.node_id, config_.task_name, kStateName}) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    counters_ = context.counters;
    return previous_.ready();
  }

  void close() override {
    previous_.close();
    backend_.close();
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    buffer_.hold(
        batch, watermark_, [&](const runtime::RecordBatch& b) { return carry_->apply(b); },
        /*late_port=*/1, counters_, out);
  }

  void on_watermark(std::int64_t watermark_ms, runtime::Collector& out) override {
    if (watermark_ms <= watermark_) return;
    watermark_ = watermark_ms;
    release(watermark_ms, /*all=*/false, out);
    if (config_.max_gap > 0) {
      previous_.advance(watermark_, [&](Previous::Handle h, std::int64_t) { previous_.erase(h); });
      previous_.end_call();
    }
  }

  void on_end_of_input(runtime::Collector& out) override { release(kMaxTime, /*all=*/true, out); }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    w.i64(watermark_);
    buffer_.write_held(w);
    return previous_.snapshot(writer, w.buffer());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    buffer_.clear();
    watermark_ = kMinTime;
    bool found = false;
    std::string header;
    if (auto st = previous_.restore(reader, found, header); !st) return st;
    if (!found) return graphs::Ok{};
    keyed::ByteReader in(header);
    if (auto st = runtime::state::check_version(in, kStateVersion, "previous state"); !st)
      return st;
    watermark_ = in.i64();
    const bool held = buffer_.read_held(
        in, config_.input_schema, [&](const runtime::RecordBatch& b) { return carry_->apply(b); });
    if (!held || !in.at_end()) return graphs::Error{"previous: corrupt state blob (held rows)"};
    return graphs::Ok{};
  }

 private:
  using Previous = runtime::state::KeyedValueState<PreviousRecord, PreviousCodec>;

  void release(std::int64_t limit, bool all, runtime::Collector& out) {
    const std::size_t width = config_.input_schema->size();
    const graphs::Schema& carried_schema = *carry_->output_schema();
    buffer_.release_before(
        limit, all,
        [&](const runtime::RecordBatch& batch, const runtime::RecordBatch* carried,
            std::uint32_t row, std::int64_t ts) {
          const std::string_view key = keys_.encode(batch, row);
          Previous::Handle h = previous_.find(0, key);
          if (h == Previous::kNone) {
            h = previous_.insert(0, key, PreviousRecord{});
          } else if (config_.max_gap == 0 || ts - previous_.value(h).time <= config_.max_gap) {
            for (std::size_t c = 0; c < width; ++c) {
              keyed::append_cell(out_, c, batch.column(c), row);
            }
            keyed::ByteReader values(previous_.value(h).carried);
            keyed::decode_row(values, carried_schema, out_, width);
            out_.end_row(ts);
            if (out_.num_rows() >= kOutputBatchRows) flush(out);
          }
          PreviousRecord& p = previous_.modify(h);
          p.time = ts;
          p.carried.clear();
          keyed::encode_row(*carried, row, p.carried);
          if (config_.max_gap > 0) {
            previous_.set_timer(h, keyed::saturating_add(ts, config_.max_gap));
          }
        });
    previous_.end_call();
    flush(out);
  }

  void flush(runtime::Collector& out) {
    if (!out_.empty()) out.emit(0, out_.finish());
  }

  PreviousConfig config_;
  std::unique_ptr<expression::Projection> carry_;
  keyed::KeyEncoder keys_;
  keyed::EventTimeBuffer buffer_;
  runtime::BatchBuilder out_;
  std::int64_t watermark_ = kMinTime;
  runtime::RecordCounters* counters_ = nullptr;
  runtime::state::OperatorStateBackend backend_;
  Previous previous_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_previous(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.size() != 1) {
    return graphs::Error{"node '" + context.node.id + "': previous needs one input"};
  }
  const graphs::Schema& input = context.input_schemas[0];
  auto items = params.checked_expression_list("carry", input);
  if (!items) return items.error();
  if (items->empty())
    return params.error("carry", "needs at least one \"expression AS name\" item");
  graphs::Schema carried;
  std::vector<expression::Projection::Source> sources;
  for (const graphs::expr::NamedExpression& item : *items) {
    const bool taken = std::any_of(input.begin(), input.end(),
                                   [&](const graphs::Field& f) { return f.name == item.name; }) ||
                       std::any_of(carried.begin(), carried.end(),
                                   [&](const graphs::Field& f) { return f.name == item.name; });
    if (taken) {
      return params.error("carry", "'" + item.name +
                                       "' is already a field: give the previous record's value "
                                       "a new name, e.g. prev_" +
                                       item.name);
    }
    auto source = expression::Projection::source_for(item.expression);
    if (!source) return params.error("carry", "in '" + item.name + "': " + source.error().message);
    const graphs::expr::Type& type = item.expression.type;
    carried.push_back(graphs::Field{item.name, type.type, type.nullable || type.is_null_literal});
    sources.push_back(std::move(*source));
  }
  graphs::Schema output = input;
  output.insert(output.end(), carried.begin(), carried.end());
  auto max_gap = params.duration_ms("max_gap");
  if (!max_gap) return max_gap.error();
  if (*max_gap < 0) return params.error("max_gap", "must not be negative");
  const std::vector<std::string> keys =
      context.input_keys.empty() ? std::vector<std::string>{} : context.input_keys[0];
  auto columns = runtime::resolve_fields(input, keys);
  if (!columns) {
    return graphs::Error{"node '" + context.node.id + "', input 'in': " + columns.error().message};
  }
  PreviousConfig config;
  config.input_schema = std::make_shared<const graphs::Schema>(input);
  config.output_schema = std::make_shared<const graphs::Schema>(std::move(output));
  config.key_columns = std::move(*columns);
  config.max_gap = *max_gap;
  config.node_id = context.node.id;
  config.task_name = context.node.id + "#" + std::to_string(context.subtask_index);
  config.state_backend = context.state_backend;
  auto projection = std::make_unique<expression::Projection>(
      std::make_shared<const graphs::Schema>(std::move(carried)), std::move(sources));
  return std::unique_ptr<runtime::Operator>(
      std::make_unique<PreviousOperator>(std::move(config), std::move(projection)));
}

}  // namespace

runtime::OperatorFactory previous_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_previous(context); });
}

}  // namespace rivulet::operators
