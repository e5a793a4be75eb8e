// join (operators/join.cpp) against a brute force over the same records: every pair of records
// with equal non-NULL keys (unbounded), or within left.ts - lower <= right.ts <= left.ts + upper
// (interval) among the records that were not late when they arrived — whatever the order in
// which the two inputs interleave; late records on their port and counted; a left join emits
// each left record without a partner exactly once; the factory's refusals name the parameter.
#include "operators/join.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "keyed_test_support.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/record_counters.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using testing::CollectingCollector;

const graphs::Schema kLeft = {{"k", FieldType::Int64, true}, {"l", FieldType::Int64, false}};
const graphs::Schema kRight = {{"k", FieldType::Int64, true}, {"r", FieldType::Int64, false}};
const graphs::Schema kOut = {{"k", FieldType::Int64, true},
                             {"l", FieldType::Int64, false},
                             {"right_k", FieldType::Int64, true},
                             {"r", FieldType::Int64, false}};

struct Record {
  std::size_t side;
  std::int64_t key;  // -1: NULL
  std::int64_t id;
  std::int64_t time;
};

struct Arrival {
  std::vector<Record> records;  // one batch, one side
  std::int64_t watermark;       // after it
};

// Batches alternating at random between the sides, times disordered by up to 30 ms, the
// watermark 20 ms behind the latest time (so some records arrive late).
std::vector<Arrival> workload(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Arrival> arrivals;
  std::int64_t now = 0;
  std::int64_t id = 0;
  std::int64_t max_time = 0;
  for (int b = 0; b < 80; ++b) {
    Arrival a;
    const std::size_t side = rng() % 2;
    for (int r = 0; r < 1 + static_cast<int>(rng() % 12); ++r) {
      now += 1;
      const std::int64_t key = rng() % 13 == 0 ? -1 : static_cast<std::int64_t>(rng() % 7);
      const std::int64_t time = now - static_cast<std::int64_t>(rng() % 30);
      max_time = std::max(max_time, time);
      a.records.push_back({side, key, id++, time});
    }
    a.watermark = max_time - 20;
    arrivals.push_back(std::move(a));
  }
  return arrivals;
}

runtime::BatchPtr batch_of(const std::vector<Record>& records) {
  auto schema = std::make_shared<const graphs::Schema>(records.front().side == 0 ? kLeft : kRight);
  runtime::BatchBuilder builder(schema);
  for (const Record& r : records) {
    if (r.key < 0) {
      builder.append_null(0);
    } else {
      builder.append_int64(0, r.key);
    }
    builder.append_int64(1, r.id);
    builder.end_row(r.time);
  }
  return builder.finish(false);
}

struct JoinRun {
  std::vector<std::string> pairs;  // sorted
  std::size_t late[2] = {0, 0};
  std::uint64_t counted_late = 0;
};

JoinRun run_join(const std::vector<graphs::Parameter>& params, const std::vector<Arrival>& arrivals,
                 bool left_join) {
  graphs::Node node;
  node.id = "j";
  node.kind = "join";
  node.parameters = params;
  graphs::Schema out = kOut;
  if (left_join) out[2].nullable = out[3].nullable = true;
  testing::Built built = testing::build(join_factory(), join_spec(), node, {kLeft, kRight}, {out},
                                        {{"k"}, {"k"}}, {}, false);
  EXPECT_TRUE(built.op) << built.error;
  JoinRun run;
  if (!built.op) return run;
  runtime::RecordCounters counters;
  runtime::OperatorContext context;
  context.task_name = "j#0";
  context.counters = &counters;
  EXPECT_TRUE(built.op->open(context));
  CollectingCollector collector;
  for (const Arrival& a : arrivals) {
    built.op->process(a.records.front().side, batch_of(a.records), collector);
    built.op->on_watermark(a.watermark, collector);
  }
  built.op->on_watermark(std::numeric_limits<std::int64_t>::max(), collector);  // end of input
  built.op->on_end_of_input(collector);
  run.pairs = collector.sorted_rows(0);
  run.late[0] = collector.rows(1).size();
  run.late[1] = collector.rows(2).size();
  run.counted_late = counters.late();
  return run;
}

// As CollectingCollector prints it: a pair at the later of its times, a left record without
// partner when it is forgotten (left.ts + upper).
std::string pair_text(const Record& l, const Record* r, std::int64_t upper) {
  std::string text = (l.key < 0 ? "NULL" : std::to_string(l.key)) + "|" + std::to_string(l.id);
  if (!r) return text + "|NULL|NULL@" + std::to_string(l.time + upper);
  return text + "|" + std::to_string(r->key) + "|" + std::to_string(r->id) + "@" +
         std::to_string(std::max(l.time, r->time));
}

// The brute force: records that arrived behind the watermark (interval only) excluded.
std::vector<std::string> expected_pairs(const std::vector<Arrival>& arrivals, bool interval,
                                        std::int64_t lower, std::int64_t upper, bool left_join,
                                        std::size_t late[2]) {
  std::vector<Record> kept;
  std::int64_t watermark = std::numeric_limits<std::int64_t>::min();
  for (const Arrival& a : arrivals) {
    for (const Record& r : a.records) {
      if (interval && r.time < watermark) {
        ++late[r.side];
      } else {
        kept.push_back(r);
      }
    }
    watermark = std::max(watermark, a.watermark);
  }
  std::vector<std::string> pairs;
  for (const Record& l : kept) {
    if (l.side != 0) continue;
    bool matched = false;
    for (const Record& r : kept) {
      if (r.side != 1 || l.key < 0 || r.key != l.key) continue;
      if (interval && (r.time < l.time - lower || r.time > l.time + upper)) continue;
      pairs.push_back(pair_text(l, &r, upper));
      matched = true;
    }
    if (left_join && !matched) pairs.push_back(pair_text(l, nullptr, upper));
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

graphs::Parameter duration(const char* name, std::int64_t ms) {
  return graphs::Parameter{name, graphs::Duration{ms}};
}
graphs::Parameter text(const char* name, const char* value) {
  return graphs::Parameter{name, std::string(value)};
}

TEST(Join, UnboundedPairsEveryTwoRecordsWithEqualKeysWhateverTheInterleaving) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const auto arrivals = workload(seed);
    std::size_t late[2] = {0, 0};
    const JoinRun run = run_join({}, arrivals, false);
    EXPECT_EQ(run.pairs, expected_pairs(arrivals, false, 0, 0, false, late)) << "seed " << seed;
    EXPECT_EQ(run.late[0] + run.late[1], 0u);  // nothing is ever dropped
    EXPECT_GT(run.pairs.size(), 500u);
  }
}

TEST(Join, IntervalPairsExactlyTheRecordsWithinTheBoundsAndRoutesLateOnes) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const auto arrivals = workload(seed);
    std::size_t late[2] = {0, 0};
    const JoinRun run = run_join(
        {text("mode", "interval"), duration("lower_bound", 7), duration("upper_bound", 15)},
        arrivals, false);
    EXPECT_EQ(run.pairs, expected_pairs(arrivals, true, 7, 15, false, late)) << "seed " << seed;
    EXPECT_EQ(run.late[0], late[0]);
    EXPECT_EQ(run.late[1], late[1]);
    EXPECT_EQ(run.counted_late, late[0] + late[1]);
    EXPECT_GT(late[0] + late[1], 0u);  // the workload has late records
    EXPECT_GT(run.pairs.size(), 100u);
  }
}

TEST(Join, ALeftIntervalJoinEmitsEachLeftRecordWithoutPartnerOnce) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const auto arrivals = workload(seed);
    std::size_t late[2] = {0, 0};
    const JoinRun run = run_join({text("mode", "interval"), duration("lower_bound", 0),
                                  duration("upper_bound", 3), text("join_type", "left")},
                                 arrivals, true);
    const auto expected = expected_pairs(arrivals, true, 0, 3, true, late);
    EXPECT_EQ(run.pairs, expected) << "seed " << seed;
    EXPECT_GT(std::count_if(
                  expected.begin(), expected.end(),
                  [](const std::string& p) { return p.find("|NULL|NULL@") != std::string::npos; }),
              10);
  }
}

TEST(Join, RefusesALeftJoinWithoutBoundsAndInputsKeyedDifferently) {
  graphs::Node node;
  node.id = "j";
  node.kind = "join";
  node.parameters = {text("join_type", "left")};
  testing::Built left =
      testing::build(join_factory(), join_spec(), node, {kLeft, kRight}, {kOut}, {{"k"}, {"k"}});
  EXPECT_FALSE(left.op);
  EXPECT_NE(left.error.find("join_type"), std::string::npos) << left.error;
  EXPECT_NE(left.error.find("mode = interval"), std::string::npos) << left.error;

  node.parameters = {};
  testing::Built keys = testing::build(join_factory(), join_spec(), node, {kLeft, kRight}, {kOut},
                                       {{"k", "l"}, {"k"}});
  EXPECT_FALSE(keys.op);
  EXPECT_NE(keys.error.find("keyed by 2 and 1 fields"), std::string::npos) << keys.error;
}

TEST(Join, RefusesStateWrittenWithOtherBounds) {
  graphs::Node node;
  node.id = "j";
  node.kind = "join";
  node.parameters = {text("mode", "interval"), duration("upper_bound", 10)};
  testing::Built first =
      testing::build(join_factory(), join_spec(), node, {kLeft, kRight}, {kOut}, {{"k"}, {"k"}});
  ASSERT_TRUE(first.op) << first.error;
  CollectingCollector out;
  first.op->process(0, batch_of({{0, 1, 1, 5}}), out);
  testing::MemoryState state;
  ASSERT_TRUE(first.op->snapshot(1, state));

  node.parameters = {text("mode", "interval"), duration("upper_bound", 20)};
  testing::Built second = testing::build(join_factory(), join_spec(), node, {kLeft, kRight}, {kOut},
                                         {{"k"}, {"k"}}, {}, false);
  ASSERT_TRUE(second.op) << second.error;
  const graphs::Status restored = second.op->restore(state);
  ASSERT_FALSE(restored);
  EXPECT_NE(restored.error().message.find("node 'j'"), std::string::npos)
      << restored.error().message;
  EXPECT_NE(restored.error().message.find("bounds"), std::string::npos) << restored.error().message;
}

}  // namespace
}  // namespace rivulet::operators
