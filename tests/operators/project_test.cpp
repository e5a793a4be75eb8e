// project: only the listed items, in order; bare fields pass through (values and NULLs),
// expressions are computed; errors name node, parameter and item.
#include "operators/project.hpp"

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
      {"card_id", FieldType::String, false},
      {"amount", FieldType::Int64, true},
      {"ts", FieldType::Timestamp, false},
      {"ok", FieldType::Bool, true},
  };
}

runtime::BatchPtr input() {
  return make_batch(std::make_shared<const graphs::Schema>(input_schema()),
                    {
                        {"c1", I{1250}, I{1709296496789}, true},
                        {"c2", N, I{0}, N},
                    },
                    7);
}

BuiltOperator project_of(const graphs::StringList& items,
                         std::vector<graphs::Schema> outputs = {}) {
  const graphs::Node node = node_with("p1", "project", "fields", items);
  return build_operator(project_factory(), project_spec(), node, input_schema(),
                        std::move(outputs));
}

TEST(Project, ReordersRenamesDropsAndComputes) {
  const graphs::Schema expected_schema = {
      {"amount_eur", FieldType::Float64, true},
      {"card", FieldType::String, false},
      {"hour", FieldType::Int64, false},
      {"ok", FieldType::Bool, true},
  };
  auto built =
      project_of({"amount / 100.0 AS amount_eur", "card_id AS card", "hour(ts) AS hour", "ok"},
                 {expected_schema});
  ASSERT_EQ(built.error, "");
  CollectingCollector out;
  built.op->process(0, input(), out);
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(*out.batches[0]->schema(), expected_schema);
  const auto rows = batch_rows(*out.batches[0]);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (Row{12.5, "c1", I{12}, true}));
  EXPECT_EQ(rows[1], (Row{N, "c2", I{0}, N}));
  EXPECT_EQ(out.batches[0]->event_times()[1], 8);
}

TEST(Project, OpenAdoptsThePlannedSchemaPointer) {
  auto built = project_of({"card_id"});
  ASSERT_EQ(built.error, "");
  runtime::OperatorContext context;
  const auto planned =
      std::make_shared<const graphs::Schema>(graphs::Schema{{"card_id", FieldType::String, false}});
  context.output_schemas = {planned};
  ASSERT_TRUE(built.op->open(context).ok());
  CollectingCollector out;
  built.op->process(0, input(), out);
  EXPECT_EQ(out.batches[0]->schema(), planned);
  // A planned schema that does not match is refused at open.
  auto other = project_of({"card_id"});
  context.output_schemas = {
      std::make_shared<const graphs::Schema>(graphs::Schema{{"card_id", FieldType::Int64, false}})};
  const auto status = other.op->open(context);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("node 'p1'"), std::string::npos);
}

TEST(Project, FactoryErrors) {
  auto duplicate = project_of({"card_id", "amount AS card_id"});
  EXPECT_EQ(duplicate.error, "node 'p1', parameter 'fields': duplicate output name 'card_id'");
  auto bad = project_of({"card_id", "amount + 'x' AS y"});
  EXPECT_NE(bad.error.find("node 'p1', parameter 'fields': in 'amount + 'x' AS y': column 8: "),
            std::string::npos)
      << bad.error;
}

TEST(Project, IsRegisteredWithItsFactory) {
  EXPECT_NE(builtin_registry().factory("project"), nullptr);
}

}  // namespace
}  // namespace rivulet::operators::testing
