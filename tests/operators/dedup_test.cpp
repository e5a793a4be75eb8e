// dedup against hand-computed expectations: duplicates within the horizon (out of order too),
// NULL keys, expiry by watermark, pass-through without copy, snapshot round trip.

#include "operators/dedup.hpp"

#include <gtest/gtest.h>

#include "keyed_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using testing::CollectingCollector;
using testing::make_rows;
using Rows = std::vector<std::string>;

graphs::Schema schema() {
  return {{"id", FieldType::Int64, true}, {"v", FieldType::String, false}};
}

class DedupTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(std::int64_t horizon = 10) {
    graphs::Node node;
    node.id = "d1";
    node.kind = "dedup";
    node.set_parameter("horizon", graphs::Duration{horizon});
    auto built = testing::build(dedup_factory(), spec_, node, {schema()}, {schema()}, {{"id"}});
    EXPECT_EQ(built.error, "");
    return std::move(built.op);
  }
  runtime::BatchPtr rows(const std::vector<std::vector<std::string>>& cells,
                         const std::vector<std::int64_t>& times) {
    return make_rows(schema_, cells, times);
  }

  graphs::OperatorSpec spec_ = dedup_spec();
  runtime::SchemaPtr schema_ = std::make_shared<const graphs::Schema>(schema());
  CollectingCollector out_;
};

TEST_F(DedupTest, DropsRepeatsWithinTheHorizon) {
  auto op = make();
  op->process(0,
              rows({{"1", "a"},
                    {"1", "b"},
                    {"2", "c"},
                    {"1", "d"},
                    {"NULL", "e"},
                    {"NULL", "f"},
                    {"1", "g"},
                    {"2", "h"},
                    {"1", "i"}},
                   // 1@5 and 1@9 repeat 1@0; 1@10 is a horizon later: new first, so 1@12
                   // repeats it; 2@-5 is within 10 before 2@3; NULL is one key.
                   {0, 5, 3, 9, 1, 2, 10, -5, 12}),
              out_);
  EXPECT_EQ(out_.rows(), (Rows{"1|a@0", "2|c@3", "NULL|e@1", "1|g@10"}));
  out_.clear();
  op->process(0, rows({{"2", "x"}}, {-8}), out_);  // 3 - (-8) = 11 >= 10: passes
  EXPECT_EQ(out_.rows(), (Rows{"2|x@-8"}));
}

TEST_F(DedupTest, WatermarkForgetsKeysAHorizonAfterTheirFirstRecord) {
  auto op = make();
  op->process(0, rows({{"1", "a"}, {"2", "b"}}, {10, 3}), out_);
  op->on_watermark(19, out_);  // forgets 2 (3 + 10 <= 19), keeps 1 (10 + 10 > 19)
  out_.clear();
  op->process(0, rows({{"1", "c"}, {"2", "d"}}, {19, 4}), out_);
  EXPECT_EQ(out_.rows(), (Rows{"2|d@4"})) << "a late duplicate passes once its key is forgotten";
  op->on_watermark(20, out_);
  out_.clear();
  op->process(0, rows({{"1", "e"}}, {20}), out_);
  EXPECT_EQ(out_.rows(), (Rows{"1|e@20"}));
}

TEST_F(DedupTest, AllNewRowsPassTheSameBatchAndEmptyBatchesEmitNothing) {
  auto op = make();
  const auto batch = rows({{"1", "a"}, {"2", "b"}}, {1, 2});
  op->process(0, batch, out_);
  ASSERT_EQ(out_.batches[0].size(), 1u);
  EXPECT_EQ(out_.batches[0][0], batch) << "no copy when nothing is dropped";
  out_.clear();
  op->process(0, rows({}, {}), out_);
  op->process(0, rows({{"1", "a"}}, {3}), out_);
  EXPECT_TRUE(out_.batches.empty());
  op->on_end_of_input(out_);
  EXPECT_TRUE(out_.batches.empty());
}

TEST_F(DedupTest, SnapshotRestoreContinuesIdentically) {
  auto original = make();
  CollectingCollector ignore;
  original->process(0, rows({{"1", "a"}, {"NULL", "b"}, {"3", "c"}}, {1, 2, 8}), ignore);
  original->on_watermark(11, ignore);  // forgets 1
  testing::MemoryState state;
  ASSERT_TRUE(original->snapshot(1, state).ok());
  auto restored = make();
  ASSERT_TRUE(restored->restore(state).ok());
  CollectingCollector a;
  CollectingCollector b;
  for (auto* op : {original.get(), restored.get()}) {
    CollectingCollector& out = op == original.get() ? a : b;
    op->process(0, rows({{"1", "x"}, {"NULL", "y"}, {"3", "z"}}, {5, 11, 17}), out);
    op->on_watermark(12, out);  // forgets NULL (2 + 10)
    op->process(0, rows({{"NULL", "w"}}, {12}), out);
  }
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.rows(), (Rows{"1|x@5", "NULL|w@12"}));
}

}  // namespace
}  // namespace rivulet::operators
