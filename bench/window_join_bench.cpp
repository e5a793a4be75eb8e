// window_join throughput in memory on one core: pre-built input batches -> the operator (built
// through its registered factory) -> a discarding collector. Counts input records (left + right)
// per second; the "pairs" counter is output rows per second. Both inputs carry 10 records per
// ms of event time in batches of 1024 with a watermark after every pair of batches, so each
// 1 s tumbling window holds 10,000 records per side; `keys` is the key cardinality (≈ 10,000 /
// keys right rows per left key and window → that many pairs per left record).

#include <benchmark/benchmark.h>

#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "operators/window_join.hpp"
#include "runtime/batch_builder.hpp"

namespace {

using namespace rivulet;  // NOLINT(google-build-using-namespace): benchmark file
using graphs::FieldType;

constexpr std::size_t kBatchRows = 1024;
constexpr std::size_t kBatches = 200;  // per side: 204,800 records, ~20 windows

class CountingCollector final : public runtime::Collector {
 public:
  void emit(std::size_t port, runtime::BatchPtr batch) override {
    if (port == 0) rows += batch->num_rows();
  }
  bool has_capacity() const override { return true; }
  std::size_t rows = 0;
};

struct Input {
  std::vector<runtime::BatchPtr> left;
  std::vector<runtime::BatchPtr> right;
};

Input make_input(std::int64_t keys) {
  auto left = std::make_shared<const graphs::Schema>(
      graphs::Schema{{"user", FieldType::Int64, false}, {"page", FieldType::Int64, false}});
  auto right = std::make_shared<const graphs::Schema>(
      graphs::Schema{{"user", FieldType::Int64, false}, {"amount", FieldType::Float64, false}});
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> key(0, keys - 1);
  Input in;
  for (std::size_t b = 0; b < kBatches; ++b) {
    runtime::BatchBuilder l(left, kBatchRows);
    runtime::BatchBuilder r(right, kBatchRows);
    for (std::size_t i = 0; i < kBatchRows; ++i) {
      const auto ts = static_cast<std::int64_t>((b * kBatchRows + i) / 10);
      l.append_int64(0, key(rng));
      l.append_int64(1, static_cast<std::int64_t>(i));
      l.end_row(ts);
      r.append_int64(0, key(rng));
      r.append_float64(1, static_cast<double>(i) * 0.5);
      r.end_row(ts);
    }
    in.left.push_back(l.finish(false));
    in.right.push_back(r.finish(false));
  }
  return in;
}

void BM_WindowJoin(benchmark::State& state) {
  const std::int64_t keys = state.range(0);
  const Input in = make_input(keys);
  graphs::Node node;
  node.id = "join";
  node.kind = "window_join";
  node.set_parameter("size", graphs::Duration{1000});
  node.set_parameter("join_type", std::string(state.range(1) ? "left" : "inner"));
  const graphs::OperatorSpec spec = operators::window_join_spec();
  const graphs::Schema& ls = *in.left[0]->schema();
  const graphs::Schema& rs = *in.right[0]->schema();
  graphs::Schema out = ls;
  out.push_back({"right_user", FieldType::Int64, false});
  out.push_back({"amount", FieldType::Float64, false});
  runtime::OperatorBuildContext context{node, spec, {ls, rs}, {out}, {{"user"}, {"user"}},
                                        0,    1,    {}};
  const auto factory = std::get<runtime::TransformFactory>(operators::window_join_factory());
  std::size_t pairs = 0;
  for (auto _ : state) {
    auto op = factory(context);
    if (!op) {
      state.SkipWithError(op.error().message.c_str());
      return;
    }
    CountingCollector sink;
    for (std::size_t b = 0; b < kBatches; ++b) {
      (*op)->process(0, in.left[b], sink);
      (*op)->process(1, in.right[b], sink);
      (*op)->on_watermark(in.left[b]->event_times().back(), sink);
    }
    (*op)->on_watermark(std::numeric_limits<std::int64_t>::max(), sink);
    (*op)->on_end_of_input(sink);
    pairs += sink.rows;
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * kBatches * kBatchRows * 2));
  state.counters["pairs"] =
      benchmark::Counter(static_cast<double>(pairs), benchmark::Counter::kIsRate);
}

// {key cardinality, left join?}
BENCHMARK(BM_WindowJoin)
    ->Args({10'000, 0})
    ->Args({100'000, 0})
    ->Args({100'000, 1})
    ->Args({1'000, 0})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
