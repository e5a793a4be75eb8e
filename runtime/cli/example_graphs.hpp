#pragma once
// The example graphs (examples/<dir>/<name>.json) compiled into the `rivulet` binary by
// cmake/EmbedExamples.cmake, so `rivulet demo` runs them from any installed location.

#include <string_view>
#include <vector>

namespace rivulet::cli {

struct ExampleGraph {
  std::string_view path;  // relative to examples/: "card-fraud/card-fraud.json"
  std::string_view json;  // the graph in its JSON text form
};

const std::vector<ExampleGraph>& example_graphs();  // generated

inline const ExampleGraph* find_example_graph(std::string_view path) {
  for (const ExampleGraph& graph : example_graphs()) {
    if (graph.path == path) return &graph;
  }
  return nullptr;
}

}  // namespace rivulet::cli
