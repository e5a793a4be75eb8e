// --set NODE.PARAM=VALUE: parsing by the spec's parameter type, and errors naming node and param.
#include "runtime/parameter_overrides.hpp"

#include <gtest/gtest.h>

namespace rivulet::runtime {
namespace {

graphs::ParameterSpec param(std::string name, graphs::ParameterType type) {
  graphs::ParameterSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  return spec;
}

graphs::Value parsed(const graphs::ParameterSpec& spec, const std::string& text) {
  auto value = parse_parameter_value(spec, text);
  EXPECT_TRUE(value) << text << ": " << (value ? "" : value.error().message);
  return value ? value.value() : graphs::Value{};
}

TEST(ParameterOverrides, ParsesNodeParamValue) {
  auto o = parse_override("a.b.count=1=2");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->node, "a.b");
  EXPECT_EQ(o->parameter, "count");
  EXPECT_EQ(o->text, "1=2");
  for (const char* bad : {"count=1", ".count=1", "node.=1", "node.count"}) {
    EXPECT_FALSE(parse_override(bad)) << bad;
  }
}

TEST(ParameterOverrides, ParsesEveryScalarType) {
  using graphs::ParameterType;
  EXPECT_EQ(parsed(param("b", ParameterType::Bool), "true"), graphs::Value{true});
  EXPECT_EQ(parsed(param("b", ParameterType::Bool), "off"), graphs::Value{false});
  EXPECT_EQ(parsed(param("i", ParameterType::Int), "-42"), graphs::Value{std::int64_t{-42}});
  EXPECT_EQ(parsed(param("f", ParameterType::Float), "2.5e3"), graphs::Value{2500.0});
  EXPECT_EQ(parsed(param("s", ParameterType::String), " x y "),
            graphs::Value{std::string(" x y ")});
  EXPECT_EQ(parsed(param("d", ParameterType::Duration), "1m30s"),
            graphs::Value{graphs::Duration{90'000}});
  EXPECT_EQ(parsed(param("d", ParameterType::Duration), "250"),
            graphs::Value{graphs::Duration{250}});
  EXPECT_EQ(parsed(param("d", ParameterType::Duration), "500ms"),
            graphs::Value{graphs::Duration{500}});
  EXPECT_EQ(parsed(param("e", ParameterType::Expression), "a > 1"),
            graphs::Value{graphs::Expression{"a > 1"}});
  graphs::ParameterSpec choice = param("mode", ParameterType::Enum);
  choice.allowed_values = {"append", "overwrite"};
  EXPECT_EQ(parsed(choice, "append"), graphs::Value{std::string("append")});
}

TEST(ParameterOverrides, ListsSplitOnTopLevelCommas) {
  const auto spec = param("aggregates", graphs::ParameterType::AggregateList);
  const graphs::StringList items{"count(*) AS n", "sum(a, b) AS s", "'x,y'"};
  EXPECT_EQ(parsed(spec, "count(*) AS n, sum(a, b) AS s, 'x,y'"), graphs::Value{items});
  EXPECT_EQ(parsed(spec, ""), graphs::Value{graphs::StringList{}});
}

TEST(ParameterOverrides, BadValuesSayWhatWasExpected) {
  using graphs::ParameterType;
  auto error = [](const graphs::ParameterSpec& spec, const std::string& text) {
    auto value = parse_parameter_value(spec, text);
    EXPECT_FALSE(value) << text;
    return value ? std::string() : value.error().message;
  };
  EXPECT_EQ(error(param("i", ParameterType::Int), "12x"), "expected an integer, got '12x'");
  EXPECT_EQ(error(param("b", ParameterType::Bool), "maybe"), "expected true or false, got 'maybe'");
  EXPECT_NE(error(param("d", ParameterType::Duration), "5 parsecs").find("a duration"),
            std::string::npos);
  graphs::ParameterSpec choice = param("mode", ParameterType::Enum);
  choice.allowed_values = {"append", "overwrite"};
  EXPECT_EQ(error(choice, "merge"), "expected one of 'append', 'overwrite', got 'merge'");
  EXPECT_NE(error(param("schema", ParameterType::Schema), "x").find("cannot be set"),
            std::string::npos);
}

TEST(ParameterOverrides, ApplyNamesNodeAndParameter) {
  graphs::Catalog catalog;
  graphs::OperatorSpec gen;
  gen.kind = "gen";
  gen.parameters = {param("count", graphs::ParameterType::Int)};
  catalog.operators = {gen};
  graphs::Graph graph;
  graph.nodes.push_back(graphs::Node{"source", "gen", "", {}, 1, {}});
  std::vector<graphs::Graph> graphs{graph};

  ASSERT_TRUE(apply_overrides(graphs, {{"source", "count", "7"}}, catalog));
  EXPECT_EQ(*graphs[0].nodes[0].parameter("count"), graphs::Value{std::int64_t{7}});

  auto status = apply_overrides(graphs, {{"source", "count", "seven"}}, catalog);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "--set source.count: parameter 'count' of node 'source': expected an integer, got "
            "'seven'");
  status = apply_overrides(graphs, {{"sourze", "count", "1"}}, catalog);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "--set sourze.count: no node 'sourze' in the graph");
  status = apply_overrides(graphs, {{"source", "cnt", "1"}}, catalog);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "--set source.cnt: node 'source' (gen) has no parameter 'cnt'; its parameters are "
            "'count'");
}

}  // namespace
}  // namespace rivulet::runtime
