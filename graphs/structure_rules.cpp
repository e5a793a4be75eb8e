#include "graphs/structure_rules.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <tuple>

#include "graphs/printable.hpp"
#include "graphs/validation_text.hpp"

namespace rivulet::graphs::validation {

namespace {

std::vector<std::string> port_names(const std::vector<PortSpec>& ports) {
  std::vector<std::string> names;
  for (const auto& port : ports) names.push_back(port.name);
  return names;
}

std::vector<std::string> known_kinds(const Catalog& catalog) {
  std::vector<std::string> kinds;
  for (const auto& spec : catalog.operators) kinds.push_back(spec.kind);
  return kinds;
}

std::vector<std::string> node_ids(const Context& context) {
  std::vector<std::string> ids;
  for (const auto& [id, index] : context.node_index) ids.push_back(id);
  return ids;
}

bool is_first_occurrence(const Context& context, std::size_t index) {
  auto it = context.node_index.find(context.graph.nodes[index].id);
  return it != context.node_index.end() && it->second == index;
}

}  // namespace

void check_nodes(Context& context) {
  const auto& nodes = context.graph.nodes;
  const auto kinds = known_kinds(context.catalog);
  context.specs.assign(nodes.size(), nullptr);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& node = nodes[i];
    if (node.id.empty()) {
      // Without an id nothing else about the node can be named; fix the id first.
      context.graph_problem(
          "nodes[" + std::to_string(i) + "].id",
          "node " + std::to_string(i) + " (kind '" + node.kind + "') has an empty id");
      continue;
    }
    if (has_control_characters(node.id)) {
      context.node_problem(node, "id",
                           "the id contains control characters (newlines, escapes); ids are "
                           "names shown in logs and metrics, use printable characters");
    }
    auto [it, inserted] = context.node_index.emplace(node.id, i);
    if (!inserted) {
      context.node_problem(node, "id",
                           "node " + std::to_string(i) + " reuses the id of node " +
                               std::to_string(it->second) + "; node ids must be unique");
    }
    const OperatorSpec* spec = context.catalog.find(node.kind);
    context.specs[i] = spec;
    if (!spec) {
      context.node_problem(
          node, "kind",
          "unknown operator kind '" + node.kind + "'" + did_you_mean(node.kind, kinds));
    }
    if (node.parallelism == 0) {
      context.node_problem(node, "parallelism", "parallelism must be at least 1, got 0");
    } else if (node.parallelism > context.limits.max_parallelism) {
      context.node_problem(
          node, "parallelism",
          "parallelism " + std::to_string(node.parallelism) + " is above the maximum " +
              std::to_string(context.limits.max_parallelism) + " this runner allows");
    } else if (spec && spec->max_parallelism != 0 && node.parallelism > spec->max_parallelism) {
      context.node_problem(node, "parallelism",
                           "parallelism " + std::to_string(node.parallelism) +
                               " is above the maximum " + std::to_string(spec->max_parallelism) +
                               " of '" + spec->kind + "'");
    }
  }
}

namespace {

// Checks one end of edge `index`; `outgoing` tells whether it is the from end (an output port).
// Returns the port spec when both node and port exist.
const PortSpec* check_endpoint(Context& context, std::size_t index, const Endpoint& end,
                               bool outgoing) {
  const std::string side = outgoing ? "from" : "to";
  if (!context.find_node(end.node)) {
    context.edge_problem(
        index, side + ".node",
        "node '" + end.node + "' does not exist" + did_you_mean(end.node, node_ids(context)));
    return nullptr;
  }
  const OperatorSpec* spec = context.find_spec(end.node);
  if (!spec) return nullptr;  // unknown kind, reported on the node
  const PortSpec* port = outgoing ? spec->output(end.port) : spec->input(end.port);
  if (port) return port;
  const auto& ports = outgoing ? spec->outputs : spec->inputs;
  const std::string direction = outgoing ? "output" : "input";
  std::string message = "'" + spec->kind + "' has no " + direction + " port '" + end.port + "'";
  message += ports.empty() ? "; it has no " + direction + " ports"
                           : "; its " + direction + " ports are " + quoted_list(port_names(ports));
  context.edge_problem(index, side + ".port", message);
  return nullptr;
}

void check_partitioning(Context& context, std::size_t index, const PortSpec& from_port,
                        const PortSpec& to_port) {
  const Edge& edge = context.graph.edges[index];
  const Node& from = *context.find_node(edge.from.node);
  const Node& to = *context.find_node(edge.to.node);
  const PartitioningKind kind = edge.partitioning.kind;
  if (kind == PartitioningKind::Forward && from.parallelism != 0 && to.parallelism != 0 &&
      from.parallelism != to.parallelism) {
    context.edge_problem(index, "partitioning",
                         "forward partitioning needs equal parallelism, but '" + from.id +
                             "' has " + std::to_string(from.parallelism) + " and '" + to.id +
                             "' has " + std::to_string(to.parallelism) +
                             "; use rebalance or hash partitioning");
  }
  if (to_port.kind != PortKind::Keyed) return;
  if (from_port.kind == PortKind::Records && kind != PartitioningKind::Hash) {
    context.edge_problem(index, "to.port",
                         "input port '" + to_port.name +
                             "' needs a keyed stream, but output "
                             "port '" +
                             from_port.name +
                             "' gives unkeyed records; key them first "
                             "(key_by) or use hash partitioning");
  } else if (from_port.kind == PortKind::Keyed &&
             (kind == PartitioningKind::Rebalance || kind == PartitioningKind::Broadcast)) {
    context.edge_problem(index, "partitioning",
                         std::string(to_string(kind)) +
                             " partitioning loses the keying that "
                             "input port '" +
                             to_port.name + "' needs; use forward or hash");
  }
}

}  // namespace

void check_edges(Context& context) {
  const auto& edges = context.graph.edges;
  context.usable_edge.assign(edges.size(), false);
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::size_t> seen;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const Edge& edge = edges[i];
    if (edge.partitioning.kind == PartitioningKind::Hash && edge.partitioning.key_fields.empty()) {
      context.edge_problem(i, "partitioning", "hash partitioning needs at least one key field");
    }
    const PortSpec* from_port = check_endpoint(context, i, edge.from, true);
    const PortSpec* to_port = check_endpoint(context, i, edge.to, false);
    if (!from_port || !to_port) continue;
    auto key = std::make_tuple(edge.from.node, edge.from.port, edge.to.node, edge.to.port);
    auto [it, inserted] = seen.emplace(key, i);
    if (!inserted) {
      context.edge_problem(
          i, "to",
          "duplicate of edge " + std::to_string(it->second) + " (same from and to endpoints)");
      continue;
    }
    check_partitioning(context, i, *from_port, *to_port);
    context.usable_edge[i] = true;
  }
}

void check_connections(Context& context) {
  const auto& nodes = context.graph.nodes;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const OperatorSpec* spec = context.specs[i];
    if (!spec || !is_first_occurrence(context, i)) continue;
    const Node& node = nodes[i];
    // An edge counts as connecting its end even when the other end is broken, and an edge into
    // a misspelt port of this node may be meant for any input: those edges are already
    // reported, and "not connected" would send the user looking in the wrong place.
    for (const auto& port : spec->inputs) {
      bool connected =
          std::any_of(context.graph.edges.begin(), context.graph.edges.end(), [&](const Edge& e) {
            return e.to.node == node.id && (e.to.port == port.name || !spec->input(e.to.port));
          });
      if (port.required && !connected) {
        context.node_problem(node, "inputs." + port.name,
                             "required input port '" + port.name + "' is not connected");
      }
    }
    if (spec->outputs.empty()) continue;
    bool any_output = std::any_of(context.graph.edges.begin(), context.graph.edges.end(),
                                  [&](const Edge& e) { return e.from.node == node.id; });
    if (any_output) {
      // Side outputs the catalog says carry drops: nothing disappears without a word.
      for (const auto& port : spec->outputs) {
        if (port.dropped_when_unconnected.empty()) continue;
        const bool connected = std::any_of(
            context.graph.edges.begin(), context.graph.edges.end(),
            [&](const Edge& e) { return e.from.node == node.id && e.from.port == port.name; });
        if (connected) continue;
        context.node_problem(node, "outputs." + port.name,
                             "output '" + port.name + "' is not connected: " +
                                 port.dropped_when_unconnected + " will be counted and dropped",
                             Severity::Warning);
      }
      continue;
    }
    if (spec->outputs.size() == 1) {
      const std::string& port = spec->outputs.front().name;
      context.node_problem(node, "outputs." + port,
                           "output port '" + port + "' is not connected to anything",
                           Severity::Warning);
    } else {
      context.node_problem(node, "outputs",
                           "none of the output ports " + quoted_list(port_names(spec->outputs)) +
                               " is connected to anything",
                           Severity::Warning);
    }
  }
}

namespace {

using Adjacency = std::vector<std::vector<std::size_t>>;

// Nodes reachable from `start` along `next`, restricted to `allowed`.
std::set<std::size_t> reachable(std::size_t start, const Adjacency& next,
                                const std::set<std::size_t>& allowed) {
  std::set<std::size_t> seen{start};
  std::deque<std::size_t> todo{start};
  while (!todo.empty()) {
    std::size_t node = todo.front();
    todo.pop_front();
    for (std::size_t n : next[node]) {
      if (allowed.count(n) && seen.insert(n).second) todo.push_back(n);
    }
  }
  return seen;
}

// Shortest path start -> ... -> start inside `component` (strongly connected, so one exists).
std::vector<std::size_t> cycle_through(std::size_t start, const Adjacency& next,
                                       const std::set<std::size_t>& component) {
  std::map<std::size_t, std::size_t> parent;
  std::deque<std::size_t> todo{start};
  while (!todo.empty()) {
    std::size_t node = todo.front();
    todo.pop_front();
    for (std::size_t n : next[node]) {
      if (!component.count(n)) continue;
      if (n == start) {
        std::vector<std::size_t> path{start};
        for (std::size_t at = node; at != start; at = parent[at]) path.push_back(at);
        path.push_back(start);
        std::reverse(path.begin() + 1, path.end() - 1);
        return path;
      }
      if (parent.emplace(n, node).second) todo.push_back(n);
    }
  }
  return {start, start};
}

void report_cycles(Context& context, const std::set<std::size_t>& stuck, const Adjacency& next,
                   const Adjacency& previous) {
  std::set<std::size_t> assigned;
  for (std::size_t node : stuck) {
    if (assigned.count(node)) continue;
    auto forward = reachable(node, next, stuck);
    auto backward = reachable(node, previous, stuck);
    std::set<std::size_t> component;
    std::set_intersection(forward.begin(), forward.end(), backward.begin(), backward.end(),
                          std::inserter(component, component.begin()));
    assigned.insert(component.begin(), component.end());
    bool self_loop = std::count(next[node].begin(), next[node].end(), node) > 0;
    if (component.size() < 2 && !self_loop) continue;  // merely downstream of a cycle
    std::string path;
    for (std::size_t at : cycle_through(node, next, component)) {
      if (!path.empty()) path += " -> ";
      path += "'" + context.graph.nodes[at].id + "'";
    }
    context.graph_problem("", "the edges form a cycle: " + path);
  }
}

}  // namespace

void order_nodes(Context& context) {
  const auto& nodes = context.graph.nodes;
  Adjacency next(nodes.size()), previous(nodes.size());
  std::vector<std::size_t> in_degree(nodes.size(), 0);
  for (const Edge& edge : context.graph.edges) {
    auto from = context.node_index.find(edge.from.node);
    auto to = context.node_index.find(edge.to.node);
    if (from == context.node_index.end() || to == context.node_index.end()) continue;
    next[from->second].push_back(to->second);
    previous[to->second].push_back(from->second);
    ++in_degree[to->second];
  }
  // Kahn's algorithm, smallest node index first so the order follows the file where it can.
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  std::set<std::size_t> stuck;
  for (const auto& [id, index] : context.node_index) {
    stuck.insert(index);
    if (in_degree[index] == 0) ready.push(index);
  }
  while (!ready.empty()) {
    std::size_t node = ready.top();
    ready.pop();
    stuck.erase(node);
    context.topological_order.push_back(node);
    for (std::size_t n : next[node]) {
      if (--in_degree[n] == 0) ready.push(n);
    }
  }
  report_cycles(context, stuck, next, previous);
}

}  // namespace rivulet::graphs::validation
