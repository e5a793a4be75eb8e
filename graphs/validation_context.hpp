#pragma once
// Internal to the validator: the state shared by its rule files (structure_rules,
// parameter_rules, schema_propagation) and the helpers that record problems.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"
#include "graphs/validator.hpp"

namespace rivulet::graphs::validation {

struct Context {
  Context(const Graph& g, const Catalog& c, ValidationReport& r)
      : graph(g), catalog(c), report(r) {}

  const Graph& graph;
  const Catalog& catalog;
  ValidationReport& report;
  ValidationLimits limits;

  // Filled by check_nodes: node id -> index of its first node (later duplicates are ignored by
  // every graph-level rule) and each node's spec (null when the kind is unknown).
  std::map<std::string, std::size_t> node_index;
  std::vector<const OperatorSpec*> specs;

  // Filled by check_edges: an edge is usable when both endpoints name an existing node and port
  // and it does not repeat an earlier edge. Only usable edges carry schemas.
  std::vector<bool> usable_edge;

  // Filled by order_nodes: the nodes in topological order, leaving out nodes on or downstream
  // of a cycle.
  std::vector<std::size_t> topological_order;

  const Node* find_node(const std::string& id) const;
  const OperatorSpec* find_spec(const std::string& id) const;

  void node_problem(const Node& node, std::string field, std::string message,
                    Severity severity = Severity::Error);
  void edge_problem(std::size_t edge, std::string field, std::string message);
  void graph_problem(std::string field, std::string message);
};

// "source.out -> filter.in"
std::string edge_text(const Edge& edge);

}  // namespace rivulet::graphs::validation
