// absence against hand-computed expectations: one report per silence at last + timeout, a key
// that reports again is watched again, late records, and the end of input reports nothing.
#include "operators/absence.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "keyed_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using testing::CollectingCollector;
using testing::make_rows;
using Rows = std::vector<std::string>;

graphs::Schema schema() {
  return {{"device", FieldType::String, false}, {"v", FieldType::Int64, false}};
}
graphs::Schema output() {
  graphs::Schema s = schema();
  s.push_back({"last_seen", FieldType::Timestamp, false});
  return s;
}

class AbsenceTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(std::int64_t timeout = 100) {
    graphs::Node node;
    node.id = "silent";
    node.kind = "absence";
    node.set_parameter("timeout", graphs::Duration{timeout});
    auto built =
        testing::build(absence_factory(), spec_, node, {schema()}, {output()}, {{"device"}});
    EXPECT_EQ(built.error, "");
    return std::move(built.op);
  }
  runtime::BatchPtr rows(const std::vector<std::vector<std::string>>& cells,
                         const std::vector<std::int64_t>& times) {
    return make_rows(schema_, cells, times);
  }
  graphs::OperatorSpec spec_ = absence_spec();
  runtime::SchemaPtr schema_ = std::make_shared<const graphs::Schema>(schema());
  CollectingCollector out_;
};

TEST_F(AbsenceTest, ReportsEachSilenceOnceWithTheLastRecord) {
  auto op = make();
  op->process(0, rows({{"a", "1"}, {"b", "2"}, {"a", "3"}, {"b", "4"}}, {0, 10, 50, 40}), out_);
  op->on_watermark(139, out_);  // b is silent since 40: due at 140
  EXPECT_TRUE(out_.rows().empty());
  op->on_watermark(140, out_);
  EXPECT_EQ(out_.rows(), (Rows{"b|4|40@140"}));
  out_.clear();
  op->process(0, rows({{"a", "5"}, {"a", "6"}}, {145, 141}), out_);  // 141: older, not late
  op->on_watermark(1000, out_);
  EXPECT_EQ(out_.rows(), (Rows{"a|5|145@245"})) << "a's silence counts from its newest record";
  out_.clear();
  op->on_watermark(5000, out_);
  EXPECT_TRUE(out_.rows().empty()) << "reported once; forgotten until it reports again";
  op->process(0, rows({{"b", "7"}}, {5001}), out_);
  op->on_watermark(5101, out_);
  EXPECT_EQ(out_.rows(), (Rows{"b|7|5001@5101"}));
}

TEST_F(AbsenceTest, LateRecordsGoToTheirPortAndTheEndOfInputIsNoSilence) {
  auto op = make();
  op->on_watermark(500, out_);
  op->process(0, rows({{"a", "1"}, {"b", "2"}}, {499, 600}), out_);
  EXPECT_EQ(out_.rows(1), (Rows{"a|1@499"}));
  op->on_end_of_input(out_);
  EXPECT_TRUE(out_.rows(0).empty());
}

// Silence is judged in event time: a gap is a gap whatever order the records arrived in, and
// the end of all input (the watermark at its maximum) proves silence only up to the latest record.
TEST_F(AbsenceTest, SilencesAreGapsInEventTimeWhateverTheArrivalOrder) {
  auto op = make();
  // a's 250 arrives before its 0 and 120; b keeps reporting until 400.
  op->process(0, rows({{"a", "3"}, {"b", "1"}, {"a", "1"}, {"a", "2"}}, {250, 0, 0, 120}), out_);
  op->process(0, rows({{"b", "2"}, {"b", "3"}}, {200, 400}), out_);
  op->on_watermark(260, out_);
  // In event time: a 0 -> 120 and b 0 -> 200 are gaps (due 100), then a 120 -> 250 (due 220).
  EXPECT_EQ(out_.rows(), (Rows{"a|1|0@100", "b|1|0@100", "a|2|120@220"}));
  out_.clear();
  op->on_watermark(std::numeric_limits<std::int64_t>::max(), out_);
  // The end: b 200 -> 400 is a gap (due 300), a after 250 is silent up to the latest record
  // (400 >= 350); b after 400 is not proven silent.
  EXPECT_EQ(out_.rows(), (Rows{"b|2|200@300", "a|3|250@350"}));
}

TEST_F(AbsenceTest, ATimeoutBelowOneMillisecondIsRefused) {
  graphs::Node node;
  node.id = "silent";
  node.kind = "absence";
  node.set_parameter("timeout", graphs::Duration{0});
  auto built = testing::build(absence_factory(), spec_, node, {schema()}, {output()}, {{"device"}});
  EXPECT_NE(built.error.find("timeout"), std::string::npos) << built.error;
}

}  // namespace
}  // namespace rivulet::operators
