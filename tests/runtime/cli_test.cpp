// The `rivulet` command line as users and scripts see it: exit codes (0 success, 1 user error),
// one-line errors on stderr, and the graph and catalog commands end to end.

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "child_process.hpp"
#include "graphs/catalog_io.hpp"
#include "graphs/graph_io.hpp"
#include "graphs/validator.hpp"
#include "operators/builtin_catalog.hpp"

namespace rivulet::runtime {
namespace {

namespace fs = std::filesystem;
using processtest::Outcome;
using processtest::run_rivulet;

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

void expect_user_error(const Outcome& outcome, const std::string& mentions = "") {
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.out, "");
  EXPECT_EQ(outcome.err.rfind("rivulet: error: ", 0), 0u) << outcome.err;
  EXPECT_EQ(line_count(outcome.err), 1u) << outcome.err;
  EXPECT_NE(outcome.err.find(mentions), std::string::npos) << outcome.err;
}

// datagen → file_sink: the smallest graph the built-in catalog accepts.
graphs::Graph tiny_graph() {
  graphs::Graph graph;
  graph.name = "tiny";
  graphs::Node source;
  source.id = "numbers";
  source.kind = "datagen";
  source.set_parameter("schema", graphs::Schema{{"id", graphs::FieldType::Int64, false}});
  source.set_parameter("count", std::int64_t{10});
  graphs::Node sink;
  sink.id = "out";
  sink.kind = "file_sink";
  sink.set_parameter("path", std::string("out.jsonl"));
  graph.nodes = {source, sink};
  graphs::Edge edge;
  edge.from = {"numbers", "out"};
  edge.to = {"out", "in"};
  graph.edges = {edge};
  return graph;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rivulet-cli-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write_graph(const graphs::Graph& graph, const std::string& name) const {
    auto saved = graphs::save_graph(graph, path(name));
    EXPECT_TRUE(saved) << saved.error().message;
    return path(name);
  }

  fs::path dir_;
};

TEST_F(CliTest, NoArgumentsIsAnError) { expect_user_error(run_rivulet({})); }

TEST_F(CliTest, UnknownCommandIsNamed) {
  expect_user_error(run_rivulet({"frobnicate"}), "unknown command 'frobnicate'");
  expect_user_error(run_rivulet({"graph", "frob"}), "unknown command 'graph frob'");
  expect_user_error(run_rivulet({"--bogus"}), "unknown option '--bogus'");
  expect_user_error(run_rivulet({"graph"}));  // a group needs one of its commands
}

TEST_F(CliTest, HelpExitsZero) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"graph", "--help"}, {"graph", "validate", "--help"},
           {"catalog", "--help"}, {"broker", "--help"}}) {
    Outcome outcome = run_rivulet(args);
    EXPECT_EQ(outcome.exit_code, 0) << args.front();
    EXPECT_NE(outcome.out.find("Usage: rivulet"), std::string::npos) << outcome.out;
    EXPECT_EQ(outcome.err, "");
  }
  Outcome top = run_rivulet({"--help"});
  for (const char* command : {"graph", "catalog", "broker"}) {
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
  }
}

TEST_F(CliTest, VersionExitsZero) {
  Outcome outcome = run_rivulet({"--version"});
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out.rfind("rivulet ", 0), 0u) << outcome.out;
}

TEST_F(CliTest, MissingFileIsAnError) {
  expect_user_error(run_rivulet({"graph", "validate", path("missing.json")}), "missing.json");
  expect_user_error(run_rivulet({"graph", "show", path("missing.rgraph")}), "missing.rgraph");
  expect_user_error(run_rivulet({"graph", "validate"}), "FILE");
}

TEST_F(CliTest, CorruptFileIsAnError) {
  std::ofstream(path("junk.rgraph")) << "this is not a capnp message\n";
  std::ofstream(path("junk.json")) << "{ not json";
  expect_user_error(run_rivulet({"graph", "validate", path("junk.rgraph")}), "junk.rgraph");
  expect_user_error(run_rivulet({"graph", "show", path("junk.json")}), "junk.json");
}

TEST_F(CliTest, WrongExtensionIsAnError) {
  std::ofstream(path("graph.txt")) << "{}";
  std::string json = write_graph(tiny_graph(), "graph.json");
  expect_user_error(run_rivulet({"graph", "validate", path("graph.txt")}), "graph.txt");
  expect_user_error(run_rivulet({"graph", "convert", json, path("out.txt")}), "out.txt");
  expect_user_error(run_rivulet({"catalog", "export", path("catalog.txt")}), "catalog.txt");
  EXPECT_FALSE(fs::exists(path("out.txt")));
}

TEST_F(CliTest, BadBrokerArgumentsAreErrors) {
  expect_user_error(run_rivulet({"broker", "--topic", "orders"}), "NAME:PARTITIONS");
  expect_user_error(run_rivulet({"broker", "--topic", "orders:x"}), "orders:x");
  expect_user_error(run_rivulet({"broker", "--topic", "orders:0"}), "orders");
  expect_user_error(run_rivulet({"broker", "--brokers", "0"}), "--brokers");
  expect_user_error(run_rivulet({"broker", "--port", "70000"}), "--port");
  expect_user_error(run_rivulet({"broker", "extra"}), "unexpected argument 'extra'");
}

TEST_F(CliTest, ValidateAcceptsAValidGraph) {
  graphs::Graph graph = tiny_graph();
  graphs::ValidationReport expected = graphs::validate(graph, operators::builtin_catalog());
  for (const auto& problem : expected.problems) ADD_FAILURE() << problem.to_string();
  ASSERT_TRUE(expected.ok()) << "tiny_graph() no longer matches the built-in catalog";

  for (const char* name : {"tiny.json", "tiny.rgraph", "tiny.rgraphp"}) {
    Outcome outcome = run_rivulet({"graph", "validate", write_graph(graph, name)});
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    EXPECT_EQ(outcome.out, "ok: 2 nodes, 1 edge\n");
  }
}

TEST_F(CliTest, ValidateReportsEveryProblem) {
  graphs::Graph graph = tiny_graph();
  graph.nodes[0].kind = "no_such_operator";
  graph.nodes[1].parallelism = 0;
  graphs::ValidationReport expected = graphs::validate(graph, operators::builtin_catalog());
  ASSERT_FALSE(expected.ok());

  Outcome outcome = run_rivulet({"graph", "validate", write_graph(graph, "bad.json")});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.out, "");
  std::string lines;
  for (const auto& problem : expected.problems) lines += problem.to_string() + "\n";
  EXPECT_EQ(outcome.err.substr(0, lines.size()), lines);
  std::string last = outcome.err.substr(std::min(lines.size(), outcome.err.size()));
  EXPECT_EQ(last.rfind("rivulet: error: ", 0), 0u) << last;
  EXPECT_EQ(line_count(last), 1u) << last;
}

TEST_F(CliTest, ValidateUsesACatalogFile) {
  graphs::Catalog empty;
  ASSERT_TRUE(graphs::save_catalog(empty, path("empty.json")));
  std::string graph = write_graph(tiny_graph(), "tiny.json");
  // Against an empty catalog every operator kind is unknown.
  Outcome outcome = run_rivulet({"graph", "validate", graph, "--catalog", path("empty.json")});
  EXPECT_EQ(outcome.exit_code, 1);
  expect_user_error(run_rivulet({"graph", "validate", graph, "--catalog", path("none.json")}),
                    "none.json");
}

TEST_F(CliTest, ShowPrintsTheJsonText) {
  graphs::Graph graph = tiny_graph();
  auto text = graphs::encode_graph(graph, graphs::GraphFormat::Json);
  ASSERT_TRUE(text) << text.error().message;
  Outcome outcome = run_rivulet({"graph", "show", write_graph(graph, "tiny.rgraph")});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  std::string printed = outcome.out;
  if (text->empty() || text->back() != '\n') printed.pop_back();
  EXPECT_EQ(printed, *text);
}

TEST_F(CliTest, ConvertRoundTripsEveryFormat) {
  graphs::Graph graph = tiny_graph();
  std::string previous = write_graph(graph, "a.json");
  for (const char* name : {"b.rgraph", "c.rgraphp", "d.json", "e.rgraphp", "f.rgraph"}) {
    Outcome outcome = run_rivulet({"graph", "convert", previous, path(name)});
    ASSERT_EQ(outcome.exit_code, 0) << name << ": " << outcome.err;
    EXPECT_EQ(outcome.out, "");
    auto loaded = graphs::load_graph(path(name));
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(*loaded, graph) << name;
    previous = path(name);
  }
}

TEST_F(CliTest, CatalogExportWritesTheBuiltinCatalog) {
  for (const char* name : {"catalog.json", "catalog.rcatalog"}) {
    Outcome outcome = run_rivulet({"catalog", "export", path(name)});
    ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
    auto loaded = graphs::load_catalog(path(name));
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(*loaded, operators::builtin_catalog()) << name;
  }
}

TEST_F(CliTest, CatalogListShowsEveryKind) {
  Outcome outcome = run_rivulet({"catalog", "list"});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  graphs::Catalog catalog = operators::builtin_catalog();
  EXPECT_EQ(line_count(outcome.out), catalog.operators.size() + 1);  // header + one per kind
  for (const auto& spec : catalog.operators) {
    EXPECT_NE(outcome.out.find(spec.kind + " "), std::string::npos) << spec.kind;
  }
}

TEST_F(CliTest, PluginKindsJoinTheCatalog) {
  Outcome listed = run_rivulet({"catalog", "list", "--plugin", RIVULET_SAMPLE_PLUGIN});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(line_count(listed.out), operators::builtin_catalog().operators.size() + 2);
  EXPECT_NE(listed.out.find("sample "), std::string::npos);

  Outcome missing = run_rivulet({"catalog", "list", "--plugin", "/nonexistent/plugin.so"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(line_count(missing.err), 1u) << missing.err;
  EXPECT_NE(missing.err.find("/nonexistent/plugin.so"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace rivulet::runtime
