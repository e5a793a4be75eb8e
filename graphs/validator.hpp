#pragma once
// Graph validation against the operator catalog. Reports every problem, each naming the node (or
// edge) and the field, and propagates record schemas along the edges so that expressions and
// key fields are checked before anything runs. Used by `rivulet graph validate`, the runtime
// before it plans, and the editor for live badges.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::graphs {

enum class Severity { Error, Warning };

struct Problem {
  Severity severity = Severity::Error;
  std::string node_id;              // "" for graph-level problems and edges
  std::optional<std::size_t> edge;  // index into Graph::edges for edge problems
  std::string field;                // e.g. "parameters.threshold", "parallelism", "to.port"
  std::string message;
  std::string edge_text;  // edge problems: its endpoints, "source.out -> filter.in"

  // One line, e.g. "node 'alerts', field 'parameters.threshold': value 0 is below the minimum 1",
  // "edge 2 (source.out -> filter.in), field 'to.port': ...", "graph: ..."; warnings start
  // with "warning: ". Edge numbers are indexes into Graph::edges (from 0). Control characters
  // (from ids, names, values) are escaped, so the line cannot be forged or recolour a terminal.
  std::string to_string() const;
};

struct ValidationReport {
  std::vector<Problem> problems;
  // Output schema of each (node id, output port) that could be computed.
  std::map<std::pair<std::string, std::string>, Schema> output_schemas;
  // Record schema carried by each edge (index into Graph::edges), where it could be computed.
  std::map<std::size_t, Schema> edge_schemas;

  bool ok() const;  // no Error-severity problem
  std::size_t error_count() const;
};

// Limits a node or `rivulet run` may configure. Parallelism is bounded whatever the catalog says:
// 4294967295 instances used to validate and then exhaust memory.
inline constexpr std::uint32_t kDefaultMaxParallelism = 1024;
struct ValidationLimits {
  std::uint32_t max_parallelism = kDefaultMaxParallelism;
};

ValidationReport validate(const Graph& graph, const Catalog& catalog,
                          const ValidationLimits& limits = {});

}  // namespace rivulet::graphs
