// filter: selection semantics (TRUE keeps, FALSE and NULL drop), the no-copy paths (all rows
// pass: the same batch pointer; no row passes: nothing) and the factory's errors.
#include "operators/filter.hpp"

#include <gtest/gtest.h>

#include "expression_test_support.hpp"
#include "operators/builtin_catalog.hpp"
#include "runtime/operator_registry.hpp"

namespace rivulet::operators::testing {
namespace {

using graphs::FieldType;
using I = std::int64_t;

runtime::SchemaPtr orders_schema() {
  return std::make_shared<const graphs::Schema>(graphs::Schema{
      {"id", FieldType::Int64, false},
      {"amount", FieldType::Float64, true},
      {"country", FieldType::String, true},
      {"ts", FieldType::Timestamp, false},
  });
}

runtime::BatchPtr orders() {
  return make_batch(orders_schema(),
                    {
                        {I{1}, 150.0, "DE", I{1000}},
                        {I{2}, 50.0, "US", I{2000}},
                        {I{3}, 250.0, "US", I{3000}},
                        {I{4}, N, "FR", I{4000}},
                        {I{5}, 120.0, N, I{5000}},
                        {I{6}, 999.5, "GB", I{6000}},
                    },
                    100);
}

BuiltOperator filter(const std::string& predicate) {
  const graphs::Node node = node_with("f1", "filter", "predicate", graphs::Expression{predicate});
  return build_operator(filter_factory(), filter_spec(), node, *orders_schema(),
                        {*orders_schema()});
}

std::vector<Row> run(const std::string& predicate, const runtime::BatchPtr& batch,
                     CollectingCollector& out) {
  auto built = filter(predicate);
  EXPECT_EQ(built.error, "");
  if (!built.op) return {};
  runtime::OperatorContext context;
  context.input_schemas = {orders_schema()};
  context.output_schemas = {orders_schema()};
  EXPECT_TRUE(built.op->open(context).ok());
  built.op->process(0, batch, out);
  std::vector<Row> rows;
  for (const auto& b : out.batches) {
    for (auto& row : batch_rows(*b)) rows.push_back(row);
  }
  return rows;
}

TEST(Filter, KeepsRowsWherePredicateIsTrueAndDropsNull) {
  CollectingCollector out;
  const auto rows = run("amount > 100 AND country <> 'US'", orders(), out);
  // Row 4 (amount NULL) and row 5 (country NULL) evaluate to NULL and are dropped.
  const std::vector<Row> expected = {
      {I{1}, 150.0, "DE", I{1000}},
      {I{6}, 999.5, "GB", I{6000}},
  };
  ASSERT_EQ(rows.size(), expected.size());
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], expected[i]) << i;
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.ports[0], 0u);
  // Event times travel with their rows.
  EXPECT_EQ(std::vector<std::int64_t>(out.batches[0]->event_times().begin(),
                                      out.batches[0]->event_times().end()),
            (std::vector<std::int64_t>{100, 105}));
  EXPECT_EQ(*out.batches[0]->schema(), *orders_schema());
}

TEST(Filter, AllRowsPassingReemitsTheSameBatch) {
  CollectingCollector out;
  const auto batch = orders();
  run("id > 0", batch, out);
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].get(), batch.get());  // no copy
}

TEST(Filter, NoRowPassingEmitsNothing) {
  for (const char* predicate : {"id > 100", "FALSE", "NULL", "amount > NULL"}) {
    CollectingCollector out;
    run(predicate, orders(), out);
    EXPECT_TRUE(out.batches.empty()) << predicate;
  }
}

TEST(Filter, EmptyBatchEmitsNothing) {
  CollectingCollector out;
  run("TRUE", make_batch(orders_schema(), {}), out);
  EXPECT_TRUE(out.batches.empty());
}

TEST(Filter, OrAndNotAndStrings) {
  CollectingCollector out;
  const auto rows = run("country LIKE 'U%' OR NOT (amount < 500)", orders(), out);
  std::vector<std::int64_t> ids;
  for (const Row& r : rows) ids.push_back(std::get<std::int64_t>(r[0]));
  EXPECT_EQ(ids, (std::vector<std::int64_t>{2, 3, 6}));
}

TEST(Filter, ReusedAcrossBatches) {
  auto built = filter("id % 2 = 0");
  ASSERT_TRUE(built.op);
  CollectingCollector out;
  for (int i = 0; i < 3; ++i) built.op->process(0, orders(), out);
  ASSERT_EQ(out.batches.size(), 3u);
  for (const auto& b : out.batches) EXPECT_EQ(b->num_rows(), 3u);
}

TEST(Filter, FactoryErrorsNameNodeParameterAndColumn) {
  auto unknown = filter("amout > 100");
  EXPECT_EQ(unknown.op, nullptr);
  EXPECT_EQ(
      unknown.error.rfind("node 'f1', parameter 'predicate': column 1: unknown field 'amout'", 0),
      0u)
      << unknown.error;
  auto syntax = filter("amount > ");
  EXPECT_NE(syntax.error.find("node 'f1', parameter 'predicate': column "), std::string::npos)
      << syntax.error;
  // The column of the offending expression's top node, not always 1.
  auto not_bool = filter("amount + 1");
  EXPECT_EQ(not_bool.error,
            "node 'f1', parameter 'predicate': column 8: the predicate has type float64, but bool "
            "is required");
  auto not_bool_call = filter("  lower(country)");
  EXPECT_NE(not_bool_call.error.find("parameter 'predicate': column 3: the predicate has type "
                                     "string, but bool is required"),
            std::string::npos)
      << not_bool_call.error;
  graphs::Node missing;
  missing.id = "f2";
  missing.kind = "filter";
  auto absent = build_operator(filter_factory(), filter_spec(), missing, *orders_schema());
  EXPECT_EQ(absent.error, "node 'f2', parameter 'predicate': required parameter is missing");
}

TEST(Filter, IsRegisteredWithItsFactory) {
  EXPECT_NE(builtin_registry().factory("filter"), nullptr);
}

}  // namespace
}  // namespace rivulet::operators::testing
