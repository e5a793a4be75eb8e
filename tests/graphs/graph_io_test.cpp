// Graph files: round trips in every format, determinism, defaults, versions and clear errors.

#include "graphs/graph_io.hpp"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "graphs/graph.capnp.h"
#include "tests/graphs/sample_graphs.hpp"

namespace rivulet::graphs {
namespace {

namespace fs = std::filesystem;

constexpr GraphFormat kFormats[] = {GraphFormat::Binary, GraphFormat::Packed, GraphFormat::Json};

const char* name(GraphFormat f) {
  switch (f) {
    case GraphFormat::Binary:
      return "binary";
    case GraphFormat::Packed:
      return "packed";
    case GraphFormat::Json:
      return "json";
  }
  return "?";
}

std::string encode(const Graph& g, GraphFormat f) {
  auto r = encode_graph(g, f);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::string();
}

Graph decode(const std::string& bytes, GraphFormat f) {
  auto r = decode_graph(bytes, f);
  EXPECT_TRUE(r.ok()) << name(f) << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Graph{};
}

std::string decode_error(std::string_view bytes, GraphFormat f) {
  auto r = decode_graph(bytes, f);
  EXPECT_FALSE(r.ok()) << name(f) << " unexpectedly decoded";
  return r.ok() ? std::string() : r.error().message;
}

std::uint64_t bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// A directory of its own per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("rivulet-io-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path_), {}));
  }

 private:
  fs::path path_;
};

// --- model helpers ------------------------------------------------------------------------------

TEST(GraphModel, ParametersAndLookup) {
  Node n;
  EXPECT_EQ(n.parameter("x"), nullptr);
  n.set_parameter("x", Value{std::int64_t{1}});
  n.set_parameter("y", Value{true});
  n.set_parameter("x", Value{std::string("two")});
  ASSERT_EQ(n.parameters.size(), 2u);
  EXPECT_EQ(n.parameters[0].name, "x");  // replaced in place, order kept
  ASSERT_NE(n.parameter("x"), nullptr);
  EXPECT_EQ(std::get<std::string>(*n.parameter("x")), "two");

  Graph g = testing::rich_graph();
  ASSERT_NE(g.node("alerts"), nullptr);
  EXPECT_EQ(g.node("alerts")->kind, "alert");
  EXPECT_EQ(g.node("nope"), nullptr);
  g.node("alerts")->label = "changed";
  EXPECT_EQ(std::as_const(g).node("alerts")->label, "changed");
}

TEST(GraphModel, EnumNames) {
  const std::pair<FieldType, const char*> types[] = {{FieldType::Int64, "int64"},
                                                     {FieldType::Float64, "float64"},
                                                     {FieldType::Bool, "bool"},
                                                     {FieldType::String, "string"},
                                                     {FieldType::Timestamp, "timestamp"}};
  for (auto [type, text] : types) {
    EXPECT_STREQ(to_string(type), text);
    FieldType parsed = FieldType::Bool;
    EXPECT_TRUE(parse_field_type(text, parsed));
    EXPECT_EQ(parsed, type);
  }
  FieldType untouched = FieldType::String;
  EXPECT_FALSE(parse_field_type("INT64", untouched));
  EXPECT_FALSE(parse_field_type("", untouched));
  EXPECT_EQ(untouched, FieldType::String);
  EXPECT_STREQ(to_string(PartitioningKind::Forward), "forward");
  EXPECT_STREQ(to_string(PartitioningKind::Hash), "hash");
  EXPECT_STREQ(to_string(PartitioningKind::Broadcast), "broadcast");
  EXPECT_STREQ(to_string(PartitioningKind::Rebalance), "rebalance");
}

// --- round trips --------------------------------------------------------------------------------

TEST(GraphIo, RoundTripsEveryFormat) {
  const Graph g = testing::rich_graph();
  for (auto f : kFormats) {
    SCOPED_TRACE(name(f));
    EXPECT_EQ(decode(encode(g, f), f), g);
  }
}

TEST(GraphIo, RoundTripsEmptyAndDefaultGraphs) {
  Graph empty;
  Graph minimal;
  minimal.nodes.push_back(Node{"a", "k", "", {}, 1, {}});
  minimal.edges.push_back(Edge{{"a", "out"}, {"a", "in"}, {}});
  for (auto f : kFormats) {
    SCOPED_TRACE(name(f));
    EXPECT_EQ(decode(encode(empty, f), f), empty);
    EXPECT_EQ(decode(encode(minimal, f), f), minimal);
  }
}

TEST(GraphIo, RoundTripsEachValueAlone) {
  const std::vector<Value> values = {Value{false},
                                     Value{true},
                                     Value{std::int64_t{0}},
                                     Value{std::int64_t{-1}},
                                     Value{std::numeric_limits<std::int64_t>::max()},
                                     Value{0.0},
                                     Value{-0.0},
                                     Value{0.1},
                                     Value{-1e300},
                                     Value{1.0 / 3.0},
                                     Value{std::numeric_limits<double>::denorm_min()},
                                     Value{std::numeric_limits<double>::infinity()},
                                     Value{-std::numeric_limits<double>::infinity()},
                                     Value{std::string()},
                                     Value{std::string("a\0b", 3)},
                                     Value{Duration{0}},
                                     Value{Duration{86400000}},
                                     Value{StringList{}},
                                     Value{StringList{"", "x"}},
                                     Value{Expression{""}},
                                     Value{Expression{"a + 1"}},
                                     Value{Schema{}},
                                     Value{Schema{{"f", FieldType::Timestamp, true}}}};
  for (std::size_t i = 0; i < values.size(); ++i) {
    Graph g;
    g.nodes.push_back(Node{"n", "k", "", {{"p", values[i]}}, 1, {}});
    for (auto f : kFormats) {
      SCOPED_TRACE(std::string(name(f)) + " value #" + std::to_string(i));
      Graph back = decode(encode(g, f), f);
      ASSERT_EQ(back.nodes.size(), 1u);
      ASSERT_EQ(back.nodes[0].parameters.size(), 1u);
      const Value& v = back.nodes[0].parameters[0].value;
      ASSERT_EQ(v.index(), values[i].index());
      if (auto* d = std::get_if<double>(&v)) {
        EXPECT_EQ(bits(*d), bits(std::get<double>(values[i])));  // sign of zero included
      } else {
        EXPECT_EQ(v, values[i]);
      }
    }
  }
}

TEST(GraphIo, NanSurvivesEveryFormat) {
  Graph g;
  g.nodes.push_back(Node{"n",
                         "k",
                         "",
                         {{"p", Value{std::nan("")}}},
                         1,
                         {std::numeric_limits<double>::quiet_NaN(), 0}});
  for (auto f : kFormats) {
    SCOPED_TRACE(name(f));
    Graph back = decode(encode(g, f), f);
    ASSERT_EQ(back.nodes.size(), 1u);
    EXPECT_TRUE(std::isnan(std::get<double>(back.nodes[0].parameters[0].value)));
    EXPECT_TRUE(std::isnan(back.nodes[0].position.x));
  }
}

TEST(GraphIo, RestartStrategiesRoundTrip) {
  std::vector<RuntimeConfig> configs(4);
  configs[1].restart.kind = RestartKind::FixedDelay;
  configs[1].restart.attempts = 3;
  configs[1].restart.delay_ms = 1500;
  configs[2].restart.kind = RestartKind::ExponentialBackoff;
  configs[2].restart.attempts = 7;
  configs[2].restart.initial_delay_ms = 10;
  configs[2].restart.max_delay_ms = 1 << 30;
  configs[2].restart.multiplier = 0.1;
  configs[3].checkpoint_interval_ms = 1;
  configs[3].checkpoints_retained = 1;
  configs[3].state_backend = StateBackend::RocksDb;
  configs[3].tolerable_failed_checkpoints = 0;
  for (const auto& config : configs) {
    Graph g;
    g.runtime = config;
    for (auto f : kFormats) {
      SCOPED_TRACE(name(f));
      EXPECT_EQ(decode(encode(g, f), f).runtime, config);
    }
  }
}

// The binary form is canonical: it depends only on the model, whichever format it came through.
TEST(GraphIo, BinaryThroughJsonIsByteIdentical) {
  const std::string binary = encode(testing::rich_graph(), GraphFormat::Binary);
  const std::string json = encode(decode(binary, GraphFormat::Binary), GraphFormat::Json);
  EXPECT_EQ(encode(decode(json, GraphFormat::Json), GraphFormat::Binary), binary);
  const std::string packed = encode(decode(binary, GraphFormat::Binary), GraphFormat::Packed);
  EXPECT_EQ(encode(decode(packed, GraphFormat::Packed), GraphFormat::Binary), binary);
  // And the JSON text itself is stable.
  EXPECT_EQ(encode(decode(json, GraphFormat::Json), GraphFormat::Json), json);
}

TEST(GraphIo, NanPayloadIsCanonicalInBinary) {
  double odd_nan;
  const std::uint64_t odd_bits = 0xfff8000000000123ull;  // negative, with a payload
  std::memcpy(&odd_nan, &odd_bits, sizeof odd_nan);
  Graph a, b;
  a.nodes.push_back(Node{"n", "k", "", {{"p", Value{odd_nan}}}, 1, {}});
  b.nodes.push_back(Node{"n", "k", "", {{"p", Value{std::nan("")}}}, 1, {}});
  EXPECT_EQ(encode(a, GraphFormat::Binary), encode(b, GraphFormat::Binary));
}

// --- the JSON text form -------------------------------------------------------------------------

TEST(GraphJson, MinimalHandWrittenFileGetsDefaults) {
  const std::string json = R"({
    "formatVersion": 1,
    "nodes": [{"id": "a", "kind": "datagen"}],
    "edges": [{"from": {"node": "a", "port": "out"}, "to": {"node": "a", "port": "in"}}]
  })";
  Graph g = decode(json, GraphFormat::Json);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].parallelism, 1u);
  EXPECT_EQ(g.nodes[0].position, Position{});
  EXPECT_EQ(g.edges.at(0).partitioning.kind, PartitioningKind::Forward);
  EXPECT_EQ(g.runtime, RuntimeConfig{});
  EXPECT_EQ(g.runtime.checkpoints_retained, 3u);

  // An explicit but empty runtime object means the same.
  Graph h =
      decode(R"({"formatVersion": 1, "runtime": {"restartStrategy": {}}})", GraphFormat::Json);
  EXPECT_EQ(h.runtime, RuntimeConfig{});
}

TEST(GraphJson, IntegersAsStringsOrNumbersAndFloatSpellings) {
  const std::string json = R"({"formatVersion": 1, "nodes": [{"id": "a", "kind": "k",
    "parameters": [
      {"name": "s", "value": {"intValue": "-9223372036854775808"}},
      {"name": "n", "value": {"intValue": 42}},
      {"name": "d", "value": {"durationMs": 1000}},
      {"name": "f", "value": {"floatValue": 3}},
      {"name": "nan", "value": {"floatValue": "NaN"}},
      {"name": "inf", "value": {"floatValue": "Infinity"}},
      {"name": "b", "value": {}}
    ]}], "runtime": {"checkpointIntervalMs": 500}})";
  Graph g = decode(json, GraphFormat::Json);
  ASSERT_EQ(g.nodes.size(), 1u);
  const Node& n = g.nodes[0];
  EXPECT_EQ(std::get<std::int64_t>(*n.parameter("s")), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(std::get<std::int64_t>(*n.parameter("n")), 42);
  EXPECT_EQ(std::get<Duration>(*n.parameter("d")).ms, 1000);
  EXPECT_EQ(std::get<double>(*n.parameter("f")), 3.0);
  EXPECT_TRUE(std::isnan(std::get<double>(*n.parameter("nan"))));
  EXPECT_EQ(std::get<double>(*n.parameter("inf")), std::numeric_limits<double>::infinity());
  EXPECT_EQ(std::get<bool>(*n.parameter("b")), false);
  EXPECT_EQ(g.runtime.checkpoint_interval_ms, 500);
}

TEST(GraphJson, WritesCompactReviewableText) {
  Graph g;
  g.name = "tiny";
  Node a{"src", "datagen", "", {}, 1, {}};
  a.set_parameter("enabled", Value{false});
  a.set_parameter("schema", Value{Schema{{"id", FieldType::Int64, false}}});
  g.nodes = {a};
  const std::string json = encode(g, GraphFormat::Json);
  // Defaults are left out ...
  EXPECT_EQ(json.find("parallelism"), std::string::npos) << json;
  EXPECT_EQ(json.find("runtime"), std::string::npos) << json;
  EXPECT_EQ(json.find("position"), std::string::npos) << json;
  // ... except inside values and record fields, where `false` and `int64` must stay visible.
  EXPECT_NE(json.find(R"("boolValue": false)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("type": "int64")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("nullable": false)"), std::string::npos) << json;
  EXPECT_EQ(json.back(), '\n');
}

TEST(GraphJson, EveryByteSurvivesInStrings) {
  Graph g;
  for (int b = 0; b < 256; ++b) g.name.push_back(static_cast<char>(b));
  g.description = std::string("\0\x0b\x1f\"\\/\x7f", 7);
  EXPECT_EQ(decode(encode(g, GraphFormat::Json), GraphFormat::Json), g);
}

// Hand-written escapes (capnp 0.9 alone gets letters in \u escapes and surrogate pairs wrong).
TEST(GraphJson, UnicodeEscapesDecodeCorrectly) {
  const std::pair<const char*, std::string> cases[] = {
      {R"(\u00e9)", "\xc3\xa9"},     {R"(\u00E9)", "\xc3\xa9"},
      {R"(\u20ac)", "\xe2\x82\xac"}, {R"(\ud83d\ude00)", "\xf0\x9f\x98\x80"},
      {R"(\u000b)", "\x0b"},         {R"(\u0000)", std::string(1, '\0')},
      {R"(\u0022)", "\""},           {R"(\u005c)", "\\"},
      {R"(a\\u0041)", "a\\u0041"},   {R"(\"\u0041\")", "\"A\""},
  };
  for (const auto& [escaped, expected] : cases) {
    Graph g = decode(std::string(R"({"formatVersion": 1, "name": ")") + escaped + "\"}",
                     GraphFormat::Json);
    EXPECT_EQ(g.name, expected) << escaped;
  }
  for (const char* bad : {R"(\ud83d)", R"(\ude00)", R"(\u12)", R"(\u12g4)", R"(\ud83d\u0041)"}) {
    std::string message = decode_error(
        std::string(R"({"formatVersion": 1, "name": ")") + bad + "\"}", GraphFormat::Json);
    EXPECT_NE(message.find("JSON string"), std::string::npos) << bad << ": " << message;
  }
}

// Each typo used to be ignored silently: "paramters" dropped every parameter, "parallelsm" left 1,
// "checkpointIntervalMS" turned checkpoints off.
TEST(GraphJson, UnknownMembersAreErrorsWithTheirPathAndASuggestion) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"formatVersion": 1, "nodes": [{"id": "a", "kind": "k"}, {"id": "b", "kind": "k"},
          {"id": "c", "kind": "kafka_source", "paramters": []}]})",
       "nodes[2].paramters (node 'c'): unknown member 'paramters'; did you mean 'parameters'?"},
      {R"({"formatVersion": 1, "nodes": [{"id": "a", "kind": "k", "parallelsm": 4}]})",
       "nodes[0].parallelsm (node 'a'): unknown member 'parallelsm'; did you mean 'parallelism'?"},
      {R"({"formatVersion": 1, "runtime": {"checkpointIntervalMS": 1000}})",
       "runtime.checkpointIntervalMS: unknown member 'checkpointIntervalMS'; did you mean "
       "'checkpointIntervalMs'?"},
      {R"({"formatVersion": 1, "name": "x", "addedLater": [1, 2]})",
       "addedLater: unknown member 'addedLater'; expected one of 'formatVersion', 'name', "
       "'description', 'nodes', 'edges', 'runtime'"},
      {R"({"formatVersion": 1, "nodes": [{"id": "a", "kind": "k", "parameters": [{"name": "p",
          "value": {"intValue": 1, "stringValue": "x"}}]}]})",
       "nodes[0].parameters[0].value (node 'a'): both 'intValue' and 'stringValue' are set"},
      {R"({"formatVersion": 1, "runtime": {"restartStrategy": {"none": null,
          "fixedDelay": {"attempts": 3}}}})",
       "runtime.restartStrategy: both 'none' and 'fixedDelay' are set"},
      {R"({"formatVersion": 1, "name": "a", "name": "b"})", "name: member 'name' appears twice"},
      {R"({"formatVersion": 1, "nodes": [{"id": "a", "kind": "k", "parallelism": -1}]})",
       "nodes[0].parallelism (node 'a'): value -1 is out of range for an unsigned 32-bit integer"},
      {R"({"formatVersion": 1, "runtime": {"stateBackend": "rocksDB"}})",
       "runtime.stateBackend: unknown value 'rocksDB'; did you mean 'rocksdb'?"},
      {R"({"formatVersion": 1, "nodes": [{"id": "a\u001b[31m", "kind": "k", "x": 1}]})",
       "nodes[0].x (node 'a\\x1b[31m'): unknown member 'x'"},
  };
  for (auto [text, expected] : cases) {
    std::string message = decode_error(text, GraphFormat::Json);
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  }
}

// A newer file may hold members this build does not know: it gets the version message instead.
TEST(GraphJson, UnknownMembersInANewerFileGetTheVersionMessage) {
  std::string message =
      decode_error(R"({"formatVersion": 2, "name": "x", "addedLater": [1, 2]})", GraphFormat::Json);
  EXPECT_NE(message.find("format version 2 is newer"), std::string::npos) << message;
}

TEST(GraphJson, SyntaxErrorsNameLineAndColumn) {
  std::string message =
      decode_error("{\"formatVersion\": 1,\n  \"name\" \"x\"\n}", GraphFormat::Json);
  EXPECT_NE(message.find("line 2, column 10: expected ':' after a member name"), std::string::npos)
      << message;
  message = decode_error("{\"formatVersion\": 1,\n\n   }", GraphFormat::Json);
  EXPECT_NE(message.find("line 3, column 4: trailing comma"), std::string::npos) << message;
}

TEST(GraphJson, BadTextGivesClearErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"{", "truncated object"},
      {"{\"formatVersion\": 1,}", "trailing comma"},
      {"{\"formatVersion\": 1} extra", "trailing garbage"},
      {"[]", "array root"},
      {"42", "number root"},
      {"{\"formatVersion\": 1, \"nodes\": 5}", "nodes not a list"},
      {"{\"formatVersion\": 1, \"nodes\": [{\"parallelism\": \"many\"}]}", "string for uint"},
      {"{\"formatVersion\": 1, \"nodes\": [{\"parallelism\": -1}]}", "negative uint"},
      {"{\"formatVersion\": 1, \"nodes\": [{\"parallelism\": 1.5}]}", "fractional uint"},
      {"{\"formatVersion\": 1, \"nodes\": [{\"parallelism\": 1e30}]}", "huge uint"},
      {"{\"formatVersion\": 1, \"name\": 7}", "number for text"},
      {"{\"formatVersion\": 1, \"runtime\": {\"stateBackend\": \"disk\"}}", "unknown enum"},
      {"{\"formatVersion\": 1, \"nodes\": [{\"parameters\": [{\"value\": {\"schema\": "
       "[{\"name\": \"x\", \"type\": \"int32\"}]}}]}]}",
       "unknown field type"},
      {"{\"formatVersion\": \"one\"}", "version not a number"},
      {"{\"formatVersion\": 1.5}", "fractional version"},
  };
  for (auto [text, what] : cases) {
    std::string message = decode_error(text, GraphFormat::Json);
    EXPECT_EQ(message.rfind("not a valid Rivulet graph: ", 0), 0u) << what << ": " << message;
    EXPECT_GT(message.size(), std::string("not a valid Rivulet graph: ").size()) << what;
    EXPECT_EQ(message.find('\n'), std::string::npos) << what << ": " << message;
  }
}

TEST(GraphJson, DeepNestingIsRefused) {
  std::string deep = R"({"formatVersion": 1, "name": )" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  EXPECT_FALSE(decode_error(deep, GraphFormat::Json).empty());
}

// --- versions -----------------------------------------------------------------------------------

std::string binary_with_version(std::uint32_t version) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<wire::Graph>();
  root.setFormatVersion(version);
  root.setName("future");
  auto words = capnp::messageToFlatArray(message);
  return std::string(words.asChars().begin(), words.asChars().size());
}

TEST(GraphVersion, NewerVersionIsRefusedNamingBothVersions) {
  const std::string expected =
      "graph format version 7 is newer than this Rivulet supports (1); upgrade Rivulet to open it";
  EXPECT_EQ(decode_error(binary_with_version(7), GraphFormat::Binary), expected);
  EXPECT_EQ(decode_error(R"({"formatVersion": 7, "name": "future"})", GraphFormat::Json), expected);
  // The version is checked before anything a newer writer may have added.
  EXPECT_EQ(decode_error(R"({"formatVersion": 7, "runtime": {"stateBackend": "cloud"}})",
                         GraphFormat::Json),
            expected);
}

TEST(GraphVersion, MissingVersionIsRefused) {
  EXPECT_EQ(decode_error(binary_with_version(0), GraphFormat::Binary),
            "not a valid Rivulet graph: formatVersion: missing format version");
  EXPECT_EQ(decode_error(R"({"name": "old"})", GraphFormat::Json),
            "not a valid Rivulet graph: formatVersion: missing format version");
  EXPECT_EQ(decode_error(R"({"formatVersion": 0})", GraphFormat::Json),
            "not a valid Rivulet graph: formatVersion: missing format version");
}

TEST(GraphVersion, CurrentVersionIsWrittenAndRead) {
  Graph g;
  g.format_version = 0;  // whatever the model says, files carry the version this code writes
  Graph back = decode(encode(g, GraphFormat::Binary), GraphFormat::Binary);
  EXPECT_EQ(back.format_version, kCurrentFormatVersion);
}

// --- binary damage ------------------------------------------------------------------------------

TEST(GraphBinary, DamagedBytesGiveClearErrors) {
  const std::string good = encode(testing::rich_graph(), GraphFormat::Binary);
  const std::string packed = encode(testing::rich_graph(), GraphFormat::Packed);
  const std::vector<std::pair<std::string, GraphFormat>> cases = {
      {"", GraphFormat::Binary},
      {"", GraphFormat::Packed},
      {good.substr(0, good.size() - 8), GraphFormat::Binary},
      {good.substr(0, good.size() - 3), GraphFormat::Binary},
      {good.substr(0, 8), GraphFormat::Binary},
      {good + std::string(8, '\0'), GraphFormat::Binary},
      {packed.substr(0, packed.size() / 2), GraphFormat::Packed},
      {"this is not a graph at all", GraphFormat::Binary},
      {std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8), GraphFormat::Binary},
      {std::string("\x00\x00\x00\x00\xff\xff\xff\x0f", 8), GraphFormat::Binary},  // huge segment
      {std::string("\x00\x00", 2) + std::string(200000, '\0'), GraphFormat::Packed},
      {good, GraphFormat::Json},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    std::string message = decode_error(cases[i].first, cases[i].second);
    EXPECT_EQ(message.rfind("not a valid Rivulet graph: ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(GraphBinary, UnalignedInputIsFine) {
  const std::string good = encode(testing::rich_graph(), GraphFormat::Binary);
  std::string shifted = " " + good;
  EXPECT_EQ(decode(shifted.substr(1), GraphFormat::Binary), testing::rich_graph());
  std::string_view view(shifted);
  auto r = decode_graph(view.substr(1), GraphFormat::Binary);
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST(GraphBinary, UnknownUnionMemberIsAnError) {
  // A partitioning written by a hypothetical newer Rivulet (discriminant past the last member).
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<wire::Graph>();
  root.setFormatVersion(1);
  auto edge = root.initEdges(1)[0];
  edge.initPartitioning().setBroadcast();
  // The discriminant is the first 16 bits of the struct's data section.
  capnp::AnyStruct::Builder raw(edge.getPartitioning());
  raw.getDataSection()[0] = 9;
  auto words = capnp::messageToFlatArray(message);
  std::string bytes(words.asChars().begin(), words.asChars().size());
  std::string error = decode_error(bytes, GraphFormat::Binary);
  EXPECT_NE(error.find("unknown partitioning 9"), std::string::npos) << error;
}

// --- paths and files ----------------------------------------------------------------------------

TEST(GraphFiles, FormatForPath) {
  EXPECT_EQ(*format_for_path("a/b.rgraph"), GraphFormat::Binary);
  EXPECT_EQ(*format_for_path("b.rgraphp"), GraphFormat::Packed);
  EXPECT_EQ(*format_for_path("/x/y.z.json"), GraphFormat::Json);
  for (const char* bad : {"graph.txt", "graph", "graph.rgraph.bak", "json", ".rgraphx", "g.JSON"}) {
    auto r = format_for_path(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos);
    EXPECT_NE(r.error().message.find(".rgraph"), std::string::npos);
    EXPECT_NE(r.error().message.find(".rgraphp"), std::string::npos);
    EXPECT_NE(r.error().message.find(".json"), std::string::npos);
  }
}

TEST(GraphFiles, SaveAndLoadEveryFormat) {
  TempDir dir;
  const Graph g = testing::rich_graph();
  for (const char* file : {"g.rgraph", "g.rgraphp", "g.json"}) {
    SCOPED_TRACE(file);
    auto saved = save_graph(g, dir.file(file));
    ASSERT_TRUE(saved.ok()) << saved.error().message;
    auto loaded = load_graph(dir.file(file));
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(*loaded, g);
    // Overwriting works and leaves no temporary files behind.
    ASSERT_TRUE(save_graph(Graph{}, dir.file(file)).ok());
    EXPECT_EQ(*load_graph(dir.file(file)), Graph{});
  }
  EXPECT_EQ(dir.entries(), 3u);
  EXPECT_EQ(fs::status(dir.file("g.json")).permissions() & fs::perms::others_read,
            fs::perms::others_read);
}

TEST(GraphFiles, ErrorsNameThePath) {
  TempDir dir;
  auto missing = load_graph(dir.file("missing.rgraph"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(dir.file("missing.rgraph")), std::string::npos);
  EXPECT_NE(missing.error().message.find("No such file"), std::string::npos)
      << missing.error().message;

  auto wrong_ext = save_graph(Graph{}, dir.file("g.txt"));
  ASSERT_FALSE(wrong_ext.ok());
  EXPECT_NE(wrong_ext.error().message.find("g.txt"), std::string::npos);

  auto no_dir = save_graph(Graph{}, dir.file("nope/g.json"));
  ASSERT_FALSE(no_dir.ok());
  EXPECT_NE(no_dir.error().message.find("nope/g.json"), std::string::npos);

  std::ofstream(dir.file("junk.rgraph")) << "garbage!";
  auto junk = load_graph(dir.file("junk.rgraph"));
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().message.rfind(
                "graph file '" + dir.file("junk.rgraph") + "' is not a valid Rivulet graph: ", 0),
            0u)
      << junk.error().message;

  std::ofstream(dir.file("future.json")) << R"({"formatVersion": 9})";
  auto future = load_graph(dir.file("future.json"));
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().message,
            "graph file '" + dir.file("future.json") +
                "': graph format version 9 is newer than this Rivulet supports (1); upgrade "
                "Rivulet to open it");

  fs::create_directories(dir.file("dir.json"));
  EXPECT_FALSE(load_graph(dir.file("dir.json")).ok());
}

// --- example graphs -----------------------------------------------------------------------------

// Every example under examples/ survives JSON -> binary -> JSON -> binary unchanged.
TEST(GraphExamples, RoundTripByteIdentical) {
  const fs::path root = fs::path(RIVULET_SOURCE_DIR) / "examples";
  std::size_t seen = 0;
  if (fs::exists(root)) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      ++seen;
      SCOPED_TRACE(entry.path().string());
      auto loaded = load_graph(entry.path().string());
      ASSERT_TRUE(loaded.ok()) << loaded.error().message;
      const std::string binary = encode(*loaded, GraphFormat::Binary);
      const std::string json = encode(decode(binary, GraphFormat::Binary), GraphFormat::Json);
      EXPECT_EQ(encode(decode(json, GraphFormat::Json), GraphFormat::Binary), binary);
    }
  }
  RecordProperty("examples", static_cast<int>(seen));
}

}  // namespace
}  // namespace rivulet::graphs
