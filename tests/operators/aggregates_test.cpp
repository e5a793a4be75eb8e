// Accumulators on their own (operators/aggregates): NULL handling, merges, snapshots, and the
// percentile sketch's relative-error bound on known distributions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "operators/aggregates/accumulator.hpp"
#include "operators/aggregates/log_bucket_sketch.hpp"

namespace rivulet::operators::aggregates {
namespace {

using graphs::FieldType;

// The exact value the sketch estimates: rank floor(q (n - 1)) of the sorted values.
double exact_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}

void expect_within_relative_error(const std::vector<double>& values, double q) {
  LogBucketSketch sketch;
  for (double v : values) sketch.add(v);
  const double exact = exact_quantile(values, q);
  const double estimate = sketch.quantile(q);
  EXPECT_LE(std::fabs(estimate - exact), 0.01 * std::fabs(exact) + 1e-12)
      << "q=" << q << " exact=" << exact << " estimate=" << estimate;
}

TEST(LogBucketSketchTest, UniformIntegersStayWithinOnePercent) {
  std::vector<double> values;
  for (int i = 1; i <= 100'000; ++i) values.push_back(i);
  for (double q : {0.01, 0.25, 0.5, 0.9, 0.99, 0.999}) expect_within_relative_error(values, q);
}

TEST(LogBucketSketchTest, HeavyTailedAndMixedSignDistributionsStayWithinOnePercent) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(3.0, 1.5);  // spans several orders of magnitude
  std::exponential_distribution<double> exponential(0.01);
  std::normal_distribution<double> normal(0.0, 100.0);  // negatives, positives, near zero
  for (auto* dist : {static_cast<void*>(&latency), static_cast<void*>(&exponential),
                     static_cast<void*>(&normal)}) {
    std::vector<double> values;
    for (int i = 0; i < 50'000; ++i) {
      if (dist == &latency) values.push_back(latency(rng));
      if (dist == &exponential) values.push_back(exponential(rng));
      if (dist == &normal) values.push_back(normal(rng));
    }
    for (double q : {0.05, 0.5, 0.95, 0.99}) expect_within_relative_error(values, q);
  }
}

TEST(LogBucketSketchTest, MergeEqualsSketchingEverything) {
  LogBucketSketch a;
  LogBucketSketch b;
  LogBucketSketch all;
  for (int i = 1; i <= 1000; ++i) {
    (i % 3 == 0 ? a : b).add(i * 1.5);
    all.add(i * 1.5);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  for (double q : {0.1, 0.5, 0.9}) EXPECT_DOUBLE_EQ(a.quantile(q), all.quantile(q));
}

TEST(LogBucketSketchTest, ZerosNonFiniteAndSaveLoad) {
  LogBucketSketch s;
  EXPECT_TRUE(std::isnan(s.quantile(0.5)));
  s.add(0.0);
  s.add(std::numeric_limits<double>::quiet_NaN());
  s.add(std::numeric_limits<double>::infinity());
  s.add(-5.0);
  s.add(5.0);
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.quantile(0.5), 0.0);
  keyed::ByteWriter w;
  s.save(w);
  LogBucketSketch loaded;
  keyed::ByteReader r(std::string_view(w.buffer()));
  ASSERT_TRUE(loaded.load(r));
  for (double q : {0.0, 0.5, 1.0}) EXPECT_EQ(loaded.quantile(q), s.quantile(q));
  EXPECT_EQ(loaded.quantile(0.0), -5.0);  // the extremes are exact
  EXPECT_EQ(loaded.quantile(1.0), 5.0);
}

TEST(LogBucketSketchTest, AConstantSeriesIsExact) {
  LogBucketSketch s;
  for (int i = 0; i < 100; ++i) s.add(2.0);
  EXPECT_EQ(s.quantile(0.5), 2.0);
  EXPECT_EQ(s.quantile(0.99), 2.0);
}

// ---- accumulators through the interface -----------------------------------------------------

struct Column {
  std::vector<std::int64_t> ints;
  std::vector<double> floats;
  std::vector<std::uint8_t> nulls;
  ArgumentView view(FieldType type) const {
    ArgumentView v;
    v.type = type;
    v.ints = ints.data();
    v.floats = floats.data();
    v.nulls = nulls.empty() ? nullptr : nulls.data();
    return v;
  }
};

runtime::BatchPtr result_of(Accumulator& acc, FieldType type, std::uint32_t slot) {
  auto schema =
      std::make_shared<const graphs::Schema>(graphs::Schema{graphs::Field{"r", type, true}});
  runtime::BatchBuilder b(schema);
  acc.append_result(slot, b, 0);
  b.end_row(0);
  return b.finish(false);
}

std::unique_ptr<Accumulator> make(std::string_view f, FieldType type, bool has_argument = true) {
  auto acc = make_accumulator(AggregateKind{f, has_argument, type, 0.5});
  EXPECT_TRUE(acc.ok());
  (*acc)->resize(4);
  return std::move(*acc);
}

TEST(AccumulatorTest, CountDistinctFoldsSignedZeroAndNaNAndMerges) {
  auto acc = make("count_distinct", FieldType::Float64);
  Column c;
  c.floats = {0.0, -0.0, std::nan(""), -std::nan(""), 1.5, 1.5, 2.0};
  c.nulls = {0, 0, 0, 0, 0, 0, 1};
  const std::vector<std::uint32_t> rows = {0, 1, 2, 3, 4, 5, 6};
  const std::vector<std::uint32_t> slots = {0, 0, 0, 0, 1, 1, 1};
  acc->add(rows, slots, c.view(FieldType::Float64));
  EXPECT_EQ(result_of(*acc, FieldType::Int64, 0)->column(0).int64s()[0], 2);  // 0, NaN
  EXPECT_EQ(result_of(*acc, FieldType::Int64, 1)->column(0).int64s()[0], 1);  // 1.5 (2.0 NULL)
  acc->merge(0, 1);
  EXPECT_EQ(result_of(*acc, FieldType::Int64, 0)->column(0).int64s()[0], 3);
  acc->reset(0);
  EXPECT_EQ(result_of(*acc, FieldType::Int64, 0)->column(0).int64s()[0], 0);
}

TEST(AccumulatorTest, MinMaxOrderNaNAboveNumbersWhateverTheArrivalOrder) {
  auto max = make("max", FieldType::Float64);
  auto min = make("min", FieldType::Float64);
  Column c;
  c.floats = {std::nan(""), 3.0, -1.0};
  const std::vector<std::uint32_t> rows = {0, 1, 2};
  const std::vector<std::uint32_t> slots = {0, 0, 0};
  max->add(rows, slots, c.view(FieldType::Float64));
  min->add(rows, slots, c.view(FieldType::Float64));
  EXPECT_TRUE(std::isnan(result_of(*max, FieldType::Float64, 0)->column(0).float64s()[0]));
  EXPECT_EQ(result_of(*min, FieldType::Float64, 0)->column(0).float64s()[0], -1.0);
}

TEST(AccumulatorTest, SumWrapsInsteadOfOverflowingAndSavesAndLoads) {
  auto sum = make("sum", FieldType::Int64);
  Column c;
  c.ints = {std::numeric_limits<std::int64_t>::max(), 2};
  const std::vector<std::uint32_t> rows = {0, 1};
  const std::vector<std::uint32_t> slots = {2, 2};
  sum->add(rows, slots, c.view(FieldType::Int64));
  keyed::ByteWriter w;
  sum->save(2, w);
  auto loaded = make("sum", FieldType::Int64);
  keyed::ByteReader r(std::string_view(w.buffer()));
  loaded->load(3, r);
  EXPECT_EQ(result_of(*loaded, FieldType::Int64, 3)->column(0).int64s()[0],
            std::numeric_limits<std::int64_t>::min() + 1);
  EXPECT_TRUE(result_of(*loaded, FieldType::Int64, 0)->column(0).is_null(0));
}

TEST(AccumulatorTest, RejectsWhatTheCheckerWouldReject) {
  EXPECT_FALSE(make_accumulator(AggregateKind{"sum", true, FieldType::String, 0}).ok());
  EXPECT_FALSE(make_accumulator(AggregateKind{"avg", false, FieldType::Int64, 0}).ok());
  EXPECT_FALSE(make_accumulator(AggregateKind{"percentile", true, FieldType::Int64, 1.5}).ok());
  EXPECT_FALSE(make_accumulator(AggregateKind{"median", true, FieldType::Int64, 0}).ok());
}

}  // namespace
}  // namespace rivulet::operators::aggregates
