// Stateless operators in memory on one core: pre-generated 1024-row batches -> filter / map /
// project (built through their factories, as the planner does) -> a collector that discards.
// Items/s = input records/s. Results and the command: docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "operators/filter.hpp"
#include "operators/key_by.hpp"
#include "operators/map.hpp"
#include "operators/project.hpp"
#include "runtime/batch_builder.hpp"

namespace {

using rivulet::graphs::FieldType;
namespace ops = rivulet::operators;
namespace rt = rivulet::runtime;

constexpr std::size_t kRowsPerBatch = 1024;
constexpr std::size_t kBatches = 256;  // 262,144 records (~12 MB), beyond L2 like a real stream

// Orders: id, amount (nullable, ~2% NULL), qty, country (one of 8, ~30% "US"), user, ts.
const rivulet::graphs::Schema& schema() {
  static const rivulet::graphs::Schema s = {
      {"id", FieldType::Int64, false},    {"amount", FieldType::Float64, true},
      {"qty", FieldType::Int64, false},   {"country", FieldType::String, false},
      {"user", FieldType::String, false}, {"ts", FieldType::Timestamp, false},
  };
  return s;
}

const std::vector<rt::BatchPtr>& batches() {
  static const std::vector<rt::BatchPtr> data = [] {
    static const char* countries[] = {"US", "US", "US", "DE", "FR", "GB", "JP", "BR", "IN", "CA"};
    std::mt19937_64 rng(42);
    auto shared = std::make_shared<const rivulet::graphs::Schema>(schema());
    std::vector<rt::BatchPtr> out;
    std::int64_t id = 0;
    for (std::size_t b = 0; b < kBatches; ++b) {
      rt::BatchBuilder builder(shared, kRowsPerBatch);
      for (std::size_t r = 0; r < kRowsPerBatch; ++r, ++id) {
        builder.append_int64(0, id);
        if (rng() % 50 == 0) {
          builder.append_null(1);
        } else {
          builder.append_float64(1, static_cast<double>(rng() % 50000) / 100.0);  // 0..500
        }
        builder.append_int64(2, static_cast<std::int64_t>(rng() % 10) + 1);
        builder.append_string(3, countries[rng() % 10]);
        char user[32];  // snprintf: GCC 12 raises a false -Wrestrict on "user-" + to_string
        const int length = std::snprintf(user, sizeof user, "user-%llu",
                                         static_cast<unsigned long long>(rng() % 100000));
        builder.append_string(4, std::string_view(user, static_cast<std::size_t>(length)));
        builder.append_int64(5, 1'700'000'000'000 + id);
        builder.end_row(1'700'000'000'000 + id);
      }
      out.push_back(builder.finish());
    }
    return out;
  }();
  return data;
}

class DiscardingCollector final : public rt::Collector {
 public:
  void emit(std::size_t, rt::BatchPtr batch) override { rows += batch->num_rows(); }
  bool has_capacity() const override { return true; }
  std::size_t rows = 0;
};

std::unique_ptr<rt::Operator> build(const rivulet::runtime::OperatorFactory& factory,
                                    const rivulet::graphs::OperatorSpec& spec,
                                    const std::string& parameter, rivulet::graphs::Value value,
                                    benchmark::State& state) {
  rivulet::graphs::Node node;
  node.id = "bench";
  node.kind = spec.kind;
  node.parameters.push_back({parameter, std::move(value)});
  rivulet::runtime::OperatorBuildContext context{node, spec, {schema()}, {}, {{}}, 0, 1, ""};
  auto built = std::get<rivulet::runtime::TransformFactory>(factory)(context);
  if (!built) {
    state.SkipWithError(built.error().message.c_str());
    return nullptr;
  }
  return std::move(*built);
}

void run(benchmark::State& state, rt::Operator* op) {
  if (op == nullptr) return;
  DiscardingCollector out;
  std::size_t records = 0;
  for (auto _ : state) {
    for (const auto& batch : batches()) op->process(0, batch, out);
    records += kBatches * kRowsPerBatch;
  }
  benchmark::DoNotOptimize(out.rows);
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.counters["selectivity"] =
      static_cast<double>(out.rows) / static_cast<double>(records == 0 ? 1 : records);
}

void BM_Filter(benchmark::State& state) {
  auto op = build(ops::filter_factory(), ops::filter_spec(), "predicate",
                  rivulet::graphs::Expression{"amount > 100 AND country <> 'US'"}, state);
  run(state, op.get());
}
BENCHMARK(BM_Filter)->Unit(benchmark::kMillisecond);

void BM_FilterAllPass(benchmark::State& state) {
  auto op = build(ops::filter_factory(), ops::filter_spec(), "predicate",
                  rivulet::graphs::Expression{"qty > 0"}, state);
  run(state, op.get());
}
BENCHMARK(BM_FilterAllPass)->Unit(benchmark::kMillisecond);

void BM_MapTwoNumericFields(benchmark::State& state) {
  auto op =
      build(ops::map_factory(), ops::map_spec(), "expressions",
            rivulet::graphs::StringList{"amount * qty AS total", "qty * 2 + 1 AS units"}, state);
  run(state, op.get());
}
BENCHMARK(BM_MapTwoNumericFields)->Unit(benchmark::kMillisecond);

void BM_MapStringAndCase(benchmark::State& state) {
  auto op = build(
      ops::map_factory(), ops::map_spec(), "expressions",
      rivulet::graphs::StringList{"lower(country) AS country",
                                  "CASE WHEN amount > 250 THEN 'high' ELSE 'low' END AS band"},
      state);
  run(state, op.get());
}
BENCHMARK(BM_MapStringAndCase)->Unit(benchmark::kMillisecond);

void BM_Project(benchmark::State& state) {
  auto op = build(ops::project_factory(), ops::project_spec(), "fields",
                  rivulet::graphs::StringList{"id", "amount * qty AS total", "country"}, state);
  run(state, op.get());
}
BENCHMARK(BM_Project)->Unit(benchmark::kMillisecond);

void BM_KeyBy(benchmark::State& state) {
  auto op = build(ops::key_by_factory(), ops::key_by_spec(), "keys",
                  rivulet::graphs::StringList{"user"}, state);
  run(state, op.get());
}
BENCHMARK(BM_KeyBy)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
