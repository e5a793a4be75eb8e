#include "operators/running_stats.hpp"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "operators/keyed/byte_io.hpp"
#include "operators/keyed/key_encoder.hpp"
#include "operators/keyed/row_codec.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"
#include "runtime/state/keyed_value_state.hpp"
#include "runtime/state/operator_state.hpp"

namespace rivulet::operators {

graphs::OperatorSpec running_stats_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("running_stats", "transform",
                  "Scores each record against its key's recent values of a numeric field. For "
                  "every record it appends the mean and the (population) standard deviation of "
                  "'field' over the key's previous 'window' records, the number of those "
                  "(samples), and the record's z-score (field - mean) / stddev; then the record "
                  "joins the window. Records count in arrival order per key (a Kafka "
                  "partition's order); a null field value is scored null and not counted. "
                  "Filter on abs(zscore) > k for k-sigma anomalies.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; each key has its own window.")})
      .outputs({keyed_output(
          "out",
          append_fixed(
              "in",
              {field("mean", FieldType::Float64, true), field("stddev", FieldType::Float64, true),
               field("zscore", FieldType::Float64, true), field("samples", FieldType::Int64)}),
          "Each record followed by mean, stddev and zscore (null before min_samples values or "
          "when stddev is 0) and samples; keyed like the input.")})
      .parameters({
          list("field", ParameterType::FieldList, "The one numeric (int64 or float64) field.")
              .over("in"),
          integer("window", 100, "Previous records per key the statistics cover.")
              .min(2)
              .max(100'000),
          integer("min_samples", 10,
                  "Values needed before a z-score is given (mean and stddev are null before).")
              .min(2),
      });
}

// ---- implementation -----------------------------------------------------------------------
//
// Per key: the last 'window' values in a ring (state: a runtime::state::KeyedValueState on the
// job's backend, no timers). The statistics are computed in two passes over the ring per
// record (mean, then squared deviations), exact rather than incremental, so they never drift.
namespace {

constexpr std::uint32_t kStateVersion = 1;
constexpr const char* kStateName = "running_stats";

struct Ring {
  std::vector<double> values;  // up to the window's capacity
  std::uint32_t next = 0;      // where the next value goes once full
};

struct RingCodec {
  static void encode(const Ring& ring, runtime::state::ByteWriter& w) {
    w.u32(ring.next);
    w.u64(ring.values.size());
    for (double v : ring.values) w.f64(v);
  }
  static bool decode(std::string_view bytes, Ring& ring) {
    runtime::state::ByteReader r{bytes};
    ring.next = r.u32();
    const std::size_t n = r.count(8);
    ring.values.resize(n);
    for (std::size_t i = 0; i < n && r.ok(); ++i) ring.values[i] = r.f64();
    return r.ok() && r.at_end() && (n == 0 || ring.next < n);
  }
};

class RunningStatsOperator final : public runtime::Operator {
 public:
  RunningStatsOperator(runtime::SchemaPtr output_schema, std::vector<std::size_t> key_columns,
                       runtime::FieldRef field, std::size_t window, std::size_t min_samples,
                       std::string node_id, std::string task_name,
                       runtime::state::StateBackendOptions backend)
      : output_schema_(std::move(output_schema)),
        keys_(std::move(key_columns)),
        field_(field),
        window_(window),
        min_samples_(min_samples),
        backend_(std::move(backend)),
        rings_(backend_, {std::move(node_id), std::move(task_name), kStateName}) {}

  graphs::Status open(const runtime::OperatorContext& /*context*/) override {
    return rings_.ready();
  }

  void close() override {
    rings_.close();
    backend_.close();
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const std::size_t n = batch->num_rows();
    const std::size_t width = batch->num_columns();
    const runtime::Column& values = batch->column(field_.index);
    runtime::BatchBuilder builder(output_schema_, n);
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t c = 0; c < width; ++c) keyed::append_cell(builder, c, batch->column(c), r);
      const std::string_view key = keys_.encode(*batch, r);
      Rings::Handle h = rings_.find(0, key);
      if (h == Rings::kNone) h = rings_.insert(0, key, Ring{});
      Ring& ring = rings_.modify(h);
      const std::size_t samples = ring.values.size();
      const bool known = !values.is_null(r);
      const double x = !known ? 0
                       : values.type() == graphs::FieldType::Float64
                           ? values.float64s()[r]
                           : static_cast<double>(values.int64s()[r]);
      double mean = 0, stddev = 0;
      if (samples > 0) {
        for (double v : ring.values) mean += v;
        mean /= static_cast<double>(samples);
        double squares = 0;
        for (double v : ring.values) squares += (v - mean) * (v - mean);
        stddev = std::sqrt(squares / static_cast<double>(samples));
      }
      const bool enough = samples >= min_samples_;
      append_optional(builder, width, enough, mean);
      append_optional(builder, width + 1, enough, stddev);
      append_optional(builder, width + 2, enough && known && stddev > 0 && std::isfinite(x),
                      (x - mean) / stddev);
      builder.append_int64(width + 3, static_cast<std::int64_t>(samples));
      builder.end_row(batch->event_times()[r]);
      if (known && std::isfinite(x)) add(ring, x);
    }
    rings_.end_call();
    if (n > 0) out.emit(0, builder.finish(false));
  }

  graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, runtime::StateWriter& writer) override {
    keyed::ByteWriter w;
    runtime::state::write_version(w, kStateVersion);
    w.u64(window_);
    return rings_.snapshot(writer, w.buffer());
  }

  graphs::Status restore(runtime::StateReader& reader) override {
    bool found = false;
    std::string header;
    if (auto st = rings_.restore(reader, found, header); !st) return st;
    if (!found) return graphs::Ok{};
    keyed::ByteReader in(header);
    if (auto st = runtime::state::check_version(in, kStateVersion, "running_stats state"); !st) {
      return st;
    }
    const std::uint64_t window = in.u64();
    if (!in.ok() || !in.at_end()) return graphs::Error{"running_stats: corrupt state blob"};
    if (window != window_) {
      // A changed window would mix two definitions of "recent" in one key's statistics.
      return graphs::Error{"running_stats: the state was written with window " +
                           std::to_string(window) + ", the graph now says " +
                           std::to_string(window_) + " (give the node a new id to start anew)"};
    }
    return graphs::Ok{};
  }

 private:
  using Rings = runtime::state::KeyedValueState<Ring, RingCodec>;

  static void append_optional(runtime::BatchBuilder& builder, std::size_t column, bool present,
                              double value) {
    if (present) {
      builder.append_float64(column, value);
    } else {
      builder.append_null(column);
    }
  }

  void add(Ring& ring, double x) const {
    if (ring.values.size() < window_) {
      ring.values.push_back(x);
      return;
    }
    ring.values[ring.next] = x;
    ring.next = static_cast<std::uint32_t>((ring.next + 1) % window_);
  }

  runtime::SchemaPtr output_schema_;
  keyed::KeyEncoder keys_;
  runtime::FieldRef field_;
  std::size_t window_;
  std::size_t min_samples_;
  runtime::state::OperatorStateBackend backend_;
  Rings rings_;
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_running_stats(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.size() != 1 || context.output_schemas.size() != 1) {
    return graphs::Error{"node '" + context.node.id + "': running_stats needs one input"};
  }
  const graphs::Schema& input = context.input_schemas[0];
  auto field = params.string_list("field");
  if (!field) return field.error();
  if (field->size() != 1) return params.error("field", "needs exactly one numeric field");
  auto ref = runtime::resolve_field(input, field->front());
  if (!ref) return params.error("field", ref.error().message);
  if (ref->type != graphs::FieldType::Int64 && ref->type != graphs::FieldType::Float64) {
    return params.error("field", "'" + field->front() + "' is " + graphs::to_string(ref->type) +
                                     "; running_stats needs an int64 or float64 field");
  }
  auto window = params.integer("window");
  if (!window) return window.error();
  auto min_samples = params.integer("min_samples");
  if (!min_samples) return min_samples.error();
  if (*window < 2) return params.error("window", "must be at least 2");
  if (*min_samples < 2) return params.error("min_samples", "must be at least 2");
  const std::vector<std::string> keys =
      context.input_keys.empty() ? std::vector<std::string>{} : context.input_keys[0];
  auto columns = runtime::resolve_fields(input, keys);
  if (!columns) {
    return graphs::Error{"node '" + context.node.id + "', input 'in': " + columns.error().message};
  }
  return std::unique_ptr<runtime::Operator>(std::make_unique<RunningStatsOperator>(
      std::make_shared<const graphs::Schema>(context.output_schemas[0]), std::move(*columns), *ref,
      static_cast<std::size_t>(*window), static_cast<std::size_t>(*min_samples), context.node.id,
      context.node.id + "#" + std::to_string(context.subtask_index), context.state_backend));
}

}  // namespace

runtime::OperatorFactory running_stats_factory() {
  return runtime::TransformFactory(
      [](const runtime::OperatorBuildContext& context) { return make_running_stats(context); });
}

}  // namespace rivulet::operators
