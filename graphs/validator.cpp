// validate(): runs the rule files in order and formats problems. The rules themselves live in
// structure_rules.cpp (ids, kinds, edges, ports, cycles), parameter_rules.cpp (presence, types,
// ranges) and schema_propagation.cpp (schemas along the edges, expressions, key fields).

#include "graphs/validator.hpp"

#include <algorithm>
#include <utility>

#include "graphs/parameter_rules.hpp"
#include "graphs/printable.hpp"
#include "graphs/runtime_rules.hpp"
#include "graphs/schema_propagation.hpp"
#include "graphs/structure_rules.hpp"
#include "graphs/validation_context.hpp"

namespace rivulet::graphs {

std::string Problem::to_string() const {
  std::string out = severity == Severity::Warning ? "warning: " : "";
  if (edge) {
    out += "edge " + std::to_string(*edge);
    if (!edge_text.empty()) out += " (" + edge_text + ")";
  } else if (!node_id.empty()) {
    out += "node '" + node_id + "'";
  } else {
    out += "graph";
  }
  if (!field.empty()) out += ", field '" + field + "'";
  return printable(out + ": " + message);
}

bool ValidationReport::ok() const { return error_count() == 0; }

std::size_t ValidationReport::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(problems.begin(), problems.end(),
                    [](const auto& p) { return p.severity == Severity::Error; }));
}

namespace validation {

const Node* Context::find_node(const std::string& id) const {
  auto it = node_index.find(id);
  return it == node_index.end() ? nullptr : &graph.nodes[it->second];
}

const OperatorSpec* Context::find_spec(const std::string& id) const {
  auto it = node_index.find(id);
  return it == node_index.end() ? nullptr : specs[it->second];
}

void Context::node_problem(const Node& node, std::string field, std::string message,
                           Severity severity) {
  Problem problem;
  problem.severity = severity;
  problem.node_id = node.id;
  problem.field = std::move(field);
  problem.message = std::move(message);
  report.problems.push_back(std::move(problem));
}

void Context::edge_problem(std::size_t edge, std::string field, std::string message) {
  Problem problem;
  problem.edge = edge;
  problem.edge_text = edge_text(graph.edges[edge]);
  problem.field = std::move(field);
  problem.message = std::move(message);
  report.problems.push_back(std::move(problem));
}

void Context::graph_problem(std::string field, std::string message) {
  Problem problem;
  problem.field = std::move(field);
  problem.message = std::move(message);
  report.problems.push_back(std::move(problem));
}

std::string edge_text(const Edge& edge) {
  return edge.from.node + "." + edge.from.port + " -> " + edge.to.node + "." + edge.to.port;
}

}  // namespace validation

ValidationReport validate(const Graph& graph, const Catalog& catalog,
                          const ValidationLimits& limits) {
  ValidationReport report;
  validation::Context context(graph, catalog, report);
  context.limits = limits;
  if (graph.nodes.empty()) context.graph_problem("", "the graph has no nodes");
  validation::check_nodes(context);
  validation::check_parameters(context);
  validation::check_runtime(context);
  validation::check_edges(context);
  validation::check_connections(context);
  validation::order_nodes(context);
  validation::propagate_schemas(context);
  return report;
}

}  // namespace rivulet::graphs
