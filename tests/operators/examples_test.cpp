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
  EXPECT_EQ(dead->second.size(), 6u);
}

}  // namespace
}  // namespace rivulet::operators
