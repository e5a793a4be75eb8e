// Why batches are columnar: the same three hot-path operations on the same data, once on
// RecordBatch (columnar) and once on a row layout (a vector of rows of variants, the obvious
// alternative). Items/s = records/s. See docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "runtime/batch_builder.hpp"
#include "runtime/partitioner.hpp"

#define XXH_INLINE_ALL  // the row variant hashes exactly like the columnar partitioner
#include <xxhash.h>

namespace {

using rivulet::runtime::BatchBuilder;
using rivulet::runtime::BatchPtr;
using rivulet::runtime::HashPartitioner;
using rivulet::runtime::SchemaPtr;
using FieldType = rivulet::graphs::FieldType;

constexpr std::size_t kRowsPerBatch = 1024;
constexpr std::size_t kBatches = 256;  // 262,144 records, ~10 MB: beyond L2, like a real stream
constexpr std::uint32_t kTargets = 8;

// Row layout: what a record-at-a-time engine would pass around.
using Value = std::variant<std::monostate, std::int64_t, double, bool, std::string>;
struct Row {
  std::vector<Value> fields;
  std::int64_t event_time = 0;
};
using RowBatch = std::vector<Row>;

// Schema: id int64, qty int64, price float64, user string, ok bool.
SchemaPtr schema() {
  static const SchemaPtr s = std::make_shared<const rivulet::graphs::Schema>(
      rivulet::graphs::Schema{{"id", FieldType::Int64, false},
                              {"qty", FieldType::Int64, false},
                              {"price", FieldType::Float64, false},
                              {"user", FieldType::String, false},
                              {"ok", FieldType::Bool, false}});
  return s;
}

struct Data {
  std::vector<BatchPtr> columnar;
  std::vector<RowBatch> rows;
};

const Data& data() {
  static const Data d = [] {
    Data out;
    std::mt19937_64 rng(42);
    std::int64_t id = 0;
    for (std::size_t b = 0; b < kBatches; ++b) {
      BatchBuilder builder(schema(), kRowsPerBatch);
      RowBatch rows;
      rows.reserve(kRowsPerBatch);
      for (std::size_t r = 0; r < kRowsPerBatch; ++r, ++id) {
        const auto qty = static_cast<std::int64_t>(rng() % 100);
        const double price = static_cast<double>(rng() % 100000) / 100.0;
        std::string user = "user-";
        user += std::to_string(rng() % 50000);
        const bool ok = (rng() & 1) != 0;
        builder.append_int64(0, id);
        builder.append_int64(1, qty);
        builder.append_float64(2, price);
        builder.append_string(3, user);
        builder.append_bool(4, ok);
        builder.end_row(id);
        rows.push_back(Row{{Value{id}, Value{qty}, Value{price}, Value{user}, Value{ok}}, id});
      }
      out.columnar.push_back(builder.finish());
      out.rows.push_back(std::move(rows));
    }
    return out;
  }();
  return d;
}

// --- filter: qty > 50 && price < 500.0 (about a quarter of the rows), output materialised ---

void BM_Filter_Columnar(benchmark::State& state) {
  const Data& d = data();
  std::vector<std::uint32_t> selection(kRowsPerBatch);
  for (auto _ : state) {
    for (const BatchPtr& batch : d.columnar) {
      const std::int64_t* qty = batch->column(1).int64s().data();
      const double* price = batch->column(2).float64s().data();
      std::size_t n = 0;
      for (std::uint32_t r = 0; r < batch->num_rows(); ++r) {
        selection[n] = r;
        n += static_cast<std::size_t>((qty[r] > 50) & (price[r] < 500.0));  // branch-free
      }
      BatchBuilder out(batch->schema(), n);
      out.append_rows(*batch, std::span<const std::uint32_t>(selection.data(), n));
      benchmark::DoNotOptimize(out.finish(false));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatches * kRowsPerBatch));
}
BENCHMARK(BM_Filter_Columnar);

void BM_Filter_Rows(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    for (const RowBatch& batch : d.rows) {
      RowBatch out;
      out.reserve(batch.size() / 2);
      for (const Row& row : batch) {
        if (std::get<std::int64_t>(row.fields[1]) > 50 && std::get<double>(row.fields[2]) < 500.0) {
          out.push_back(row);
        }
      }
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatches * kRowsPerBatch));
}
BENCHMARK(BM_Filter_Rows);

// --- sum over a float64 column ---

void BM_Sum_Columnar(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    double sum = 0;
    for (const BatchPtr& batch : d.columnar) {
      for (double v : batch->column(2).float64s()) sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatches * kRowsPerBatch));
}
BENCHMARK(BM_Sum_Columnar);

void BM_Sum_Rows(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    double sum = 0;
    for (const RowBatch& batch : d.rows) {
      for (const Row& row : batch) sum += std::get<double>(row.fields[2]);
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatches * kRowsPerBatch));
}
BENCHMARK(BM_Sum_Rows);

// --- hash partition by the string key over 8 targets, output materialised per target ---

void BM_HashPartition_Columnar(benchmark::State& state) {
  const Data& d = data();
  HashPartitioner partitioner({3}, kTargets);
  std::vector<BatchPtr> out;
  for (auto _ : state) {
    for (const BatchPtr& batch : d.columnar) {
      partitioner.split(batch, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatches * kRowsPerBatch));
}
BENCHMARK(BM_HashPartition_Columnar);

void BM_HashPartition_Rows(benchmark::State& state) {
  const Data& d = data();
  HashPartitioner mapping({3}, kTargets);  // only for its hash -> target mapping
  for (auto _ : state) {
    for (const RowBatch& batch : d.rows) {
      std::vector<RowBatch> out(kTargets);
      for (RowBatch& t : out) t.reserve(batch.size() / kTargets * 2);
      for (const Row& row : batch) {
        const std::string& key = std::get<std::string>(row.fields[3]);
        out[mapping.target_of_hash(XXH3_64bits(key.data(), key.size()))].push_back(row);
      }
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatches * kRowsPerBatch));
}
BENCHMARK(BM_HashPartition_Rows);

}  // namespace

BENCHMARK_MAIN();
