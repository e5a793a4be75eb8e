// window_join against hand-computed expectations: inner and left joins per tumbling window,
// NULL keys, out-of-order and late records, allowed lateness, empty windows, multiple keys,
// snapshot round trip and factory checks.

#include "operators/window_join.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "keyed_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using testing::CollectingCollector;
using testing::make_rows;
using Rows = std::vector<std::string>;

constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

graphs::Schema left_schema() {
  return {{"user", FieldType::String, true}, {"click", FieldType::String, false}};
}
graphs::Schema right_schema() {
  return {{"user", FieldType::String, true}, {"amount", FieldType::Int64, false}};
}
// The catalog's Join rule: left fields, then right fields with clashes prefixed "right_".
graphs::Schema output_schema() {
  return {{"user", FieldType::String, true},
          {"click", FieldType::String, false},
          {"right_user", FieldType::String, true},
          {"amount", FieldType::Int64, false}};
}

class WindowJoinTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(const std::string& join_type, std::int64_t lateness = 0) {
    graphs::Node node;
    node.id = "j1";
    node.kind = "window_join";
    node.set_parameter("size", graphs::Duration{10});
    node.set_parameter("join_type", join_type);
    node.set_parameter("allowed_lateness", graphs::Duration{lateness});
    auto built = testing::build(window_join_factory(), spec_, node, {left_schema(), right_schema()},
                                {output_schema()}, {{"user"}, {"user"}});
    EXPECT_EQ(built.error, "");
    return std::move(built.op);
  }
  runtime::BatchPtr left(const std::vector<std::vector<std::string>>& cells,
                         const std::vector<std::int64_t>& times) {
    return make_rows(left_, cells, times);
  }
  runtime::BatchPtr right(const std::vector<std::vector<std::string>>& cells,
                          const std::vector<std::int64_t>& times) {
    return make_rows(right_, cells, times);
  }
  // Two windows' worth of records, out of order within each side.
  void feed(runtime::Operator& op, CollectingCollector& out) {
    op.process(0, left({{"u1", "a"}, {"u2", "b"}, {"u1", "c"}, {"NULL", "d"}}, {1, 3, 12, 4}), out);
    op.process(1,
               right({{"u1", "400"}, {"u1", "100"}, {"u3", "300"}, {"NULL", "500"}}, {15, 5, 2, 6}),
               out);
    op.process(1, right({{"u1", "200"}}, {8}), out);
  }

  graphs::OperatorSpec spec_ = window_join_spec();
  runtime::SchemaPtr left_ = std::make_shared<const graphs::Schema>(left_schema());
  runtime::SchemaPtr right_ = std::make_shared<const graphs::Schema>(right_schema());
  CollectingCollector out_;
};

TEST_F(WindowJoinTest, InnerJoinPairsEqualKeysPerWindowOnWatermark) {
  auto op = make("inner");
  feed(*op, out_);
  EXPECT_TRUE(out_.rows().empty());
  op->on_watermark(9, out_);  // window [0, 10) needs the watermark at 10
  EXPECT_TRUE(out_.rows().empty());
  op->on_watermark(10, out_);
  // u2 and u3 have no partner; NULL keys never match.
  EXPECT_EQ(out_.rows(), (Rows{"u1|a|u1|100@9", "u1|a|u1|200@9"}));
  out_.clear();
  op->on_watermark(kEnd, out_);
  op->on_end_of_input(out_);
  EXPECT_EQ(out_.rows(), (Rows{"u1|c|u1|400@19"}));
}

TEST_F(WindowJoinTest, LeftJoinEmitsUnmatchedLeftRowsWithNullRightFields) {
  auto op = make("left");
  feed(*op, out_);
  op->on_watermark(10, out_);
  EXPECT_EQ(out_.sorted_rows(),
            (Rows{"NULL|d|NULL|NULL@9", "u1|a|u1|100@9", "u1|a|u1|200@9", "u2|b|NULL|NULL@9"}));
  const auto& batch = *out_.batches[0].front();
  EXPECT_TRUE(batch.column(3).nullable()) << "right fields are nullable in a left join";
  out_.clear();
  op->on_watermark(20, out_);
  EXPECT_EQ(out_.rows(), (Rows{"u1|c|u1|400@19"}));
}

TEST_F(WindowJoinTest, LateRecordsGoToTheirSideOutput) {
  auto op = make("inner");
  // Opened again as a task would, with its counters: late records are counted (the monitor's
  // late counts), not only routed.
  runtime::RecordCounters counters;
  runtime::OperatorContext context;
  context.task_name = "j1#0";
  context.counters = &counters;
  ASSERT_TRUE(op->open(context).ok());
  feed(*op, out_);
  op->on_watermark(10, out_);
  out_.clear();
  op->process(0, left({{"u1", "e"}, {"u1", "f"}}, {7, 10}), out_);  // 7: window [0,10) is gone
  op->process(1, right({{"u3", "1"}}, {9}), out_);
  EXPECT_EQ(out_.rows(1), (Rows{"u1|e@7"}));
  EXPECT_EQ(out_.rows(2), (Rows{"u3|1@9"}));
  EXPECT_EQ(counters.late(), 2u);
  op->on_watermark(20, out_);
  EXPECT_EQ(out_.sorted_rows(), (Rows{"u1|c|u1|400@19", "u1|f|u1|400@19"}));
}

TEST_F(WindowJoinTest, AllowedLatenessJoinsLateRecordsAtOnce) {
  auto op = make("left", 5);
  op->process(0, left({{"u1", "a"}}, {1}), out_);
  op->process(1, right({{"u1", "100"}}, {2}), out_);
  op->on_watermark(10, out_);
  EXPECT_EQ(out_.rows(), (Rows{"u1|a|u1|100@9"}));
  out_.clear();
  op->process(1, right({{"u1", "200"}}, {3}), out_);  // 10 + 5 > 10: still accepted
  EXPECT_EQ(out_.rows(), (Rows{"u1|a|u1|200@9"}));
  out_.clear();
  op->process(0, left({{"u1", "x"}, {"u9", "y"}}, {4, 4}), out_);
  EXPECT_EQ(out_.rows(), (Rows{"u1|x|u1|100@9", "u1|x|u1|200@9", "u9|y|NULL|NULL@9"}));
  out_.clear();
  op->on_watermark(15, out_);  // window [0,10) purged now
  op->process(1, right({{"u1", "300"}}, {5}), out_);
  EXPECT_TRUE(out_.rows().empty());
  EXPECT_EQ(out_.rows(2), (Rows{"u1|300@5"}));
  // A window first seen after its end (but within lateness) joins immediately too.
  out_.clear();
  op->process(0, left({{"u5", "p"}}, {11}), out_);  // window [10,20) not fired: waits
  op->on_watermark(21, out_);
  EXPECT_EQ(out_.rows(), (Rows{"u5|p|NULL|NULL@19"}));
}

TEST_F(WindowJoinTest, EmptyWindowsAndOneSidedWindowsEmitNothingInner) {
  auto op = make("inner");
  op->on_watermark(100, out_);
  op->process(0, left({{"u1", "a"}}, {105}), out_);
  op->process(1, right({{"u1", "1"}}, {125}), out_);  // different window
  op->on_watermark(kEnd, out_);
  op->on_end_of_input(out_);
  EXPECT_TRUE(out_.batches.empty());
}

TEST_F(WindowJoinTest, ManyKeysProduceTheCrossProductPerKey) {
  auto op = make("inner");
  std::vector<std::vector<std::string>> l;
  std::vector<std::vector<std::string>> r;
  std::vector<std::int64_t> lt;
  std::vector<std::int64_t> rt;
  // Appending, not "k" + ...: GCC 12 raises a false -Wrestrict on operator+ here.
  const auto text = [](char prefix, int i) {
    std::string s(1, prefix);
    s += std::to_string(i);
    return s;
  };
  for (int k = 0; k < 50; ++k) {
    for (int i = 0; i < 3; ++i) {
      l.push_back({text('k', k), text('c', i)});
      lt.push_back((k + i) % 10);
    }
    for (int i = 0; i < 2; ++i) {
      r.push_back({text('k', k), std::to_string(i)});
      rt.push_back((k * 7 + i) % 10);
    }
  }
  op->process(0, left(l, lt), out_);
  op->process(1, right(r, rt), out_);
  op->on_watermark(10, out_);
  const Rows rows = out_.rows();
  ASSERT_EQ(rows.size(), 50u * 3 * 2);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), "k17|c2|k17|1@9"), 1);
}

TEST_F(WindowJoinTest, SnapshotRestoreContinuesIdentically) {
  for (std::int64_t lateness : {0, 5}) {
    auto original = make("left", lateness);
    CollectingCollector ignore;
    feed(*original, ignore);
    original->on_watermark(10, ignore);
    testing::MemoryState state;
    ASSERT_TRUE(original->snapshot(7, state).ok());
    auto restored = make("left", lateness);
    ASSERT_TRUE(restored->restore(state).ok());
    CollectingCollector a;
    CollectingCollector b;
    for (auto* op : {original.get(), restored.get()}) {
      CollectingCollector& out = op == original.get() ? a : b;
      op->process(1, right({{"u1", "7"}, {"u2", "8"}}, {3, 13}), out);
      op->process(0, left({{"u2", "z"}}, {18}), out);
      op->on_watermark(kEnd, out);
    }
    EXPECT_EQ(a.sorted_rows(), b.sorted_rows()) << lateness;
    EXPECT_EQ(a.rows(2), b.rows(2)) << lateness;
    const Rows expected = lateness == 0 ? Rows{"u1|c|u1|400@19", "u2|z|u2|8@19"}
                                        : Rows{"u1|a|u1|7@9", "u1|c|u1|400@19", "u2|z|u2|8@19"};
    EXPECT_EQ(a.sorted_rows(), expected);
  }
}

TEST_F(WindowJoinTest, FactoryChecksKeysOfBothSides) {
  graphs::Node node;
  node.id = "j1";
  node.set_parameter("size", graphs::Duration{10});
  auto mismatched =
      testing::build(window_join_factory(), spec_, node, {left_schema(), right_schema()},
                     {output_schema()}, {{"user"}, {"amount"}});
  EXPECT_NE(mismatched.error.find("key field 1 is string ('user') on the left but int64"),
            std::string::npos)
      << mismatched.error;
  auto count = testing::build(window_join_factory(), spec_, node, {left_schema(), right_schema()},
                              {output_schema()}, {{"user", "click"}, {"user"}});
  EXPECT_NE(count.error.find("keyed by 2 and 1 fields"), std::string::npos) << count.error;
  auto unkeyed = testing::build(window_join_factory(), spec_, node, {left_schema(), right_schema()},
                                {output_schema()}, {{}, {}});
  EXPECT_NE(unkeyed.error.find("needs a keyed input"), std::string::npos) << unkeyed.error;
}

}  // namespace
}  // namespace rivulet::operators
