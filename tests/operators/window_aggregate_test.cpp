// window_aggregate against hand-computed expectations. Rows are rendered as text
// ("key|start|end|aggregates...@event_time") so that every expectation reads as a table.
#include "operators/window_aggregate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/batch_builder.hpp"

namespace rivulet::operators {
namespace {

using graphs::Field;
using graphs::FieldType;
using graphs::Schema;

// ---- harness --------------------------------------------------------------------------------

struct CollectingOutput : runtime::Collector {
  std::map<std::size_t, std::vector<runtime::BatchPtr>> batches;
  void emit(std::size_t port, runtime::BatchPtr batch) override {
    batches[port].push_back(std::move(batch));
  }
  bool has_capacity() const override { return true; }
  std::size_t late_rows() const {
    std::size_t n = 0;
    auto it = batches.find(1);
    if (it != batches.end()) {
      for (const auto& b : it->second) n += b->num_rows();
    }
    return n;
  }
};

std::string render_cell(const runtime::Column& c, std::size_t row) {
  if (c.is_null(row)) return "null";
  char buf[64];
  switch (c.type()) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      return std::to_string(c.int64s()[row]);
    case FieldType::Float64:
      std::snprintf(buf, sizeof buf, "%g", c.float64s()[row]);
      return buf;
    case FieldType::Bool:
      return c.bools()[row] ? "true" : "false";
    case FieldType::String:
      return std::string(c.string_at(row));
  }
  return "?";
}

// Takes (and clears) the rows emitted on `port`.
std::vector<std::string> take(CollectingOutput& out, std::size_t port = 0) {
  std::vector<std::string> rows;
  for (const auto& b : out.batches[port]) {
    for (std::size_t r = 0; r < b->num_rows(); ++r) {
      std::string line;
      for (std::size_t c = 0; c < b->num_columns(); ++c) {
        if (c) line += "|";
        line += render_cell(b->column(c), r);
      }
      line += '@';
      line += std::to_string(b->event_times()[r]);
      rows.push_back(line);
    }
  }
  out.batches[port].clear();
  return rows;
}

// Input records: key k (int64), value v (int64, nullable), name s (string, nullable).
const Schema kInput = {Field{"k", FieldType::Int64, false}, Field{"v", FieldType::Int64, true},
                       Field{"s", FieldType::String, true}};

struct Rec {
  std::int64_t t;
  std::int64_t k;
  std::optional<std::int64_t> v = std::nullopt;
  std::optional<std::string> s = std::nullopt;
};

runtime::BatchPtr batch_of(const std::vector<Rec>& recs, const Schema& schema = kInput) {
  runtime::BatchBuilder b(std::make_shared<const Schema>(schema));
  for (const Rec& r : recs) {
    b.append_int64(0, r.k);
    if (r.v) {
      b.append_int64(1, *r.v);
    } else {
      b.append_null(1);
    }
    if (r.s) {
      b.append_string(2, *r.s);
    } else {
      b.append_null(2);
    }
    b.end_row(r.t);
  }
  return b.finish(false);
}

graphs::Parameter param(std::string name, graphs::Value v) {
  return graphs::Parameter{std::move(name), std::move(v)};
}
graphs::Parameter ms(std::string name, std::int64_t v) {
  return param(std::move(name), graphs::Duration{v});
}
graphs::Parameter aggs(graphs::StringList items) { return param("aggregates", std::move(items)); }

graphs::Result<WindowAggregateOptions> options_for(std::vector<graphs::Parameter> params,
                                                   std::vector<std::string> keys = {"k"},
                                                   const Schema& input = kInput) {
  static const graphs::OperatorSpec spec = window_aggregate_spec();
  graphs::Node node;
  node.id = "w";
  node.kind = "window_aggregate";
  node.parameters = std::move(params);
  runtime::OperatorBuildContext context{node, spec, {input}, {}, {std::move(keys)}, 0, 1, ""};
  return window_aggregate_options(context);
}

std::unique_ptr<WindowAggregateOperator> make(std::vector<graphs::Parameter> params,
                                              std::vector<std::string> keys = {"k"},
                                              const Schema& input = kInput) {
  auto options = options_for(std::move(params), std::move(keys), input);
  EXPECT_TRUE(options.ok()) << (options.ok() ? "" : options.error().message);
  if (!options.ok()) return nullptr;
  auto op = std::make_unique<WindowAggregateOperator>(std::move(*options));
  runtime::OperatorContext context;
  context.task_name = "w#0";
  context.input_schemas = {std::make_shared<const Schema>(input)};
  auto opened = op->open(context);
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
  return op;
}

using Rows = std::vector<std::string>;

// ---- tumbling -------------------------------------------------------------------------------

TEST(WindowAggregateTest, TumblingFiresOnWatermarkPerKeyAndWindow) {
  auto op = make({ms("size", 10), aggs({"count(*)", "sum(v)"})});
  CollectingOutput out;
  op->process(0, batch_of({{1, 1, 5}, {2, 1, 7}, {11, 1, 1}, {5, 2, 3}}), out);
  EXPECT_TRUE(take(out).empty());  // nothing before the watermark
  op->on_watermark(8, out);
  EXPECT_TRUE(take(out).empty());  // end - 1 = 9 not reached
  op->on_watermark(9, out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|2|12@9", "2|0|10|1|3@9"}));
  op->on_watermark(25, out);
  EXPECT_EQ(take(out), (Rows{"1|10|20|1|1@19"}));
  EXPECT_EQ(op->live_windows(), 0u);
  EXPECT_EQ(op->live_keys(), 0u);
}

TEST(WindowAggregateTest, OutOfOrderRecordsWithinTheWatermarkBoundCount) {
  auto op = make({ms("size", 10), aggs({"count(*)", "min(v)", "max(v)"})});
  CollectingOutput out;
  op->process(0, batch_of({{8, 1, 8}, {12, 1, 12}}), out);
  op->on_watermark(5, out);                               // e.g. max seen 12, bound 7
  op->process(0, batch_of({{3, 1, 3}, {9, 1, 9}}), out);  // behind 12 but ahead of watermark
  op->on_watermark(9, out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|3|3|9@9"}));
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|10|20|1|12|12@19"}));
  EXPECT_EQ(out.late_rows(), 0u);
}

TEST(WindowAggregateTest, EmptyWindowsEmitNothing) {
  auto op = make({ms("size", 10), aggs({"count(*)"})});
  CollectingOutput out;
  op->process(0, batch_of({{5, 1}, {95, 1}}), out);
  op->on_watermark(200, out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|1@9", "1|90|100|1@99"}));
}

TEST(WindowAggregateTest, NegativeEventTimesAlignToTheEpoch) {
  auto op = make({ms("size", 10), aggs({"count(*)"})});
  CollectingOutput out;
  op->process(0, batch_of({{-1, 1}, {-10, 1}, {-11, 1}}), out);
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|-20|-10|1@-11", "1|-10|0|2@-1"}));
}

TEST(WindowAggregateTest, EndOfInputFiresEveryRemainingWindow) {
  auto op = make({ms("size", 10), ms("allowed_lateness", 1000), aggs({"count(*)"})});
  CollectingOutput out;
  op->process(0, batch_of({{1, 1}, {15, 2}, {1'000'000, 3}}), out);
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|1@9", "2|10|20|1@19", "3|1000000|1000010|1@1000009"}));
  EXPECT_EQ(op->live_windows(), 0u);  // +inf watermark also ends the lateness
}

// ---- sliding and session -------------------------------------------------------------------

TEST(WindowAggregateTest, SlidingAssignsEachRecordToSizeOverSlideWindows) {
  auto op = make({param("window", std::string("sliding")), ms("size", 10), ms("slide", 5),
                  aggs({"count(*)", "sum(v)"})});
  CollectingOutput out;
  // t=7 -> [0,10) [5,15); t=12 -> [5,15) [10,20); t=3 -> [-5,5) [0,10)
  op->process(0, batch_of({{7, 1, 1}, {12, 1, 10}, {3, 1, 100}}), out);
  op->on_watermark(9, out);
  EXPECT_EQ(take(out), (Rows{"1|-5|5|1|100@4", "1|0|10|2|101@9"}));
  op->on_watermark(100, out);
  EXPECT_EQ(take(out), (Rows{"1|5|15|2|11@14", "1|10|20|1|10@19"}));
}

TEST(WindowAggregateTest, SlidingRejectsASlideLargerThanTheSize) {
  auto options = options_for({param("window", std::string("sliding")), ms("size", 10),
                              ms("slide", 20), aggs({"count(*)"})});
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.error().message.find("slide"), std::string::npos);
}

TEST(WindowAggregateTest, SessionsCloseAfterTheGapPerKey) {
  auto op =
      make({param("window", std::string("session")), ms("gap", 10), aggs({"count(*)", "sum(v)"})});
  CollectingOutput out;
  op->process(0, batch_of({{0, 1, 1}, {5, 1, 2}, {30, 1, 4}, {3, 2, 8}}), out);
  op->on_watermark(14, out);
  // Key 2's [3,13) completes first (at 12), key 1's [0,15) at 14; [30,40) stays open.
  EXPECT_EQ(take(out), (Rows{"2|3|13|1|8@12", "1|0|15|2|3@14"}));
}

TEST(WindowAggregateTest, SessionsFireInEndOrderAndRecordsExactlyAGapApartDoNotMerge) {
  auto op = make({param("window", std::string("session")), ms("gap", 10), aggs({"count(*)"})});
  CollectingOutput out;
  op->process(0, batch_of({{0, 1}, {10, 1}, {3, 2}}), out);
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|1@9", "2|3|13|1@12", "1|10|20|1@19"}));
}

TEST(WindowAggregateTest, ARecordBridgingTwoSessionsMergesThem) {
  auto op = make({param("window", std::string("session")), ms("gap", 10),
                  aggs({"count(*)", "sum(v)", "count_distinct(v)"})});
  CollectingOutput out;
  op->process(0, batch_of({{0, 1, 1}, {18, 1, 2}}), out);  // [0,10) and [18,28)
  EXPECT_EQ(op->live_windows(), 2u);
  op->process(0, batch_of({{9, 1, 1}}), out);  // [9,19) overlaps both
  EXPECT_EQ(op->live_windows(), 1u);
  op->on_watermark(26, out);
  EXPECT_TRUE(take(out).empty());
  op->on_watermark(27, out);
  EXPECT_EQ(take(out), (Rows{"1|0|28|3|4|2@27"}));
  EXPECT_EQ(op->live_keys(), 0u);
}

TEST(WindowAggregateTest, SessionMergeWithinOneBatchKeepsEveryRecord) {
  auto op =
      make({param("window", std::string("session")), ms("gap", 10), aggs({"count(*)", "max(v)"})});
  CollectingOutput out;
  // [0,10) [30,40) -> [25,40) -> [16,40) -> [8,18) bridges the two: [0,40).
  op->process(0, batch_of({{0, 1, 1}, {30, 1, 5}, {25, 1, 7}, {16, 1, 2}, {8, 1, 3}}), out);
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|0|40|5|7@39"}));
}

// ---- lateness -------------------------------------------------------------------------------

TEST(WindowAggregateTest, LateRecordWithinAllowedLatenessEmitsAnUpdate) {
  auto op = make({ms("size", 10), ms("allowed_lateness", 5), aggs({"count(*)", "sum(v)"})});
  CollectingOutput out;
  op->process(0, batch_of({{1, 1, 1}, {2, 1, 2}}), out);
  op->on_watermark(9, out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|2|3@9"}));
  op->process(0, batch_of({{3, 1, 10}}), out);  // window complete, still within lateness
  EXPECT_EQ(take(out), (Rows{"1|0|10|3|13@9"}));
  EXPECT_EQ(op->stats().updates_emitted, 1u);
  op->process(0, batch_of({{4, 1, 100}, {5, 1, 1000}}), out);  // two late records, one update
  EXPECT_EQ(take(out), (Rows{"1|0|10|5|1113@9"}));
  op->on_watermark(13, out);
  EXPECT_TRUE(take(out).empty());  // no re-fire, state kept until 9 + 5
  EXPECT_EQ(op->live_windows(), 1u);
  op->on_watermark(14, out);
  EXPECT_EQ(op->live_windows(), 0u);
  auto late = batch_of({{6, 1, 7}});
  op->process(0, late, out);  // beyond the lateness: late output, unchanged
  EXPECT_TRUE(take(out).empty());
  ASSERT_EQ(out.batches[1].size(), 1u);
  EXPECT_EQ(out.batches[1][0], late);  // the same batch pointer, no copy
  EXPECT_EQ(op->stats().late_records, 1u);
  EXPECT_EQ(op->stats().updates_emitted, 2u);
}

TEST(WindowAggregateTest, LateRecordWithinLatenessCreatesAMissingWindow) {
  auto op = make({ms("size", 10), ms("allowed_lateness", 20), aggs({"count(*)"})});
  CollectingOutput out;
  op->process(0, batch_of({{25, 1}}), out);
  op->on_watermark(29, out);
  EXPECT_EQ(take(out), (Rows{"1|20|30|1@29"}));
  op->process(0, batch_of({{12, 1}}), out);  // [10,20): purge at 19 + 20 = 39 > 29
  EXPECT_EQ(take(out), (Rows{"1|10|20|1@19"}));
  EXPECT_EQ(op->stats().updates_emitted, 0u);  // a first result, not an update
}

TEST(WindowAggregateTest, RecordsBeyondTheWatermarkGoToTheLateOutputUnchanged) {
  auto op = make({ms("size", 10), aggs({"count(*)"})});
  CollectingOutput out;
  op->process(0, batch_of({{15, 1}}), out);
  op->on_watermark(12, out);
  op->process(0, batch_of({{5, 1, 50, "a"}, {13, 1}, {9, 2, std::nullopt, "b"}}), out);
  EXPECT_EQ(take(out, 1), (Rows{"1|50|a@5", "2|null|b@9"}));
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|10|20|2@19"}));
  EXPECT_EQ(op->live_keys(), 0u);  // key 2 only had late records: not kept
}

TEST(WindowAggregateTest, SlidingRecordIsLateOnlyWhenAllItsWindowsAre) {
  auto op = make({param("window", std::string("sliding")), ms("size", 10), ms("slide", 5),
                  aggs({"count(*)"})});
  CollectingOutput out;
  op->on_watermark(9, out);
  op->process(0, batch_of({{7, 1}, {3, 1}}), out);  // 7: [0,10) late, [5,15) open; 3: both late
  EXPECT_EQ(take(out, 1), (Rows{"1|null|null@3"}));
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|5|15|1@14"}));
}

TEST(WindowAggregateTest, SessionLateRecordExtendingAFiredSessionUpdatesIt) {
  auto op = make({param("window", std::string("session")), ms("gap", 10),
                  ms("allowed_lateness", 10), aggs({"count(*)"})});
  CollectingOutput out;
  op->process(0, batch_of({{0, 1}}), out);
  op->on_watermark(12, out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|1@9"}));
  op->process(0, batch_of({{8, 1}}), out);  // grows to [0,18): not complete any more
  EXPECT_TRUE(take(out).empty());
  op->on_watermark(17, out);
  EXPECT_EQ(take(out), (Rows{"1|0|18|2@17"}));
  EXPECT_EQ(op->stats().updates_emitted, 1u);
}

// ---- aggregates, NULLs, keys ---------------------------------------------------------------

TEST(WindowAggregateTest, NullArgumentsAreIgnoredAndCountStarCountsRows) {
  auto op = make({ms("size", 10), aggs({"count(*)", "count(v)", "sum(v)", "min(v)", "max(v)",
                                        "avg(v)", "count_distinct(v)", "min(s)", "max(s)"})});
  CollectingOutput out;
  op->process(0,
              batch_of({{1, 1, 4, "pear"},
                        {2, 1, std::nullopt, "apple"},
                        {3, 1, 2},
                        {4, 1, 4},
                        {11, 1},
                        {12, 1}}),
              out);
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|4|3|10|2|4|3.33333|2|apple|pear@9",
                             "1|10|20|2|0|null|null|null|null|0|null|null@19"}));
}

TEST(WindowAggregateTest, ExpressionArgumentsGoThroughTheEvaluator) {
  auto op =
      make({ms("size", 10),
            aggs({"sum(v * 2) AS doubled", "count(s) AS named", "max(length(s)) AS longest"})});
  CollectingOutput out;
  op->process(0, batch_of({{1, 1, 4, "pear"}, {2, 1, std::nullopt, "apple"}, {3, 1, 1}}), out);
  op->on_end_of_input(out);
  EXPECT_EQ(take(out), (Rows{"1|0|10|10|2|5@9"}));
}

TEST(WindowAggregateTest, MultiFieldKeysWithNullsGroupTogether) {
  auto op = make({ms("size", 10), aggs({"count(*)"})}, {"s", "v"});
  CollectingOutput out;
  op->process(0,
              batch_of({{1, 0, 1, "a"},
                        {2, 0, 1, "a"},
                        {3, 0, std::nullopt, "a"},
                        {4, 0, std::nullopt, std::nullopt},
                        {5, 0, std::nullopt, "a"},
                        {6, 0, 2, "a"}}),
              out);
  op->on_end_of_input(out);
  auto rows = take(out);
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (Rows{"a|1|0|10|2@9", "a|2|0|10|1@9", "a|null|0|10|2@9", "null|null|0|10|1@9"}));
}

TEST(WindowAggregateTest, ManyKeysAndWindowsRecycleState) {
  auto op = make({ms("size", 100), aggs({"count(*)", "sum(v)"})});
  CollectingOutput out;
  std::int64_t total_count = 0;
  std::int64_t total_sum = 0;
  for (int round = 0; round < 50; ++round) {
    std::vector<Rec> recs;
    for (int i = 0; i < 1000; ++i) {
      recs.push_back({round * 100 + i % 100, (round * 7919 + i) % 5000, i});
    }
    op->process(0, batch_of(recs), out);
    op->on_watermark(round * 100 + 99, out);
    for (const auto& b : out.batches[0]) {
      for (std::size_t r = 0; r < b->num_rows(); ++r) {
        total_count += b->column(3).int64s()[r];
        total_sum += b->column(4).int64s()[r];
      }
    }
    out.batches[0].clear();
    EXPECT_EQ(op->live_windows(), 0u);
  }
  EXPECT_EQ(total_count, 50 * 1000);
  EXPECT_EQ(total_sum, 50 * (999 * 1000 / 2));
  EXPECT_EQ(op->live_keys(), 0u);
}

// ---- snapshot / restore --------------------------------------------------------------------

struct MemoryState : runtime::StateWriter, runtime::StateReader {
  std::map<std::string, std::vector<std::byte>, std::less<>> blobs;
  graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
    blobs[std::string(name)] = std::vector<std::byte>(bytes.begin(), bytes.end());
    return graphs::Ok{};
  }
  bool has_blob(std::string_view name) const override { return blobs.count(name) > 0; }
  graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override {
    auto it = blobs.find(name);
    if (it == blobs.end()) return graphs::Error{"no blob"};
    return it->second;
  }
};

void round_trip(std::vector<graphs::Parameter> params, std::vector<std::string> keys) {
  const std::vector<graphs::Parameter> copy = params;
  auto original = make(params, keys);
  auto restored = make(copy, keys);
  CollectingOutput out_a;
  CollectingOutput out_b;
  original->process(0,
                    batch_of({{1, 1, 4, "x"},
                              {2, 2, std::nullopt, "y"},
                              {13, 1, 5, "z"},
                              {14, 1, 5},
                              {25, 3, -1, "x"}}),
                    out_a);
  original->on_watermark(9, out_a);
  take(out_a);
  MemoryState state;
  ASSERT_TRUE(original->snapshot(1, state).ok());
  ASSERT_TRUE(restored->restore(state).ok());
  EXPECT_EQ(restored->live_windows(), original->live_windows());
  auto more = batch_of({{5, 1, 1, "late"}, {16, 1, 7, "q"}, {22, 2, 2, "x"}, {40, 4, 9}});
  original->process(0, more, out_a);
  restored->process(0, more, out_b);
  original->on_end_of_input(out_a);
  restored->on_end_of_input(out_b);
  EXPECT_EQ(take(out_a), take(out_b));
  EXPECT_EQ(take(out_a, 1), take(out_b, 1));
  EXPECT_EQ(original->stats().updates_emitted, restored->stats().updates_emitted);
}

TEST(WindowAggregateTest, SnapshotRestoreRoundTripTumbling) {
  round_trip({ms("size", 10), ms("allowed_lateness", 5),
              aggs({"count(*)", "sum(v)", "avg(v)", "min(s)", "count_distinct(s)",
                    "percentile(v, 0.5) AS p50"})},
             {"k"});
}

TEST(WindowAggregateTest, SnapshotRestoreRoundTripSessionsWithStringKeys) {
  round_trip({param("window", std::string("session")), ms("gap", 5),
              aggs({"count(*)", "max(v)", "count_distinct(v)"})},
             {"s"});
}

TEST(WindowAggregateTest, RestoreRejectsStateOfOtherWindowParameters) {
  auto a = make({ms("size", 10), aggs({"count(*)"})});
  auto b = make({ms("size", 20), aggs({"count(*)"})});
  CollectingOutput out;
  a->process(0, batch_of({{1, 1}}), out);
  MemoryState state;
  ASSERT_TRUE(a->snapshot(1, state).ok());
  EXPECT_FALSE(b->restore(state).ok());
}

TEST(WindowAggregateTest, RestoreRejectsATruncatedBlobAndKeepsNoHalfState) {
  auto a = make({ms("size", 10), aggs({"count(*)", "min(s)"})}, {"s"});
  auto b = make({ms("size", 10), aggs({"count(*)", "min(s)"})}, {"s"});
  CollectingOutput out;
  a->process(0, batch_of({{1, 1, 1, "alpha"}, {2, 1, 1, "beta"}}), out);
  MemoryState state;
  ASSERT_TRUE(a->snapshot(1, state).ok());
  auto& blob = state.blobs[WindowAggregateOperator::kStateName];
  blob.resize(blob.size() - 3);
  auto restored = b->restore(state);
  ASSERT_FALSE(restored.ok());
  EXPECT_NE(restored.error().message.find("truncated"), std::string::npos);
  EXPECT_EQ(b->live_windows(), 0u);
  EXPECT_EQ(b->live_keys(), 0u);
}

}  // namespace
}  // namespace rivulet::operators
