// top_n against hand-computed expectations: descending and ascending ranks per key and window,
// ties in arrival order, NULLs last, late records, empty windows, snapshot round trip.

#include "operators/top_n.hpp"

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
  return {{"page", FieldType::String, true},
          {"score", FieldType::Float64, true},
          {"user", FieldType::String, false}};
}
graphs::Schema output_schema() {
  graphs::Schema s = schema();
  s.push_back({"rank", FieldType::Int64, false});
  return s;
}

class TopNTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(std::int64_t n, graphs::StringList order, bool desc) {
    graphs::Node node;
    node.id = "t1";
    node.kind = "top_n";
    node.set_parameter("n", n);
    node.set_parameter("order_by", std::move(order));
    node.set_parameter("descending", desc);
    node.set_parameter("size", graphs::Duration{10});
    auto built =
        testing::build(top_n_factory(), spec_, node, {schema()}, {output_schema()}, {{"page"}});
    EXPECT_EQ(built.error, "");
    return std::move(built.op);
  }
  runtime::BatchPtr rows(const std::vector<std::vector<std::string>>& cells,
                         const std::vector<std::int64_t>& times) {
    return make_rows(schema_, cells, times);
  }

  graphs::OperatorSpec spec_ = top_n_spec();
  runtime::SchemaPtr schema_ = std::make_shared<const graphs::Schema>(schema());
  CollectingCollector out_;
};

TEST_F(TopNTest, DescendingTopTwoPerKeyAndWindow) {
  auto op = make(2, {"score"}, true);
  op->process(0,
              rows({{"p1", "5", "u1"},
                    {"p1", "3", "u12"},
                    {"p1", "9", "u2"},
                    {"p1", "NULL", "u3"},
                    {"p1", "9", "u4"},
                    {"p2", "NULL", "u6"},
                    {"p1", "7", "u5"}},
                   {1, 12, 2, 3, 4, 6, 5}),
              out_);
  op->on_watermark(10, out_);
  // Ties (9, 9) keep arrival order; p2's only record is NULL and still ranks.
  EXPECT_EQ(out_.rows(), (Rows{"p1|9|u2|1@9", "p1|9|u4|2@9", "p2|NULL|u6|1@9"}));
  out_.clear();
  op->process(0, rows({{"p1", "100", "late"}, {"NULL", "1", "n"}}, {8, 15}), out_);
  EXPECT_EQ(out_.rows(1), (Rows{"p1|100|late@8"}));
  op->on_watermark(std::numeric_limits<std::int64_t>::max(), out_);
  // Keys come out in encoded-key order: a NULL key after every value.
  EXPECT_EQ(out_.rows(), (Rows{"p1|3|u12|1@19", "NULL|1|n|1@19"}));
}

TEST_F(TopNTest, AscendingWithTieBreakerAndNullsLast) {
  auto op = make(3, {"score", "user"}, false);
  op->process(0,
              rows({{"p", "2", "b"},
                    {"p", "1", "z"},
                    {"p", "NULL", "c"},
                    {"p", "2", "a"},
                    {"p", "1", "a"},
                    {"p", "-0.5", "m"}},
                   {1, 2, 3, 4, 5, 6}),
              out_);
  op->on_end_of_input(out_);
  EXPECT_EQ(out_.rows(), (Rows{"p|-0.5|m|1@9", "p|1|a|2@9", "p|1|z|3@9"}));

  auto nulls = make(5, {"score"}, false);
  out_.clear();
  nulls->process(0, rows({{"p", "NULL", "x"}, {"p", "4", "y"}, {"p", "-3", "z"}}, {1, 2, 3}), out_);
  nulls->on_end_of_input(out_);
  EXPECT_EQ(out_.rows(), (Rows{"p|-3|z|1@9", "p|4|y|2@9", "p|NULL|x|3@9"}));
}

TEST_F(TopNTest, EmptyInputEmitsNothing) {
  auto op = make(1, {"score"}, true);
  op->on_watermark(1000, out_);
  op->on_end_of_input(out_);
  EXPECT_TRUE(out_.batches.empty());
}

TEST_F(TopNTest, SnapshotRestoreContinuesIdentically) {
  auto original = make(2, {"score"}, true);
  CollectingCollector ignore;
  original->process(
      0, rows({{"a", "1", "x"}, {"b", "2", "y"}, {"a", "3", "z"}, {"a", "2", "w"}}, {1, 2, 11, 3}),
      ignore);
  testing::MemoryState state;
  ASSERT_TRUE(original->snapshot(1, state).ok());
  auto restored = make(2, {"score"}, true);
  ASSERT_TRUE(restored->restore(state).ok());
  CollectingCollector a;
  CollectingCollector b;
  for (auto* op : {original.get(), restored.get()}) {
    CollectingCollector& out = op == original.get() ? a : b;
    op->process(0, rows({{"a", "5", "v"}, {"b", "NULL", "u"}}, {4, 12}), out);
    op->on_end_of_input(out);
  }
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.rows(), (Rows{"a|5|v|1@9", "a|2|w|2@9", "b|2|y|1@9", "a|3|z|1@19", "b|NULL|u|1@19"}));
}

TEST_F(TopNTest, FactoryRejectsUnknownOrderField) {
  graphs::Node node;
  node.id = "t1";
  node.set_parameter("order_by", graphs::StringList{"nope"});
  node.set_parameter("size", graphs::Duration{10});
  auto built = testing::build(top_n_factory(), spec_, node, {schema()}, {output_schema()}, {{}});
  EXPECT_NE(built.error.find("parameter 'order_by'"), std::string::npos) << built.error;
}

}  // namespace
}  // namespace rivulet::operators
