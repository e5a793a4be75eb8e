// window_aggregate throughput on one core, in memory: pre-generated keyed batches ->
// WindowAggregateOperator -> a collector that drops everything. The *_RocksDb cases run the
// same input with the RocksDB state backend (hot windows resident, the rest in RocksDB, the
// database in a temporary directory). Watermarks follow the data
// (max event time so far minus 1 s) after every batch, as a source with bounded
// out-of-orderness would send them, so windows fire and purge during the run.
// Results and the command: docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "operators/window_aggregate.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators {
namespace {

using graphs::Field;
using graphs::FieldType;

constexpr std::size_t kBatchRows = 1024;
constexpr std::size_t kBatches = 1024;  // ~1M records per iteration
constexpr std::int64_t kOutOfOrderness = 1000;

const graphs::Schema kSchema = {Field{"key", FieldType::Int64, false},
                                Field{"value", FieldType::Float64, false}};

struct Input {
  std::vector<runtime::BatchPtr> batches;
  std::vector<std::int64_t> watermarks;  // after each batch
};

// `records_per_ms`: event-time density; keys uniform over `keys`; times jitter by up to 500 ms.
Input generate(std::int64_t keys, double records_per_ms) {
  Input in;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> key(0, keys - 1);
  std::uniform_real_distribution<double> value(0, 100);
  std::uniform_int_distribution<std::int64_t> jitter(0, 500);
  auto schema = std::make_shared<const graphs::Schema>(kSchema);
  std::int64_t max_time = 0;
  std::size_t n = 0;
  for (std::size_t b = 0; b < kBatches; ++b) {
    runtime::BatchBuilder builder(schema, kBatchRows);
    for (std::size_t r = 0; r < kBatchRows; ++r, ++n) {
      const auto t =
          static_cast<std::int64_t>(static_cast<double>(n) / records_per_ms) + jitter(rng);
      max_time = std::max(max_time, t);
      builder.append_int64(0, key(rng));
      builder.append_float64(1, value(rng));
      builder.end_row(t);
    }
    in.batches.push_back(builder.finish(false));
    in.watermarks.push_back(max_time - kOutOfOrderness);
  }
  return in;
}

struct Discard : runtime::Collector {
  std::size_t rows = 0;
  void emit(std::size_t, runtime::BatchPtr batch) override { rows += batch->num_rows(); }
  bool has_capacity() const override { return true; }
};

std::unique_ptr<WindowAggregateOperator> make(std::vector<graphs::Parameter> params,
                                              graphs::StateBackend backend,
                                              const runtime::state::RocksDbBudget& budget) {
  static const graphs::OperatorSpec spec = window_aggregate_spec();
  graphs::Node node;
  node.id = "bench";
  node.kind = "window_aggregate";
  node.parameters = std::move(params);
  runtime::OperatorBuildContext context{node, spec, {kSchema}, {}, {{"key"}}, 0, 1, ""};
  context.state_backend.kind = backend;
  context.state_backend.budget = budget;
  auto options = window_aggregate_options(context);
  if (!options) throw std::runtime_error(options.error().message);
  auto op = std::make_unique<WindowAggregateOperator>(std::move(*options));
  runtime::OperatorContext oc;
  oc.task_name = "bench#0";
  oc.input_schemas = {std::make_shared<const graphs::Schema>(kSchema)};
  if (auto opened = op->open(oc); !opened) throw std::runtime_error(opened.error().message);
  return op;
}

void run(benchmark::State& state, const Input& in, const std::vector<graphs::Parameter>& params,
         graphs::StateBackend backend = graphs::StateBackend::Memory,
         const runtime::state::RocksDbBudget& budget = {}) {
  std::size_t out_rows = 0;
  for (auto _ : state) {
    auto op = make(params, backend, budget);
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

// key_by + tumbling count: 10k keys, 1-minute windows, 10 records per ms of event time.
void BM_TumblingCount(benchmark::State& state) {
  static const Input in = generate(10'000, 10.0);
  run(state, in,
      {duration("size", 60'000), graphs::Parameter{"aggregates", graphs::StringList{"count(*)"}}});
}
BENCHMARK(BM_TumblingCount)->Unit(benchmark::kMillisecond);

// Sliding avg: 1-minute windows every 10 s (6 windows per record), 10k keys.
void BM_SlidingAvg(benchmark::State& state) {
  static const Input in = generate(10'000, 10.0);
  run(state, in,
      {graphs::Parameter{"window", std::string("sliding")}, duration("size", 60'000),
       duration("slide", 10'000),
       graphs::Parameter{"aggregates", graphs::StringList{"avg(value)"}}});
}
BENCHMARK(BM_SlidingAvg)->Unit(benchmark::kMillisecond);

// Session count: 10k keys, 1 record per ms, so each key sees a record every ~10 s on
// average; a 5 s gap closes and opens sessions all the time (and merges some).
void BM_SessionCount(benchmark::State& state) {
  static const Input in = generate(10'000, 1.0);
  run(state, in,
      {graphs::Parameter{"window", std::string("session")}, duration("gap", 5'000),
       graphs::Parameter{"aggregates", graphs::StringList{"count(*)"}}});
}
BENCHMARK(BM_SessionCount)->Unit(benchmark::kMillisecond);

// Several aggregates at once (count, sum, min, max, avg, p99) on the tumbling setup.
void BM_TumblingManyAggregates(benchmark::State& state) {
  static const Input in = generate(10'000, 10.0);
  run(state, in,
      {duration("size", 60'000),
       graphs::Parameter{"aggregates",
                         graphs::StringList{"count(*)", "sum(value)", "min(value)", "max(value)",
                                            "avg(value)", "percentile(value, 0.99) AS p99"}}});
}
BENCHMARK(BM_TumblingManyAggregates)->Unit(benchmark::kMillisecond);

// The RocksDB state backend on the same inputs, default budget: the ~20k live windows stay
// resident (the cache of hot windows); new windows are one Bloom-filtered Get each.
void BM_TumblingCount_RocksDb(benchmark::State& state) {
  static const Input in = generate(10'000, 10.0);
  run(state, in,
      {duration("size", 60'000), graphs::Parameter{"aggregates", graphs::StringList{"count(*)"}}},
      graphs::StateBackend::RocksDb);
}
BENCHMARK(BM_TumblingCount_RocksDb)->Unit(benchmark::kMillisecond);

// State larger than the cache: 2048 resident windows for 10k keys, so most records touch a
// window that was evicted into RocksDB and take it back.
void BM_TumblingCount_RocksDbCold(benchmark::State& state) {
  static const Input in = generate(10'000, 10.0);
  runtime::state::RocksDbBudget budget;
  budget.resident_entries = 2048;
  run(state, in,
      {duration("size", 60'000), graphs::Parameter{"aggregates", graphs::StringList{"count(*)"}}},
      graphs::StateBackend::RocksDb, budget);
}
BENCHMARK(BM_TumblingCount_RocksDbCold)->Unit(benchmark::kMillisecond);

void BM_SessionCount_RocksDb(benchmark::State& state) {
  static const Input in = generate(10'000, 1.0);
  run(state, in,
      {graphs::Parameter{"window", std::string("session")}, duration("gap", 5'000),
       graphs::Parameter{"aggregates", graphs::StringList{"count(*)"}}},
      graphs::StateBackend::RocksDb);
}
BENCHMARK(BM_SessionCount_RocksDb)->Unit(benchmark::kMillisecond);

void BM_TumblingManyAggregates_RocksDb(benchmark::State& state) {
  static const Input in = generate(10'000, 10.0);
  run(state, in,
      {duration("size", 60'000),
       graphs::Parameter{"aggregates",
                         graphs::StringList{"count(*)", "sum(value)", "min(value)", "max(value)",
                                            "avg(value)", "percentile(value, 0.99) AS p99"}}},
      graphs::StateBackend::RocksDb);
}
BENCHMARK(BM_TumblingManyAggregates_RocksDb)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rivulet::operators

BENCHMARK_MAIN();
