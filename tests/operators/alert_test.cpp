// alert against hand-computed expectations: sliding counts in event-time order, suppression,
// thresholds with NULLs, late records, message templates, end of input, snapshot round trip.

#include "operators/alert.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "keyed_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using testing::CollectingCollector;
using testing::make_rows;

constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

graphs::Schema input_schema() {
  return {{"card", FieldType::String, true}, {"amount", FieldType::Float64, true}};
}
graphs::Schema output_schema() {
  graphs::Schema s = input_schema();
  s.push_back({"alert_rule", FieldType::String, false});
  s.push_back({"alert_count", FieldType::Int64, false});
  s.push_back({"alert_message", FieldType::String, false});
  s.push_back({"alert_time", FieldType::Timestamp, false});
  return s;
}

class AlertTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(graphs::Node node, std::string* error = nullptr) {
    node.id = "a1";
    node.kind = "alert";
    auto built = testing::build(alert_factory(), spec_, node, {input_schema()}, {output_schema()},
                                {{"card"}});
    if (error) *error = built.error;
    if (!error) {
      EXPECT_EQ(built.error, "");
    }
    return std::move(built.op);
  }
  runtime::BatchPtr rows(const std::vector<std::vector<std::string>>& cells,
                         const std::vector<std::int64_t>& times) {
    return make_rows(schema_, cells, times);
  }

  graphs::OperatorSpec spec_ = alert_spec();
  runtime::SchemaPtr schema_ = std::make_shared<const graphs::Schema>(input_schema());
  CollectingCollector out_;
};

TEST_F(AlertTest, CountInWindowEvaluatesInEventTimeOrder) {
  graphs::Node node;
  node.set_parameter("count", std::int64_t{3});
  node.set_parameter("within", graphs::Duration{10});
  auto op = make(node);
  // Arrival order A1 A5 B2 A3: in event time A has 1,3,5 -> the third record (ts 5) fires.
  op->process(0, rows({{"A", "1"}, {"A", "5"}, {"B", "2"}, {"A", "3"}}, {1, 5, 2, 3}), out_);
  EXPECT_TRUE(out_.rows().empty()) << "nothing is evaluated before the watermark";
  op->on_watermark(6, out_);
  EXPECT_EQ(out_.rows(), (std::vector<std::string>{
                             "A|5|count_in_window|3|count_in_window: 3 records within 10 ms|5@5"}));
  out_.clear();
  // ts 4 < watermark 6: late. ts 12: window (2, 12] holds 3, 5, 12 -> fires with 3.
  op->process(0, rows({{"A", "4"}, {"A", "12"}}, {4, 12}), out_);
  EXPECT_EQ(out_.rows(1), (std::vector<std::string>{"A|4@4"}));
  op->on_watermark(20, out_);
  EXPECT_EQ(out_.rows(),
            (std::vector<std::string>{
                "A|12|count_in_window|3|count_in_window: 3 records within 10 ms|12@12"}));
}

TEST_F(AlertTest, SuppressForHoldsBackRepeatedAlerts) {
  graphs::Node node;
  node.set_parameter("count", std::int64_t{2});
  node.set_parameter("within", graphs::Duration{100});
  node.set_parameter("suppress_for", graphs::Duration{10});
  node.set_parameter("message", std::string("{card}: {alert_count_not_a_field"));  // no '}'
  auto op = make(node);
  // 1: count 1. 2: count 2, alert. 3: count 3, suppressed (3 < 2 + 10). 12: count 4, alert.
  op->process(0, rows({{"A", "0"}, {"A", "0"}, {"A", "0"}, {"A", "0"}}, {1, 2, 3, 12}), out_);
  op->on_watermark(kEnd, out_);
  op->on_end_of_input(out_);
  EXPECT_EQ(out_.rows(),
            (std::vector<std::string>{"A|0|count_in_window|2|A: {alert_count_not_a_field|2@2",
                                      "A|0|count_in_window|4|A: {alert_count_not_a_field|12@12"}));
}

TEST_F(AlertTest, ThresholdSkipsNullValuesAndKeysNullLikeAValue) {
  graphs::Node node;
  node.set_parameter("rule", std::string("threshold"));
  node.set_parameter("field", graphs::StringList{"amount"});
  node.set_parameter("threshold", 100.0);
  node.set_parameter("message", std::string("{card} spent {amount}"));
  auto op = make(node);
  op->process(
      0,
      rows(
          {{"A", "50"}, {"A", "NULL"}, {"B", "150"}, {"A", "100"}, {"NULL", "200"}, {"A", "100.5"}},
          {1, 2, 3, 4, 5, 6}),
      out_);
  op->on_watermark(kEnd, out_);
  EXPECT_EQ(out_.rows(), (std::vector<std::string>{"B|150|threshold|1|B spent 150|3@3",
                                                   "NULL|200|threshold|1|NULL spent 200|5@5",
                                                   "A|100.5|threshold|1|A spent 100.5|6@6"}));
}

TEST_F(AlertTest, DefaultThresholdMessageAndNullKeysCount) {
  graphs::Node node;
  node.set_parameter("count", std::int64_t{2});
  auto op = make(node);
  op->process(0, rows({{"NULL", "1"}, {"A", "1"}, {"NULL", "1"}}, {10, 11, 12}), out_);
  op->on_end_of_input(out_);  // evaluates what is pending even without a final watermark
  EXPECT_EQ(out_.rows(), (std::vector<std::string>{
                             "NULL|1|count_in_window|2|count_in_window: 2 records within 60000 "
                             "ms|12@12"}));

  graphs::Node threshold;
  threshold.set_parameter("rule", std::string("threshold"));
  threshold.set_parameter("field", graphs::StringList{"amount"});
  threshold.set_parameter("threshold", std::int64_t{5});  // an integer is a fine float
  auto op2 = make(threshold);
  out_.clear();
  op2->process(0, rows({{"A", "7.5"}}, {1}), out_);
  op2->on_watermark(2, out_);
  EXPECT_EQ(out_.rows(),
            (std::vector<std::string>{"A|7.5|threshold|1|threshold: amount = 7.5 > 5|1@1"}));
}

TEST_F(AlertTest, EmptyInputEmitsNothing) {
  auto op = make(graphs::Node{});
  op->on_watermark(100, out_);
  op->on_end_of_input(out_);
  EXPECT_TRUE(out_.batches.empty());
}

TEST_F(AlertTest, FactoryRejectsBadParameters) {
  std::string error;
  graphs::Node bad_field;
  bad_field.set_parameter("rule", std::string("threshold"));
  bad_field.set_parameter("field", graphs::StringList{"card"});
  EXPECT_EQ(make(bad_field, &error), nullptr);
  EXPECT_NE(error.find("parameter 'field'"), std::string::npos) << error;
  graphs::Node no_field;
  no_field.set_parameter("rule", std::string("threshold"));
  EXPECT_EQ(make(no_field, &error), nullptr);
  EXPECT_NE(error.find("exactly one field"), std::string::npos) << error;
  graphs::Node bad_message;
  bad_message.set_parameter("message", std::string("card {nope}"));
  EXPECT_EQ(make(bad_message, &error), nullptr);
  EXPECT_NE(error.find("{nope} at column 6"), std::string::npos) << error;
}

TEST_F(AlertTest, SnapshotRestoreContinuesIdentically) {
  graphs::Node node;
  node.set_parameter("count", std::int64_t{3});
  node.set_parameter("within", graphs::Duration{10});
  node.set_parameter("suppress_for", graphs::Duration{5});
  auto original = make(node);
  CollectingCollector ignore;
  original->process(0, rows({{"A", "1"}, {"B", "1"}, {"A", "2"}, {"A", "3"}}, {1, 1, 2, 3}),
                    ignore);
  original->on_watermark(3, ignore);  // evaluates 1, 1, 2; ts 3 stays pending
  original->process(0, rows({{"NULL", "NULL"}, {"A", "9"}}, {4, 8}), ignore);

  testing::MemoryState state;
  ASSERT_TRUE(original->snapshot(1, state).ok());
  auto restored = make(node);
  ASSERT_TRUE(restored->restore(state).ok());

  CollectingCollector a;
  CollectingCollector b;
  for (auto* pair : {&a, &b}) {
    runtime::Operator& op = pair == &a ? *original : *restored;
    op.process(0, rows({{"A", "4"}, {"A", "2"}, {"A", "11"}}, {4, 2, 11}), *pair);
    op.on_watermark(kEnd, *pair);
  }
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.rows(1), b.rows(1));
  // A: 1 2 3 -> alert at 3 (count 3); 4 count 4 suppressed (4 < 3+5); 8 count 5 alert;
  // 11: window (1, 11] = 2 3 4 8 11 -> 5, suppressed (11 < 8+5). The late 2 goes to 'late'.
  EXPECT_EQ(a.rows(), (std::vector<std::string>{
                          "A|3|count_in_window|3|count_in_window: 3 records within 10 ms|3@3",
                          "A|9|count_in_window|5|count_in_window: 5 records within 10 ms|8@8"}));
  EXPECT_EQ(a.rows(1), (std::vector<std::string>{"A|2@2"}));

  testing::MemoryState corrupt;
  corrupt.blobs["alert"] = std::vector<std::byte>(3, std::byte{1});
  EXPECT_FALSE(make(node)->restore(corrupt).ok());
}

}  // namespace
}  // namespace rivulet::operators
