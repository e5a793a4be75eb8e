// map: computed fields replace same-named input fields in place and are appended otherwise;
// every item sees the input record; pass-through columns keep values and NULLs; the factory
// reports errors by node, parameter and column.
#include "operators/map.hpp"

#include <gtest/gtest.h>

#include "expression_test_support.hpp"
#include "operators/builtin_catalog.hpp"
#include "runtime/operator_registry.hpp"

namespace rivulet::operators::testing {
namespace {

using graphs::FieldType;
using I = std::int64_t;

graphs::Schema input_schema() {
  return {
      {"id", FieldType::Int64, false},
      {"amount", FieldType::Float64, true},
      {"country", FieldType::String, true},
      {"qty", FieldType::Int64, false},
  };
}

runtime::BatchPtr input() {
  return make_batch(std::make_shared<const graphs::Schema>(input_schema()),
                    {
                        {I{1}, 10.0, "de", I{2}},
                        {I{2}, N, "us", I{0}},
                        {I{3}, 2.5, N, I{4}},
                    },
                    50);
}

BuiltOperator map_of(const graphs::StringList& items, std::vector<graphs::Schema> outputs = {}) {
  const graphs::Node node = node_with("m1", "map", "expressions", items);
  return build_operator(map_factory(), map_spec(), node, input_schema(), std::move(outputs));
}

TEST(Map, ReplacesInPlaceAndAppendsInOrder) {
  const graphs::Schema expected_schema = {
      {"id", FieldType::Int64, false},      {"amount", FieldType::Float64, true},
      {"country", FieldType::String, true}, {"qty", FieldType::Int64, false},
      {"total", FieldType::Float64, true},  {"big", FieldType::Bool, true},
  };
  auto built = map_of({"upper(country) AS country", "amount * qty AS total", "amount > 5 AS big"},
                      {expected_schema});
  ASSERT_EQ(built.error, "");
  runtime::OperatorContext context;
  const auto planned = std::make_shared<const graphs::Schema>(expected_schema);
  context.output_schemas = {planned};
  ASSERT_TRUE(built.op->open(context).ok());
  CollectingCollector out;
  built.op->process(0, input(), out);
  ASSERT_EQ(out.batches.size(), 1u);
  const auto& batch = *out.batches[0];
  EXPECT_EQ(batch.schema(), planned);  // the runtime's schema object, shared, not a copy
  const std::vector<Row> expected = {
      {I{1}, 10.0, "DE", I{2}, 20.0, true},
      {I{2}, N, "US", I{0}, N, N},
      {I{3}, 2.5, N, I{4}, 10.0, false},
  };
  const auto rows = batch_rows(batch);
  ASSERT_EQ(rows.size(), expected.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i], expected[i]) << i << ": " << row_text(rows[i]);
  }
  EXPECT_EQ(std::vector<std::int64_t>(batch.event_times().begin(), batch.event_times().end()),
            (std::vector<std::int64_t>{50, 51, 52}));
}

TEST(Map, EveryItemSeesTheInputRecord) {
  auto built = map_of({"qty + 1 AS qty", "qty * 10 AS qty10"});
  ASSERT_EQ(built.error, "");
  CollectingCollector out;
  built.op->process(0, input(), out);
  ASSERT_EQ(out.batches.size(), 1u);
  const auto rows = batch_rows(*out.batches[0]);
  EXPECT_EQ(rows[0][3], Cell(I{3}));
  EXPECT_EQ(rows[0][4], Cell(I{20}));  // from the input qty (2), not the new one (3)
}

TEST(Map, BareFieldAndLiteralItems) {
  auto built = map_of({"id AS id_copy", "'x' AS tag", "NULL AS nothing"});
  ASSERT_EQ(built.error, "");
  CollectingCollector out;
  built.op->process(0, input(), out);
  const auto rows = batch_rows(*out.batches[0]);
  EXPECT_EQ(rows[1], (Row{I{2}, N, "us", I{0}, I{2}, "x", N}));
}

TEST(Map, IntegerDivisionByZeroIsNull) {
  // The checker types int64 '/' and '%' as nullable, so division by zero is an honest NULL.
  auto built = map_of({"id / qty AS ratio"});
  ASSERT_EQ(built.error, "");
  CollectingCollector out;
  built.op->process(0, input(), out);
  const auto rows = batch_rows(*out.batches[0]);
  EXPECT_EQ(rows[0][4], Cell(I{0}));
  EXPECT_EQ(rows[1][4], N);  // qty is 0 in this row
  EXPECT_EQ(rows[2][4], Cell(I{0}));
  auto nullable = map_of({"nullif(qty, 0) AS q", "id / nullif(qty, 0) AS ratio"});
  ASSERT_EQ(nullable.error, "");
  CollectingCollector out2;
  nullable.op->process(0, input(), out2);
  EXPECT_EQ(batch_rows(*out2.batches[0])[1][5], N);
}

TEST(Map, EmptyBatchEmitsNothing) {
  auto built = map_of({"qty + 1 AS qty"});
  CollectingCollector out;
  built.op->process(0, make_batch(std::make_shared<const graphs::Schema>(input_schema()), {}), out);
  EXPECT_TRUE(out.batches.empty());
}

TEST(Map, FactoryErrors) {
  auto unknown = map_of({"amout * 2 AS x"});
  EXPECT_EQ(
      unknown.error.rfind("node 'm1', parameter 'expressions': in 'amout * 2 AS x': column 1: "
                          "unknown field 'amout'",
                          0),
      0u)
      << unknown.error;
  auto unnamed = map_of({"amount * 2"});
  EXPECT_NE(unnamed.error.find("node 'm1', parameter 'expressions': in 'amount * 2': column "),
            std::string::npos)
      << unnamed.error;
  auto duplicate = map_of({"1 AS a", "2 AS a"});
  EXPECT_EQ(duplicate.error, "node 'm1', parameter 'expressions': duplicate output name 'a'");
  auto mismatch = map_of({"1 AS a"}, {input_schema()});
  EXPECT_NE(mismatch.error.find("differs from the propagated one"), std::string::npos);
}

TEST(Map, IsRegisteredWithItsFactory) { EXPECT_NE(builtin_registry().factory("map"), nullptr); }

}  // namespace
}  // namespace rivulet::operators::testing
