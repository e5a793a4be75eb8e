// Operator catalog files and the catalog model's helpers.

#include "graphs/catalog_io.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace rivulet::graphs {
namespace {

namespace fs = std::filesystem;

constexpr GraphFormat kFormats[] = {GraphFormat::Binary, GraphFormat::Packed, GraphFormat::Json};

PortSpec output(std::string name, SchemaRule rule) {
  PortSpec port;
  port.name = std::move(name);
  port.schema = std::move(rule);
  return port;
}

// One operator per schema rule kind, parameters of every type, optional members set and unset.
Catalog sample_catalog() {
  Catalog c;
  OperatorSpec source{"kafka_source", "source", "Reads a topic.", {}, {}, {}, false, 0};
  source.outputs.push_back(
      output("out", {SchemaRuleKind::FromParameter, "", "", "schema", "", {}, "", ""}));
  ParameterSpec topic{"topic",      ParameterType::String, true,          std::nullopt, {},
                      std::nullopt, std::nullopt,          "Topic name.", "",           ""};
  ParameterSpec schema{"schema",     ParameterType::Schema,
                       true,         Value{Schema{{"id", FieldType::Int64, false}}},
                       {},           std::nullopt,
                       std::nullopt, "",
                       "",           ""};
  ParameterSpec mode{"mode",
                     ParameterType::Enum,
                     false,
                     Value{std::string("latest")},
                     {"earliest", "latest"},
                     std::nullopt,
                     std::nullopt,
                     "",
                     "",
                     ""};
  ParameterSpec rate{"rate", ParameterType::Float, false, Value{0.1}, {}, 0.0, 1e300, "", "", ""};
  ParameterSpec batch{
      "batch", ParameterType::Int, false, Value{std::int64_t{500}}, {}, 1.0, std::nullopt, "", "",
      ""};
  ParameterSpec enabled{"enabled",    ParameterType::Bool, false, Value{false}, {},
                        std::nullopt, std::nullopt,        "",    "",           ""};
  source.parameters = {topic, schema, mode, rate, batch, enabled};

  OperatorSpec filter{"filter", "transform", "", {}, {}, {}, false, 0};
  filter.inputs.push_back(PortSpec{"in", PortKind::Records, true, "Records to test.", {}});
  filter.outputs.push_back(
      output("out", {SchemaRuleKind::SameAsInput, "in", "", "", "", {}, "", ""}));
  filter.parameters.push_back(ParameterSpec{"predicate",
                                            ParameterType::Expression,
                                            true,
                                            std::nullopt,
                                            {},
                                            std::nullopt,
                                            std::nullopt,
                                            "",
                                            "in",
                                            "bool"});

  OperatorSpec window{"tumbling_window", "window", "", {}, {}, {}, true, 16};
  window.inputs.push_back(PortSpec{"in", PortKind::Keyed, true, "", {}});
  window.outputs.push_back(
      output("out", {SchemaRuleKind::WindowAggregate, "in", "", "aggregates", "keys", {}, "", ""}));
  window.parameters = {ParameterSpec{"size",
                                     ParameterType::Duration,
                                     true,
                                     Value{Duration{60000}},
                                     {},
                                     std::nullopt,
                                     std::nullopt,
                                     "",
                                     "",
                                     ""},
                       ParameterSpec{"keys",
                                     ParameterType::FieldList,
                                     false,
                                     Value{StringList{}},
                                     {},
                                     std::nullopt,
                                     std::nullopt,
                                     "",
                                     "in",
                                     ""},
                       ParameterSpec{"aggregates",
                                     ParameterType::AggregateList,
                                     true,
                                     std::nullopt,
                                     {},
                                     std::nullopt,
                                     std::nullopt,
                                     "",
                                     "in",
                                     ""},
                       ParameterSpec{"names",
                                     ParameterType::StringList,
                                     false,
                                     std::nullopt,
                                     {},
                                     std::nullopt,
                                     std::nullopt,
                                     "",
                                     "",
                                     ""},
                       ParameterSpec{"exprs",
                                     ParameterType::ExpressionList,
                                     false,
                                     Value{Expression{"a AS b"}},
                                     {},
                                     -5.0,
                                     5.0,
                                     "",
                                     "in",
                                     ""}};

  ParameterSpec window_mode;
  window_mode.name = "mode";
  window_mode.type = ParameterType::Enum;
  window_mode.allowed_values = {"tumbling", "sliding"};
  window_mode.default_value = Value{std::string("tumbling")};
  ParameterSpec window_slide;
  window_slide.name = "slide";
  window_slide.type = ParameterType::Duration;
  window_slide.default_value = Value{Duration{10000}};
  window_slide.applies_when = ParameterCondition{"mode", {"sliding"}};  // survives every format
  window.parameters.push_back(window_mode);
  window.parameters.push_back(window_slide);

  OperatorSpec key_by{"key_by", "keying", "", {}, {}, {}, false, 0};
  key_by.inputs.push_back(PortSpec{"in", PortKind::Records, true, "", {}});
  PortSpec keyed{"out",
                 PortKind::Keyed,
                 false,
                 "",
                 {SchemaRuleKind::SameAsInput, "in", "", "", "", {}, "", ""}};
  keyed.keyed_by = "keys";  // survives every format
  key_by.outputs.push_back(keyed);

  OperatorSpec join{"join", "join", "", {}, {}, {}, true, 1};
  join.inputs = {PortSpec{"left", PortKind::Keyed, true, "", {}},
                 PortSpec{"right", PortKind::Keyed, false, "", {}}};
  join.outputs = {
      output("joined", {SchemaRuleKind::Join, "left", "right", "", "", {}, "join_type", "left"}),
      output("projected", {SchemaRuleKind::Projection, "", "", "select", "", {}, "", ""}),
      output("extended", {SchemaRuleKind::ExtendInput, "left", "", "computed", "", {}, "", ""}),
      output("fixed",
             {SchemaRuleKind::Fixed, "", "", "", "", {{"n", FieldType::Int64, false}}, "", ""}),
      output("appended", {SchemaRuleKind::AppendFixed,
                          "left",
                          "",
                          "",
                          "",
                          {{"alert", FieldType::String, true}, {"at", FieldType::Timestamp, false}},
                          "",
                          ""}),
      output("empty_fixed", {SchemaRuleKind::Fixed, "", "", "", "", {}, "", ""}),
      output("none", {}),
  };

  c.operators = {source, filter, window,
                 key_by, join,   OperatorSpec{"bare", "", "", {}, {}, {}, false, 0}};
  return c;
}

TEST(CatalogModel, Lookups) {
  Catalog c = sample_catalog();
  ASSERT_NE(c.find("filter"), nullptr);
  EXPECT_EQ(c.find("filter")->category, "transform");
  EXPECT_EQ(c.find("missing"), nullptr);
  const OperatorSpec* join = c.find("join");
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->input("right")->required, false);
  EXPECT_EQ(join->input("joined"), nullptr);
  EXPECT_EQ(join->output("fixed")->schema.kind, SchemaRuleKind::Fixed);
  EXPECT_EQ(c.find("kafka_source")->parameter("topic")->type, ParameterType::String);
  EXPECT_EQ(c.find("kafka_source")->parameter("nope"), nullptr);
}

TEST(CatalogModel, EnumNames) {
  const std::pair<ParameterType, const char*> names[] = {
      {ParameterType::Bool, "bool"},
      {ParameterType::Int, "int"},
      {ParameterType::Float, "float"},
      {ParameterType::String, "string"},
      {ParameterType::Enum, "enum"},
      {ParameterType::Duration, "duration"},
      {ParameterType::StringList, "string_list"},
      {ParameterType::FieldList, "field_list"},
      {ParameterType::Expression, "expression"},
      {ParameterType::ExpressionList, "expression_list"},
      {ParameterType::AggregateList, "aggregate_list"},
      {ParameterType::Schema, "schema"}};
  for (auto [type, name] : names) EXPECT_STREQ(to_string(type), name);
  EXPECT_STREQ(to_string(PortKind::Records), "records");
  EXPECT_STREQ(to_string(PortKind::Keyed), "keyed");
}

TEST(CatalogIo, RoundTripsEveryFormat) {
  const Catalog c = sample_catalog();
  for (auto f : kFormats) {
    auto bytes = encode_catalog(c, f);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto back = decode_catalog(*bytes, f);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, c);
  }
  auto empty = decode_catalog(*encode_catalog(Catalog{}, GraphFormat::Json), GraphFormat::Json);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, Catalog{});
}

TEST(CatalogIo, BinaryThroughJsonIsByteIdentical) {
  const std::string binary = *encode_catalog(sample_catalog(), GraphFormat::Binary);
  const std::string json =
      *encode_catalog(*decode_catalog(binary, GraphFormat::Binary), GraphFormat::Json);
  EXPECT_EQ(*encode_catalog(*decode_catalog(json, GraphFormat::Json), GraphFormat::Binary), binary);
}

TEST(CatalogIo, PortsAreRequiredUnlessSaidOtherwise) {
  auto c = decode_catalog(
      R"({"formatVersion": 1, "operators": [{"kind": "k", "inputs": [{"name": "in"}]}]})",
      GraphFormat::Json);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->operators.at(0).inputs.at(0).required);
}

TEST(CatalogIo, VersionsAndDamage) {
  auto newer = decode_catalog(R"({"formatVersion": 2})", GraphFormat::Json);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.error().message,
            "catalog format version 2 is newer than this Rivulet supports (1); upgrade Rivulet "
            "to open it");
  auto missing = decode_catalog(R"({"operators": []})", GraphFormat::Json);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "not a valid Rivulet operator catalog: formatVersion: missing format version");
  auto bad_type =
      decode_catalog(R"({"formatVersion": 1, "operators": [{"parameters": [{"type": "color"}]}]})",
                     GraphFormat::Json);
  EXPECT_FALSE(bad_type.ok());
  const std::string binary = *encode_catalog(sample_catalog(), GraphFormat::Binary);
  for (std::size_t cut : {std::size_t{0}, std::size_t{8}, binary.size() / 2, binary.size() - 8}) {
    auto r = decode_catalog(binary.substr(0, cut), GraphFormat::Binary);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind("not a valid Rivulet operator catalog: ", 0), 0u)
        << r.error().message;
  }
}

// A catalog can come from a node: a condition that names no parameter of the operator (or values
// the parameter cannot take) would hide a parameter for good, so the file is refused, saying
// where.
TEST(CatalogIo, RefusesConditionsThatCannotHold) {
  auto decode = [](const std::string& parameters) {
    return decode_catalog(
        R"({"formatVersion": 1, "operators": [{"kind": "w", "parameters": [)" + parameters + "]}]}",
        GraphFormat::Json);
  };
  const std::string mode =
      R"({"name": "mode", "type": "enum", "allowedValues": ["tumbling", "sliding"]})";
  auto fine = decode(mode + R"(, {"name": "slide", "type": "duration",
                                  "appliesWhen": {"parameter": "mode", "values": ["sliding"]}})");
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(fine->operators.at(0).parameters.at(1).applies_when,
            (ParameterCondition{"mode", {"sliding"}}));

  auto unknown = decode(R"({"name": "slide", "type": "duration",
                            "appliesWhen": {"parameter": "mode", "values": ["sliding"]}})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message,
            "not a valid Rivulet operator catalog: operator 'w': parameter 'slide': applies_when "
            "must name another parameter of 'w' ('mode' is not one)");
  auto bad_value = decode(mode + R"(, {"name": "slide", "type": "duration",
                                       "appliesWhen": {"parameter": "mode", "values": ["hop"]}})");
  ASSERT_FALSE(bad_value.ok());
  EXPECT_EQ(bad_value.error().message,
            "not a valid Rivulet operator catalog: operator 'w': parameter 'slide': applies_when "
            "lists 'hop', which 'mode' cannot take");
  auto cycle = decode(R"({"name": "a", "type": "bool",
                          "appliesWhen": {"parameter": "b", "values": ["true"]}},
                         {"name": "b", "type": "bool",
                          "appliesWhen": {"parameter": "a", "values": ["true"]}})");
  ASSERT_FALSE(cycle.ok());
  EXPECT_EQ(cycle.error().message,
            "not a valid Rivulet operator catalog: operator 'w': parameter 'a': applies_when is "
            "part of a cycle of conditions");
}

TEST(CatalogFiles, SaveLoadAndExtensions) {
  const fs::path dir =
      fs::temp_directory_path() / ("rivulet-catalog-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* name : {"ops.rcatalog", "ops.json"}) {
    const std::string path = (dir / name).string();
    auto saved = save_catalog(sample_catalog(), path);
    ASSERT_TRUE(saved.ok()) << saved.error().message;
    auto loaded = load_catalog(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(*loaded, sample_catalog());
  }
  auto wrong = save_catalog(sample_catalog(), (dir / "ops.rgraph").string());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find(".rcatalog"), std::string::npos) << wrong.error().message;
  auto missing = load_catalog((dir / "missing.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing.json"), std::string::npos);
  std::ofstream((dir / "junk.json").string()) << "{";
  auto junk = load_catalog((dir / "junk.json").string());
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().message.rfind("catalog file '" + (dir / "junk.json").string() +
                                           "' is not a valid Rivulet operator catalog: ",
                                       0),
            0u)
      << junk.error().message;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace rivulet::graphs
