// ParameterReader: the node's value, else the spec's default, else an error naming node and
// parameter; ill-typed values are errors too; expression helpers carry the column.
#include "operators/parameter_reader.hpp"

#include <gtest/gtest.h>

#include "operators/spec_builder.hpp"

namespace rivulet::operators {
namespace {

graphs::OperatorSpec test_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace)
  return Operator("probe", "transform", "Probe.")
      .parameters({
          text("name", "fallback", "A string."),
          integer("count", 10, "An integer."),
          floating("ratio", 0.5, "A float."),
          boolean("flag", true, "A bool."),
          duration("window", seconds(5), "A duration."),
          list("items", ParameterType::StringList, "A list."),
          required_expression("predicate", "An expression."),
          required_list("exprs", ParameterType::ExpressionList, "Expressions."),
          required_schema("fields", "A schema."),
      });
}

TEST(ParameterReader, NodeValueThenSpecDefault) {
  const graphs::OperatorSpec spec = test_spec();
  graphs::Node node;
  node.id = "n1";
  node.parameters = {{"count", std::int64_t{3}},
                     {"ratio", std::int64_t{2}},  // an integer is a fine float
                     {"fields", graphs::Schema{{"a", graphs::FieldType::Int64, false}}}};
  const ParameterReader params(node, spec);
  EXPECT_EQ(*params.string("name"), "fallback");
  EXPECT_EQ(*params.integer("count"), 3);
  EXPECT_EQ(*params.floating("ratio"), 2.0);
  EXPECT_TRUE(*params.boolean("flag"));
  EXPECT_EQ(*params.duration_ms("window"), 5000);
  EXPECT_TRUE(params.string_list("items")->empty());
  EXPECT_EQ(params.schema("fields")->size(), 1u);
  EXPECT_TRUE(params.is_set("count"));
  EXPECT_FALSE(params.is_set("name"));
}

// A setting of a parameter that does not apply is ignored, as the validator warns: the operator
// reads the default (a tumbling window never sees a slide it would refuse).
TEST(ParameterReader, ASettingThatDoesNotApplyReadsAsTheDefault) {
  using namespace spec;  // NOLINT(google-build-using-namespace)
  const graphs::OperatorSpec spec =
      Operator("windowed", "window", "Windows.")
          .parameters({
              enumeration("window", {"tumbling", "sliding"}, "tumbling", "Window kind."),
              duration("slide", seconds(10), "Sliding only.").min(1).when("window", {"sliding"}),
          });
  graphs::Node node;
  node.id = "w";
  node.parameters = {{"slide", graphs::Duration{0}}};
  EXPECT_EQ(*ParameterReader(node, spec).duration_ms("slide"), 10000);
  node.parameters.push_back({"window", std::string("sliding")});
  EXPECT_EQ(*ParameterReader(node, spec).duration_ms("slide"), 0);
}

TEST(ParameterReader, ErrorsNameNodeAndParameter) {
  const graphs::OperatorSpec spec = test_spec();
  graphs::Node node;
  node.id = "n1";
  node.parameters = {{"count", std::string("ten")}};
  const ParameterReader params(node, spec);
  EXPECT_EQ(params.integer("count").error().message,
            "node 'n1', parameter 'count': expected an integer value");
  EXPECT_EQ(params.expression("predicate").error().message,
            "node 'n1', parameter 'predicate': required parameter is missing");
  EXPECT_EQ(params.string("nope").error().message,
            "node 'n1', parameter 'nope': operator kind 'probe' declares no such parameter");
}

TEST(ParameterReader, CheckedExpressionsCarryTheColumn) {
  const graphs::OperatorSpec spec = test_spec();
  const graphs::Schema input = {{"amount", graphs::FieldType::Float64, false}};
  graphs::Node node;
  node.id = "f1";
  node.parameters = {{"predicate", graphs::Expression{"amount > 1 AND amout < 5"}},
                     {"exprs", graphs::StringList{"amount * 2 AS twice", "amount + 'x' AS bad"}}};
  const ParameterReader params(node, spec);
  const auto predicate = params.checked_expression("predicate", input);
  ASSERT_FALSE(predicate);
  EXPECT_EQ(predicate.error().message.rfind(
                "node 'f1', parameter 'predicate': column 16: unknown field 'amout'", 0),
            0u)
      << predicate.error().message;
  const auto list = params.checked_expression_list("exprs", input);
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().message.rfind("node 'f1', parameter 'exprs': in 'amount + 'x' AS bad': "
                                       "column 8: ",
                                       0),
            0u)
      << list.error().message;
  node.parameters[1].value = graphs::StringList{"amount * 2 AS twice"};
  const auto ok = ParameterReader(node, spec).checked_expression_list("exprs", input);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].name, "twice");
}

}  // namespace
}  // namespace rivulet::operators
