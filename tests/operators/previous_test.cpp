// previous against hand-computed expectations: pairs in event-time order whatever the arrival
// order, a key's first record unpaired, carry expressions on the previous record, max_gap,
// late records, the end of input releasing what is held, and names that clash.
#include "operators/previous.hpp"

#include <gtest/gtest.h>

#include "keyed_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using testing::CollectingCollector;
using testing::make_rows;
using Rows = std::vector<std::string>;

graphs::Schema schema() {
  return {{"card", FieldType::String, false},
          {"country", FieldType::String, false},
          {"amount", FieldType::Int64, false}};
}
graphs::Schema output() {
  graphs::Schema s = schema();
  s.push_back({"prev_country", FieldType::String, false});
  s.push_back({"prev_double", FieldType::Int64, false});
  return s;
}

class PreviousTest : public ::testing::Test {
 protected:
  testing::Built make(std::int64_t max_gap = 0,
                      graphs::StringList carry = {"country AS prev_country",
                                                  "amount * 2 AS prev_double"}) {
    graphs::Node node;
    node.id = "pairs";
    node.kind = "previous";
    node.set_parameter("carry", std::move(carry));
    node.set_parameter("max_gap", graphs::Duration{max_gap});
    return testing::build(previous_factory(), spec_, node, {schema()}, {output()}, {{"card"}});
  }
  runtime::BatchPtr rows(const std::vector<std::vector<std::string>>& cells,
                         const std::vector<std::int64_t>& times) {
    return make_rows(schema_, cells, times);
  }
  graphs::OperatorSpec spec_ = previous_spec();
  runtime::SchemaPtr schema_ = std::make_shared<const graphs::Schema>(schema());
  CollectingCollector out_;
};

TEST_F(PreviousTest, PairsEachRecordWithItsKeysPreviousOneInEventTimeOrder) {
  auto built = make();
  ASSERT_EQ(built.error, "");
  auto& op = built.op;
  // Arrival order differs from event-time order: c1@30 arrives before c1@10 and c1@20.
  op->process(0, rows({{"c1", "US", "30"}, {"c2", "DE", "5"}, {"c1", "GB", "10"}}, {30, 12, 10}),
              out_);
  op->process(0, rows({{"c1", "FR", "20"}, {"c2", "NL", "7"}}, {20, 15}), out_);
  EXPECT_TRUE(out_.rows().empty()) << "nothing before the watermark passes";
  op->on_watermark(25, out_);
  EXPECT_EQ(out_.rows(), (Rows{"c2|NL|7|DE|10@15", "c1|FR|20|GB|20@20"}));
  out_.clear();
  op->on_watermark(100, out_);
  EXPECT_EQ(out_.rows(), (Rows{"c1|US|30|FR|40@30"}));
}

TEST_F(PreviousTest, MaxGapStartsAKeyAnewAndLateRecordsGoToTheirPort) {
  auto built = make(/*max_gap=*/10);
  ASSERT_EQ(built.error, "");
  auto& op = built.op;
  op->process(0, rows({{"c1", "US", "1"}, {"c1", "US", "2"}, {"c1", "MX", "3"}}, {0, 10, 21}),
              out_);
  op->on_watermark(50, out_);
  EXPECT_EQ(out_.rows(), (Rows{"c1|US|2|US|2@10"})) << "21 is 11 after 10: more than max_gap";
  out_.clear();
  op->process(0, rows({{"c1", "CA", "4"}, {"c1", "CA", "5"}}, {49, 55}), out_);
  EXPECT_EQ(out_.rows(1), (Rows{"c1|CA|4@49"}));
  op->on_end_of_input(out_);
  EXPECT_EQ(out_.rows(0), Rows{}) << "c1 was forgotten at 31: 55 starts anew";
}

TEST_F(PreviousTest, TheEndOfInputReleasesWhatIsHeld) {
  auto built = make();
  ASSERT_EQ(built.error, "");
  built.op->process(0, rows({{"c1", "US", "1"}, {"c1", "JP", "2"}}, {5, 6}), out_);
  built.op->on_end_of_input(out_);
  EXPECT_EQ(out_.rows(), (Rows{"c1|JP|2|US|2@6"}));
}

TEST_F(PreviousTest, ACarryNamedLikeAFieldIsRefusedWithAHint) {
  const auto built = make(0, {"country AS country"});
  EXPECT_NE(built.error.find("'country' is already a field"), std::string::npos) << built.error;
  EXPECT_NE(built.error.find("prev_country"), std::string::npos) << built.error;
}

}  // namespace
}  // namespace rivulet::operators
