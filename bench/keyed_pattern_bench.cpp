// The per-key pattern operators of the use cases — running_stats (k-sigma scoring), previous
// (consecutive events of a key) and absence (event-time silence) — on one core, in memory and
// with RocksDB: pre-generated keyed batches -> the operator -> a collector that drops
// everything. Baseline in the same run: window_aggregate's tumbling count over the same input
// (the keyed stateful operator the other benchmarks measure), so each figure reads as a ratio.
// Watermarks follow the data (max event time so far minus 1 s) after every batch.
// Results and the command: docs/benchmarks.md ("Per-key pattern operators").
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "operators/absence.hpp"
#include "operators/previous.hpp"
#include "operators/running_stats.hpp"
#include "operators/window_aggregate.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators {
namespace {

using graphs::Field;
using graphs::FieldType;

constexpr std::size_t kBatchRows = 1024;
constexpr std::size_t kBatches = 512;  // ~0.5 M records per iteration
constexpr std::int64_t kKeys = 10'000;
constexpr std::int64_t kOutOfOrderness = 1000;

const graphs::Schema kSchema = {Field{"key", FieldType::Int64, false},
                                Field{"value", FieldType::Float64, false}};

struct Input {
  std::vector<runtime::BatchPtr> batches;
  std::vector<std::int64_t> watermarks;  // after each batch
};

// 10 records per ms of event time over kKeys uniform keys (each key every ~1 s), times jittered
// by up to 500 ms; values around 50 with a rare outlier.
const Input& input() {
  static const Input in = [] {
    Input made;
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> key(0, kKeys - 1);
    std::normal_distribution<double> value(50, 5);
    std::uniform_int_distribution<std::int64_t> jitter(0, 500);
    auto schema = std::make_shared<const graphs::Schema>(kSchema);
    std::int64_t max_time = 0;
    std::size_t n = 0;
    for (std::size_t b = 0; b < kBatches; ++b) {
      runtime::BatchBuilder builder(schema, kBatchRows);
      for (std::size_t r = 0; r < kBatchRows; ++r, ++n) {
        const auto t = static_cast<std::int64_t>(n / 10) + jitter(rng);
        max_time = std::max(max_time, t);
        builder.append_int64(0, key(rng));
        builder.append_float64(1, n % 5000 == 0 ? 500.0 : value(rng));
        builder.end_row(t);
      }
      made.batches.push_back(builder.finish(false));
      made.watermarks.push_back(max_time - kOutOfOrderness);
    }
    return made;
  }();
  return in;
}

struct Discard : runtime::Collector {
  std::size_t rows = 0;
  void emit(std::size_t, runtime::BatchPtr batch) override { rows += batch->num_rows(); }
  bool has_capacity() const override { return true; }
};

struct Kind {
  graphs::OperatorSpec spec;
  runtime::OperatorFactory factory;
  std::vector<graphs::Parameter> parameters;
  std::vector<graphs::Schema> outputs;  // by output port, as schema propagation derives them
};

graphs::Schema with(std::vector<Field> extra) {
  graphs::Schema schema = kSchema;
  schema.insert(schema.end(), extra.begin(), extra.end());
  return schema;
}

std::unique_ptr<runtime::Operator> make(const Kind& kind, graphs::StateBackend backend) {
  graphs::Node node;
  node.id = "bench";
  node.kind = kind.spec.kind;
  node.parameters = kind.parameters;
  runtime::OperatorBuildContext context{node,      kind.spec, {kSchema}, kind.outputs,
                                        {{"key"}}, 0,         1,         ""};
  context.state_backend.kind = backend;
  auto made = std::get<runtime::TransformFactory>(kind.factory)(context);
  if (!made) throw std::runtime_error(made.error().message);
  std::unique_ptr<runtime::Operator> op = std::move(*made);
  runtime::OperatorContext oc;
  oc.task_name = "bench#0";
  oc.input_schemas = {std::make_shared<const graphs::Schema>(kSchema)};
  if (auto opened = op->open(oc); !opened) throw std::runtime_error(opened.error().message);
  return op;
}

void run(benchmark::State& state, const Kind& kind, graphs::StateBackend backend) {
  const Input& in = input();
  std::size_t out_rows = 0;
  for (auto _ : state) {
    auto op = make(kind, backend);
    Discard out;
    for (std::size_t b = 0; b < in.batches.size(); ++b) {
      op->process(0, in.batches[b], out);
      op->on_watermark(in.watermarks[b], out);
    }
    op->on_end_of_input(out);
    out_rows = out.rows;
    benchmark::DoNotOptimize(out_rows);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatches * kBatchRows));
  state.counters["output_rows"] = static_cast<double>(out_rows);
}

graphs::Parameter duration(const char* name, std::int64_t ms) {
  return graphs::Parameter{name, graphs::Duration{ms}};
}

// The baseline: one-minute tumbling count per key.
const Kind& tumbling_count() {
  static const Kind kind{
      window_aggregate_spec(),
      window_aggregate_factory(),
      {duration("size", 60'000), graphs::Parameter{"aggregates", graphs::StringList{"count(*)"}}},
      {}};  // window_aggregate derives its output itself
  return kind;
}
// Mean / stddev / z-score over each key's previous 20 values.
const Kind& running_stats() {
  static const Kind kind{
      running_stats_spec(),
      running_stats_factory(),
      {graphs::Parameter{"field", graphs::StringList{"value"}},
       graphs::Parameter{"window", std::int64_t{20}},
       graphs::Parameter{"min_samples", std::int64_t{5}}},
      {with({Field{"mean", FieldType::Float64, true}, Field{"stddev", FieldType::Float64, true},
             Field{"zscore", FieldType::Float64, true},
             Field{"samples", FieldType::Int64, false}})}};
  return kind;
}
// Each record with its key's previous value, pairs at most 10 s apart.
const Kind& previous() {
  static const Kind kind{previous_spec(),
                         previous_factory(),
                         {graphs::Parameter{"carry", graphs::StringList{"value AS prev_value"}},
                          duration("max_gap", 10'000)},
                         {with({Field{"prev_value", FieldType::Float64, false}}), kSchema}};
  return kind;
}
// A key silent for 3 s of event time (each key is seen about every second: a few silences).
const Kind& absence() {
  static const Kind kind{absence_spec(),
                         absence_factory(),
                         {duration("timeout", 3'000)},
                         {with({Field{"last_seen", FieldType::Timestamp, false}}), kSchema}};
  return kind;
}

#define RIVULET_KEYED_BENCH(NAME, KIND)                                                         \
  void BM_##NAME(benchmark::State& state) { run(state, KIND(), graphs::StateBackend::Memory); } \
  BENCHMARK(BM_##NAME)->Unit(benchmark::kMillisecond);                                          \
  void BM_##NAME##_RocksDb(benchmark::State& state) {                                           \
    run(state, KIND(), graphs::StateBackend::RocksDb);                                          \
  }                                                                                             \
  BENCHMARK(BM_##NAME##_RocksDb)->Unit(benchmark::kMillisecond);

RIVULET_KEYED_BENCH(TumblingCountBaseline, tumbling_count)
RIVULET_KEYED_BENCH(RunningStats, running_stats)
RIVULET_KEYED_BENCH(Previous, previous)
RIVULET_KEYED_BENCH(Absence, absence)

}  // namespace
}  // namespace rivulet::operators

BENCHMARK_MAIN();
