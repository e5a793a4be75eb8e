// datagen: determinism, exact bounds, distributions within generous statistical bounds, bursts,
// event time and watermarks, and the rate limiter against simulated time.

#include "operators/datagen.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "operators/generators/token_bucket.hpp"
#include "operators/generators/zipf_sampler.hpp"
#include "source_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::Field;
using graphs::FieldType;
using testing::CapturingCollector;
using testing::ManualClock;

graphs::Schema tx_schema() {
  return {{"seq", FieldType::Int64},      {"card_id", FieldType::String},
          {"country", FieldType::String}, {"amount", FieldType::Float64},
          {"ts", FieldType::Timestamp},   {"note", FieldType::String, true}};
}

struct Datagen {
  graphs::Node node;
  graphs::OperatorSpec spec = datagen_spec();
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();

  explicit Datagen(graphs::Schema schema = tx_schema()) {
    node.id = "gen";
    node.kind = "datagen";
    node.set_parameter("schema", std::move(schema));
    node.set_parameter("rate", std::int64_t{0});
  }
  Datagen& set(const std::string& name, graphs::Value value) {
    node.set_parameter(name, std::move(value));
    return *this;
  }
  graphs::Result<std::unique_ptr<runtime::SourceOperator>> build(std::uint32_t subtask = 0,
                                                                 std::uint32_t parallelism = 1) {
    runtime::OperatorBuildContext context{node, spec, {}, {}, {}, subtask, parallelism, ""};
    return make_datagen(context, clock);
  }
  // Polls until exhausted (bounded sources only).
  CapturingCollector run(std::uint32_t subtask = 0, std::uint32_t parallelism = 1) {
    auto source = build(subtask, parallelism);
    EXPECT_TRUE(source.ok()) << (source.ok() ? "" : source.error().message);
    CapturingCollector out;
    if (!source.ok()) return out;
    for (int i = 0; i < 100000 && (*source)->has_more(); ++i) (*source)->poll(out, 4);
    return out;
  }
};

std::vector<std::string> strings(const CapturingCollector& out, std::size_t column) {
  std::vector<std::string> values;
  for (const auto& b : out.batches.at(0)) {
    for (std::size_t r = 0; r < b->num_rows(); ++r) {
      values.emplace_back(b->column(column).string_at(r));
    }
  }
  return values;
}

std::vector<double> numbers(const CapturingCollector& out, std::size_t column) {
  std::vector<double> values;
  for (const auto& b : out.batches.at(0)) {
    const runtime::Column& c = b->column(column);
    for (std::size_t r = 0; r < b->num_rows(); ++r) {
      values.push_back(c.type() == FieldType::Float64 ? c.float64s()[r]
                                                      : static_cast<double>(c.int64s()[r]));
    }
  }
  return values;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double stddev(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size()));
}

const graphs::StringList kTxHints = {"seq=sequence", "card_id=key", "country=choice(US,DE,FR)",
                                     "amount=uniform(1,500)", "note=null(0.25) word(5)"};

TEST(Datagen, SameSeedGivesSameRowsAndAnotherSeedOthers) {
  auto rows = [](std::int64_t seed) {
    Datagen gen;
    gen.set("fields", kTxHints).set("count", std::int64_t{3000}).set("seed", seed);
    gen.set("start_time", std::int64_t{1'000'000});
    return testing::render_rows(gen.run().batches.at(0));
  };
  const auto a = rows(7);
  ASSERT_EQ(a.size(), 3000u);
  EXPECT_EQ(a, rows(7));
  const auto b = rows(8);
  ASSERT_EQ(b.size(), 3000u);
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  EXPECT_LT(same, 10u);
}

// Instance i of p generates positions i, i+p, ...: instances differ, never overlap, and their
// union is exactly what one instance generates.
TEST(Datagen, ParallelInstancesPartitionTheSingleInstanceSequence) {
  Datagen gen;
  gen.set("fields", kTxHints)
      .set("count", std::int64_t{2500})
      .set("start_time", std::int64_t{5'000});
  auto single = testing::render_rows(gen.run().batches.at(0));
  std::vector<std::string> merged;
  std::vector<std::size_t> per_instance;
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto rows = testing::render_rows(gen.run(i, 3).batches.at(0));
    per_instance.push_back(rows.size());
    merged.insert(merged.end(), rows.begin(), rows.end());
  }
  EXPECT_EQ(per_instance, (std::vector<std::size_t>{834, 833, 833}));
  std::sort(merged.begin(), merged.end());
  std::sort(single.begin(), single.end());
  EXPECT_EQ(merged, single);
}

TEST(Datagen, BoundedCountIsExactInBatchesOf1024) {
  Datagen gen;
  gen.set("count", std::int64_t{2500});
  auto source = gen.build();
  ASSERT_TRUE(source.ok());
  CapturingCollector out;
  (*source)->poll(out, 2);
  EXPECT_TRUE((*source)->has_more());
  (*source)->poll(out, 5);
  EXPECT_FALSE((*source)->has_more());
  ASSERT_EQ(out.batches[0].size(), 3u);
  EXPECT_EQ(out.batches[0][0]->num_rows(), 1024u);
  EXPECT_EQ(out.batches[0][2]->num_rows(), 452u);
  EXPECT_EQ(out.rows(), 2500u);
}

TEST(Datagen, UnboundedKeepsGoing) {
  Datagen gen;
  auto source = gen.build();
  ASSERT_TRUE(source.ok());
  CapturingCollector out;
  for (int i = 0; i < 10; ++i) (*source)->poll(out, 8);
  EXPECT_TRUE((*source)->has_more());
  EXPECT_EQ(out.rows(), 80u * 1024u);
}

TEST(Datagen, DistributionsAreRoughlyRight) {
  Datagen gen({{"u", FieldType::Int64},
               {"n", FieldType::Float64},
               {"c", FieldType::String},
               {"b", FieldType::Bool},
               {"k", FieldType::Int64},
               {"l", FieldType::Float64},
               {"maybe", FieldType::Float64, true}});
  gen.set("fields", graphs::StringList{"u=uniform(1,500)", "n=normal(100,15)", "c=choice(US,DE,FR)",
                                       "b=bool(0.2)", "k=key", "l=lognormal(3,0.5)",
                                       "maybe=null(0.1) uniform(0,1)"});
  gen.set("count", std::int64_t{30000}).set("key_cardinality", std::int64_t{50});
  auto out = gen.run();

  auto u = numbers(out, 0);
  EXPECT_EQ(*std::min_element(u.begin(), u.end()), 1);
  EXPECT_EQ(*std::max_element(u.begin(), u.end()), 500);
  EXPECT_NEAR(mean(u), 250.5, 5);

  auto n = numbers(out, 1);
  EXPECT_NEAR(mean(n), 100, 1);
  EXPECT_NEAR(stddev(n), 15, 1);

  std::map<std::string, int> countries;
  for (const auto& c : strings(out, 2)) ++countries[c];
  ASSERT_EQ(countries.size(), 3u);
  for (const auto& [name, seen] : countries) EXPECT_NEAR(seen, 10000, 600) << name;

  std::size_t trues = 0, nulls = 0;
  std::set<std::int64_t> keys;
  std::vector<double> logs;
  for (const auto& batch : out.batches[0]) {
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      trues += batch->column(3).bools()[r];
      keys.insert(batch->column(4).int64s()[r]);
      nulls += batch->column(6).is_null(r);
    }
  }
  EXPECT_NEAR(static_cast<double>(trues), 6000, 400);
  EXPECT_NEAR(static_cast<double>(nulls), 3000, 300);
  EXPECT_EQ(keys.size(), 50u);
  EXPECT_EQ(*keys.begin(), 0);
  EXPECT_EQ(*keys.rbegin(), 49);

  auto l = numbers(out, 5);
  std::sort(l.begin(), l.end());
  EXPECT_NEAR(l[l.size() / 2], std::exp(3.0), 1.0);  // the median of a lognormal is e^mu
}

TEST(Datagen, ZipfKeysFavourTheFirstRanks) {
  Datagen gen({{"k", FieldType::String}});
  gen.set("fields", graphs::StringList{"k=key(zipf=1.2, cardinality=1000, prefix=card-)"});
  gen.set("count", std::int64_t{50000});
  std::map<std::string, int> seen;
  for (const auto& k : strings(gen.run(), 0)) ++seen[k];
  // P(rank k) ~ k^-1.2: rank 1 over rank 2 is 2^1.2 = 2.30; rank 1 carries 1/H(1000,1.2) = 23.1%.
  const double ratio = static_cast<double>(seen["card-0"]) / seen["card-1"];
  EXPECT_NEAR(ratio, 2.30, 0.25);
  EXPECT_NEAR(seen["card-0"] / 50000.0, 0.231, 0.01);
  EXPECT_GT(seen.size(), 500u);
  EXPECT_FALSE(seen.contains("card-1000"));
}

TEST(ZipfSampler, MatchesTheExactDistributionForSeveralExponents) {
  for (double s : {0.5, 1.0, 2.0}) {
    generators::ZipfSampler zipf(10, s);
    double norm = 0;
    for (int k = 1; k <= 10; ++k) norm += std::pow(k, -s);
    std::vector<int> seen(11, 0);
    const int n = 40000;
    for (int i = 0; i < n; ++i) {
      generators::DrawStream draws(99, static_cast<std::uint64_t>(i));
      auto k = zipf.sample(draws);
      ASSERT_GE(k, 1u);
      ASSERT_LE(k, 10u);
      ++seen[k];
    }
    for (int k = 1; k <= 10; ++k) {
      const double expected = n * std::pow(k, -s) / norm;
      EXPECT_NEAR(seen[k], expected, 5 * std::sqrt(expected) + 10) << "s=" << s << " k=" << k;
    }
  }
}

// Count records whose key repeats the previous record's key: with 100k keys that almost never
// happens by chance, so it measures bursts.
std::size_t repeats(const std::vector<std::string>& keys) {
  std::size_t n = 0;
  for (std::size_t i = 1; i < keys.size(); ++i) n += keys[i] == keys[i - 1];
  return n;
}

TEST(Datagen, BurstsRepeatTheKeyForBurstLengthRecords) {
  Datagen gen({{"card_id", FieldType::String}, {"amount", FieldType::Float64}});
  gen.set("fields", graphs::StringList{"card_id=key"}).set("key_cardinality", std::int64_t{100000});
  gen.set("count", std::int64_t{20000});
  EXPECT_LT(repeats(strings(gen.run(), 0)), 5u);

  gen.set("burst_probability", 0.01).set("burst_length", std::int64_t{8});
  auto keys = strings(gen.run(), 0);
  // ~200 bursts of 8 records (overlaps shorten a few): ~1400 repeats.
  EXPECT_NEAR(static_cast<double>(repeats(keys)), 1400, 250);
  // Every burst is a run of at least 8 equal keys unless a later burst cut it short; most are.
  std::size_t runs_of_8 = 0;
  for (std::size_t i = 0, j = 0; i < keys.size(); i = j) {
    for (j = i; j < keys.size() && keys[j] == keys[i]; ++j) {
    }
    runs_of_8 += j - i >= 8;
  }
  EXPECT_NEAR(static_cast<double>(runs_of_8), 185, 40);
}

TEST(Datagen, EventTimeAdvancesWithTheRateAndWatermarksTrailIt) {
  Datagen gen({{"seq", FieldType::Int64}, {"ts", FieldType::Timestamp}});
  gen.set("fields", graphs::StringList{"seq=sequence"}).set("rate", std::int64_t{500});
  gen.set("count", std::int64_t{3000}).set("start_time", std::int64_t{1'000'000});
  auto source = gen.build();
  ASSERT_TRUE(source.ok());
  CapturingCollector out;
  while ((*source)->has_more()) (*source)->poll(out, 1);
  ASSERT_EQ(out.watermarks.size(), out.batches[0].size());
  std::size_t b = 0;
  for (const auto& batch : out.batches[0]) {
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      const std::int64_t seq = batch->column(0).int64s()[r];
      EXPECT_EQ(batch->column(1).int64s()[r], 1'000'000 + seq * 2);  // 500/s: 2 ms apart
      EXPECT_EQ(batch->event_times()[r], batch->column(1).int64s()[r]);
    }
    const std::int64_t last = batch->event_times()[batch->num_rows() - 1];
    EXPECT_EQ(out.watermarks[b++], last - 1);
  }
}

TEST(Datagen, JitteredEventTimesNeverFallBehindTheWatermark) {
  Datagen gen({{"ts", FieldType::Timestamp}});
  gen.set("count", std::int64_t{20000}).set("start_time", std::int64_t{1'000'000});
  gen.set("max_out_of_orderness", graphs::Duration{300}).set("rate", std::int64_t{1000});
  gen.set("event_time_field", std::string("ts"));
  auto source = gen.build();
  ASSERT_TRUE(source.ok());
  CapturingCollector out;
  std::int64_t watermark = INT64_MIN;
  std::size_t out_of_order = 0;
  std::int64_t previous = INT64_MIN;
  while ((*source)->has_more()) {
    const std::size_t before = out.batches[0].size();
    (*source)->poll(out, 1);
    for (std::size_t i = before; i < out.batches[0].size(); ++i) {
      for (std::int64_t t : out.batches[0][i]->event_times()) {
        EXPECT_GT(t, watermark);
        out_of_order += t < previous;
        previous = std::max(previous, t);
      }
    }
    watermark = out.watermarks.back();
  }
  EXPECT_GT(out_of_order, 1000u);  // jitter up to 300 ms at 1 record/ms reorders most records
}

TEST(Datagen, StartTimeZeroIsTheWallClockRoundedToTheSecond) {
  Datagen gen({{"ts", FieldType::Timestamp}});
  gen.set("count", std::int64_t{1});
  auto out = gen.run();
  EXPECT_EQ(out.batches[0][0]->event_times()[0], 1'700'000'000'000);
}

// Simulated time: the source may only generate what the rate allows, and waits by sleeping.
TEST(Datagen, RateLimitFollowsTheTokenBucketInSimulatedTime) {
  for (std::uint32_t parallelism : {1u, 4u}) {
    Datagen gen({{"v", FieldType::Int64}});
    gen.set("rate", std::int64_t{2000});
    auto source = gen.build(0, parallelism);
    ASSERT_TRUE(source.ok());
    CapturingCollector out;
    const double instance_rate = 2000.0 / parallelism;
    while (gen.clock->now < 10'000'000'000) (*source)->poll(out, 4);  // 10 s
    const double expected = instance_rate * static_cast<double>(gen.clock->now) / 1e9;
    EXPECT_NEAR(static_cast<double>(out.rows()), expected, instance_rate / 100 + 1)
        << "parallelism " << parallelism;
    EXPECT_GT(gen.clock->sleeps, 0);
    // ~100 batches per second, each ~1/100 s of records: slow streams stay low-latency.
    EXPECT_NEAR(static_cast<double>(out.batches[0].size()), 1000, 50);
  }
}

TEST(Datagen, StandingClockProducesNothingBeyondTheBucket) {
  // A clock whose sleeps do not advance time: the source must not generate without tokens.
  struct FrozenClock : ManualClock {
    void sleep_ns(std::int64_t) override { ++sleeps; }
  };
  Datagen gen({{"v", FieldType::Int64}});
  auto frozen = std::make_shared<FrozenClock>();
  gen.clock = frozen;
  gen.set("rate", std::int64_t{1000});
  auto source = gen.build();
  ASSERT_TRUE(source.ok());
  CapturingCollector out;
  for (int i = 0; i < 50; ++i) (*source)->poll(out, 4);
  EXPECT_EQ(out.rows(), 0u);
  EXPECT_EQ(frozen->sleeps, 50);
}

TEST(TokenBucket, AccruesAtTheRateUpToItsCapacity) {
  generators::TokenBucket bucket(1000, 50, 0);
  EXPECT_EQ(bucket.available(), 0u);
  EXPECT_EQ(bucket.ns_until(10), 10'000'000);
  bucket.refill(10'000'000);
  EXPECT_EQ(bucket.available(), 10u);
  bucket.take(4);
  EXPECT_EQ(bucket.available(), 6u);
  bucket.refill(5'000'000'000);  // 5 s later: capped at 50
  EXPECT_EQ(bucket.available(), 50u);
  bucket.refill(1);  // a clock going backwards adds nothing
  EXPECT_EQ(bucket.available(), 50u);
}

TEST(Datagen, RestoreContinuesAtTheCheckpointedPosition) {
  Datagen gen;
  gen.set("fields", kTxHints).set("count", std::int64_t{5000});
  auto first = gen.build();
  ASSERT_TRUE(first.ok());
  CapturingCollector before;
  (*first)->poll(before, 2);
  testing::MemoryState state;
  ASSERT_TRUE((*first)->snapshot(1, state).ok());
  CapturingCollector continued;
  (*first)->poll(continued, 1);

  auto restored = gen.build();
  ASSERT_TRUE(restored.ok());
  ASSERT_TRUE((*restored)->restore(state).ok());
  CapturingCollector replayed;
  (*restored)->poll(replayed, 1);
  EXPECT_EQ(testing::render_rows(replayed.batches[0]), testing::render_rows(continued.batches[0]));
}

// The parameters of examples/fraud-detection/generator.json (docs/operators.md, datagen): the
// demo's rule "tx_count >= 5 OR total_amount > 5000 per card and minute" must fire now and
// then — a few times a minute, not for every card and not never.
TEST(Datagen, FraudDemoParametersFireTheRuleNowAndThen) {
  Datagen gen({{"card_id", FieldType::String},
               {"merchant", FieldType::String},
               {"country", FieldType::String},
               {"amount", FieldType::Float64},
               {"ts", FieldType::Timestamp}});
  gen.set("fields",
          graphs::StringList{"card_id=key(prefix=card-)",
                             "merchant=key(cardinality=500, zipf=1.1, prefix=merchant-)",
                             "country=choice(US,US,US,DE,FR,GB,NL)", "amount=lognormal(4,1.25)"});
  gen.set("rate", std::int64_t{200}).set("key_cardinality", std::int64_t{100000});
  gen.set("burst_probability", 0.0005).set("burst_length", std::int64_t{8});
  gen.set("seed", std::int64_t{42}).set("start_time", std::int64_t{1'767'225'600'000});
  gen.set("event_time_field", std::string("ts"))
      .set("max_out_of_orderness", graphs::Duration{2000});
  gen.set("count", std::int64_t{200 * 600});  // ten minutes of event time
  auto out = gen.run();
  struct Window {
    int count = 0;
    double total = 0;
  };
  std::map<std::pair<std::string, std::int64_t>, Window> windows;
  for (const auto& batch : out.batches.at(0)) {
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      Window& w = windows[{std::string(batch->column(0).string_at(r)),
                           batch->column(4).int64s()[r] / 60000}];
      ++w.count;
      w.total += batch->column(3).float64s()[r];
    }
  }
  int by_count = 0, by_amount = 0;
  for (const auto& [key, w] : windows) {
    by_count += w.count >= 5;
    by_amount += w.count < 5 && w.total > 5000;
  }
  // ~6 bursts a minute (a burst cut by a minute boundary may miss), ~1 big amount a minute.
  EXPECT_GE(by_count, 30);
  EXPECT_LE(by_count, 80);
  EXPECT_GE(by_amount, 3);
  EXPECT_LE(by_amount, 40);
}

TEST(Datagen, BadHintsAreReportedWithNodeParameterAndItem) {
  auto error_of = [](graphs::StringList hints) {
    Datagen gen;
    gen.set("fields", std::move(hints));
    auto built = gen.build();
    return built.ok() ? std::string("built") : built.error().message;
  };
  EXPECT_EQ(error_of({"amount=unifrm(1,5)"}),
            "node 'gen', parameter 'fields': 'amount=unifrm(1,5)': unknown generator 'unifrm' "
            "(known: key, sequence, uniform, normal, lognormal, choice, const, bool, word, "
            "event_time, null(p) before one of them)");
  EXPECT_EQ(
      error_of({"price=uniform(1,5)"}),
      "node 'gen', parameter 'fields': 'price=uniform(1,5)': the schema has no field 'price'");
  EXPECT_EQ(error_of({"country=uniform(1,5)"}),
            "node 'gen', parameter 'fields': 'country=uniform(1,5)': uniform needs an int64, "
            "float64 or timestamp field, 'country' is string");
  EXPECT_EQ(error_of({"amount=null(0.5) uniform(1,5)"}),
            "node 'gen', parameter 'fields': 'amount=null(0.5) uniform(1,5)': null(p) needs a "
            "nullable field, 'amount' is not nullable");
  EXPECT_EQ(error_of({"card_id=key(zipf=-1)"}),
            "node 'gen', parameter 'fields': 'card_id=key(zipf=-1)': key: zipf exponent '-1' "
            "must be a number > 0");
  EXPECT_EQ(error_of({"amount=uniform(1"}),
            "node 'gen', parameter 'fields': 'amount=uniform(1': 'uniform(1' lacks its closing "
            "')'");
  EXPECT_EQ(error_of({"seq=sequence", "seq=const(1)"}),
            "node 'gen', parameter 'fields': 'seq' has more than one generator");
  EXPECT_EQ(error_of({"card_id=key(prefix=c-)", "country=const(NL)", "note=null(1)"}), "built");
}

}  // namespace
}  // namespace rivulet::operators
