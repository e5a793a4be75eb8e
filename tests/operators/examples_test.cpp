// Every example graph must load and validate cleanly (no errors, no warnings) against the
// built-in catalog, so a spec change that breaks a shipped example fails here, not in a demo.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "graphs/graph_io.hpp"
#include "graphs/validator.hpp"
#include "operators/builtin_catalog.hpp"

namespace rivulet::operators {
namespace {

std::vector<std::filesystem::path> example_graphs() {
  std::vector<std::filesystem::path> paths;
  const std::filesystem::path root = std::filesystem::path(RIVULET_SOURCE_DIR) / "examples";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(Examples, FraudDetectionIsThere) {
  const auto paths = example_graphs();
  const auto fraud =
      std::filesystem::path(RIVULET_SOURCE_DIR) / "examples/fraud-detection/fraud-detection.json";
  EXPECT_NE(std::find(paths.begin(), paths.end(), fraud), paths.end());
}

TEST(Examples, ValidateCleanlyAgainstTheBuiltinCatalog) {
  const graphs::Catalog catalog = builtin_catalog();
  for (const auto& path : example_graphs()) {
    SCOPED_TRACE(path.string());
    auto graph = graphs::load_graph(path.string());
    ASSERT_TRUE(graph.ok()) << graph.error().message;
    const graphs::ValidationReport report = graphs::validate(*graph, catalog);
    for (const auto& problem : report.problems) ADD_FAILURE() << problem.to_string();
    // Every edge carries a known schema: the whole graph was type-checked.
    EXPECT_EQ(report.edge_schemas.size(), graph->edges.size());
  }
}

// Outputs the catalog says carry drops (dead letters, late records) warn when unconnected,
// naming the node and what will be dropped; the graph stays valid.
TEST(Examples, UnconnectedDeadLettersAndLateOutputsWarn) {
  auto graph = graphs::load_graph(std::string(RIVULET_SOURCE_DIR) +
                                  "/examples/fraud-detection/fraud-detection.json");
  ASSERT_TRUE(graph.ok()) << graph.error().message;
  std::erase_if(graph->edges, [](const graphs::Edge& e) {
    return e.from.port == "late" || e.from.port == "dead_letters";
  });
  std::erase_if(graph->nodes, [](const graphs::Node& n) {
    return n.id == "late_transactions" || n.id == "dead_letters";
  });
  const graphs::ValidationReport report = graphs::validate(*graph, builtin_catalog());
  EXPECT_TRUE(report.ok());
  std::vector<std::string> problems;
  for (const auto& problem : report.problems) problems.push_back(problem.to_string());
  EXPECT_EQ(problems,
            (std::vector<std::string>{
                "warning: node 'transactions', field 'outputs.dead_letters': output "
                "'dead_letters' is not connected: records that do not decode (on_parse_error = "
                "dead_letter) will be counted and dropped",
                "warning: node 'per_card_minute', field 'outputs.late': output 'late' is not "
                "connected: late records from 'in' (behind the watermark) will be counted and "
                "dropped"}));
}

TEST(Examples, FraudDetectionSchemasFlowAsDocumented) {
  auto graph = graphs::load_graph(std::string(RIVULET_SOURCE_DIR) +
                                  "/examples/fraud-detection/fraud-detection.json");
  ASSERT_TRUE(graph.ok()) << graph.error().message;
  const auto report = graphs::validate(*graph, builtin_catalog());
  auto it = report.output_schemas.find({"suspicious", "out"});
  ASSERT_NE(it, report.output_schemas.end());
  std::vector<std::string> names;
  for (const auto& field : it->second) names.push_back(field.name);
  // Keys, window bounds, then the aggregates (SchemaRule windowAggregate in catalog.capnp).
  const std::vector<std::string> expected = {"card_id",  "window_start", "window_end",
                                             "tx_count", "total_amount", "max_amount"};
  EXPECT_EQ(names, expected);

  auto dead = report.output_schemas.find({"transactions", "dead_letters"});
  ASSERT_NE(dead, report.output_schemas.end());
  // reason, raw, topic, partition, offset, timestamp, key, headers, raw_size, raw_digest,
  // raw_truncated (operators/kafka/dead_letter.hpp).
  EXPECT_EQ(dead->second.size(), 11u);
}

}  // namespace
}  // namespace rivulet::operators
