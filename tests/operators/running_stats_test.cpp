// running_stats against statistics computed here from the same values: the window of previous
// records per key, nulls skipped, z-scores only from min_samples on.
#include "operators/running_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <map>
#include <random>

#include "keyed_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using testing::CollectingCollector;

graphs::Schema schema() {
  return {{"k", FieldType::String, false}, {"x", FieldType::Float64, true}};
}
graphs::Schema output() {
  graphs::Schema s = schema();
  s.push_back({"mean", FieldType::Float64, true});
  s.push_back({"stddev", FieldType::Float64, true});
  s.push_back({"zscore", FieldType::Float64, true});
  s.push_back({"samples", FieldType::Int64, false});
  return s;
}

std::unique_ptr<runtime::Operator> make(std::int64_t window, std::int64_t min_samples,
                                        std::string* error = nullptr) {
  graphs::Node node;
  node.id = "score";
  node.kind = "running_stats";
  node.set_parameter("field", graphs::StringList{"x"});
  node.set_parameter("window", window);
  node.set_parameter("min_samples", min_samples);
  auto built = testing::build(running_stats_factory(), running_stats_spec(), node, {schema()},
                              {output()}, {{"k"}});
  if (error) *error = built.error;
  return std::move(built.op);
}

TEST(RunningStats, MatchesTheStatisticsOfEachKeysPreviousValues) {
  auto op = make(5, 3);
  ASSERT_TRUE(op);
  std::mt19937 rng(3);
  auto s = std::make_shared<const graphs::Schema>(schema());
  std::map<std::string, std::deque<double>> previous;
  CollectingCollector out;
  for (int b = 0; b < 20; ++b) {
    runtime::BatchBuilder builder(s);
    std::vector<std::pair<std::string, std::optional<double>>> sent;
    for (int r = 0; r < 25; ++r) {
      const std::string k = "k" + std::to_string(rng() % 4);
      builder.append_string(0, k);
      std::optional<double> x;
      if (rng() % 9 != 0) x = static_cast<double>(rng() % 1000) / 10.0;
      if (x) {
        builder.append_float64(1, *x);
      } else {
        builder.append_null(1);
      }
      builder.end_row(b * 100 + r);
      sent.emplace_back(k, x);
    }
    out.clear();
    op->process(0, builder.finish(false), out);
    ASSERT_EQ(out.batches[0].size(), 1u);
    const runtime::RecordBatch& got = *out.batches[0][0];
    for (std::size_t r = 0; r < sent.size(); ++r) {
      const auto& [k, x] = sent[r];
      std::deque<double>& window = previous[k];
      EXPECT_EQ(got.column(5).int64s()[r], static_cast<std::int64_t>(window.size()));
      if (window.size() < 3) {
        EXPECT_TRUE(got.column(2).is_null(r));
        EXPECT_TRUE(got.column(4).is_null(r));
      } else {
        double mean = 0;
        for (double v : window) mean += v;
        mean /= static_cast<double>(window.size());
        double var = 0;
        for (double v : window) var += (v - mean) * (v - mean);
        const double sd = std::sqrt(var / static_cast<double>(window.size()));
        EXPECT_NEAR(got.column(2).float64s()[r], mean, 1e-9);
        EXPECT_NEAR(got.column(3).float64s()[r], sd, 1e-9);
        if (x && sd > 0) {
          EXPECT_NEAR(got.column(4).float64s()[r], (*x - mean) / sd, 1e-9);
        } else {
          EXPECT_TRUE(got.column(4).is_null(r));
        }
      }
      if (x) {
        window.push_back(*x);
        if (window.size() > 5) window.pop_front();
      }
    }
  }
}

TEST(RunningStats, RefusesANonNumericFieldAndTinyWindows) {
  std::string error;
  make(1, 3, &error);
  EXPECT_NE(error.find("window"), std::string::npos) << error;
  graphs::Node node;
  node.id = "score";
  node.kind = "running_stats";
  node.set_parameter("field", graphs::StringList{"k"});
  auto built = testing::build(running_stats_factory(), running_stats_spec(), node, {schema()},
                              {output()}, {{"k"}});
  EXPECT_NE(built.error.find("'k' is string"), std::string::npos) << built.error;
}

}  // namespace
}  // namespace rivulet::operators
