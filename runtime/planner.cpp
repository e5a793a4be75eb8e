#include "runtime/planner.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "graphs/validator.hpp"

namespace rivulet::runtime {
namespace {

using graphs::PartitioningKind;

std::size_t port_index(const std::vector<graphs::PortSpec>& ports, const std::string& name) {
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (ports[i].name == name) return i;
  }
  return ports.size();
}

// Kahn's algorithm; the validator has already rejected cycles, so every node is placed.
// Ties keep the file's node order, which keeps task ids stable for a given graph file.
std::vector<std::size_t> topological_order(const graphs::Graph& graph) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) index[graph.nodes[i].id] = i;
  std::vector<std::size_t> in_degree(graph.nodes.size(), 0);
  for (const graphs::Edge& edge : graph.edges) ++in_degree[index.at(edge.to.node)];
  std::vector<std::size_t> order;
  std::vector<bool> placed(graph.nodes.size(), false);
  while (order.size() < graph.nodes.size()) {
    std::size_t next = graph.nodes.size();
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      if (!placed[i] && in_degree[i] == 0) {
        next = i;
        break;
      }
    }
    if (next == graph.nodes.size()) break;  // a cycle slipped through; the caller reports it
    placed[next] = true;
    order.push_back(next);
    for (const graphs::Edge& edge : graph.edges) {
      if (edge.from.node == graph.nodes[next].id) --in_degree[index.at(edge.to.node)];
    }
  }
  return order;
}

std::vector<std::string> string_list_parameter(const graphs::Node& node,
                                               const graphs::OperatorSpec& spec,
                                               const std::string& name) {
  const graphs::Value* value = node.parameter(name);
  if (!value) {
    const graphs::ParameterSpec* parameter = spec.parameter(name);
    if (parameter && parameter->default_value) value = &*parameter->default_value;
  }
  if (const auto* list = value ? std::get_if<graphs::StringList>(value) : nullptr) return *list;
  return {};
}

// Plans one job; one instance per plan_job call.
class Planner {
 public:
  Planner(const runtime::OperatorRegistry& registry, const PlanOptions& options)
      : registry_(registry), options_(options) {}

  graphs::Result<PhysicalPlan> run(std::vector<graphs::Graph> graphs) {
    plan_.graphs = std::move(graphs);
    if (plan_.graphs.empty()) return graphs::Error{"no graph to run"};
    if (auto checked = check_graphs(); !checked) return checked.error();
    count_node_ids();
    for (std::size_t g = 0; g < plan_.graphs.size(); ++g) {
      if (auto planned = plan_graph(g); !planned) return planned.error();
    }
    return std::move(plan_);
  }

 private:
  // ---- checks before planning ---------------------------------------------------------------

  std::string graph_prefix(std::size_t g) const {
    if (plan_.graphs.size() == 1) return "";
    const std::string& name = plan_.graphs[g].name;
    return "graph '" + (name.empty() ? std::to_string(g + 1) : name) + "': ";
  }

  graphs::Status check_graphs() {
    const graphs::Catalog catalog = registry_.catalog();
    std::string problems;
    auto add = [&](const std::string& line) {
      if (!problems.empty()) problems += '\n';
      problems += line;
    };
    reports_.clear();
    for (std::size_t g = 0; g < plan_.graphs.size(); ++g) {
      graphs::ValidationReport report = graphs::validate(plan_.graphs[g], catalog);
      for (const graphs::Problem& problem : report.problems) {
        if (problem.severity == graphs::Severity::Error) add(graph_prefix(g) + problem.to_string());
      }
      reports_.push_back(std::move(report));
    }
    if (!problems.empty()) return graphs::Error{problems};
    // Only valid graphs get here, so every kind is registered; spec-only kinds are listed all at
    // once so a user sees everything that is missing, not one kind per attempt.
    for (std::size_t g = 0; g < plan_.graphs.size(); ++g) {
      for (const graphs::Node& node : plan_.graphs[g].nodes) {
        if (!registry_.factory(node.kind)) {
          add(graph_prefix(g) + "node '" + node.id + "': operator kind '" + node.kind +
              "' has no runtime implementation yet");
        }
      }
    }
    if (!problems.empty()) return graphs::Error{problems};
    return graphs::Ok{};
  }

  void count_node_ids() {
    for (const graphs::Graph& graph : plan_.graphs) {
      for (const graphs::Node& node : graph.nodes) ++id_uses_[node.id];
    }
  }

  std::string node_name(std::size_t g, const graphs::Node& node) const {
    if (id_uses_.at(node.id) == 1) return node.id;
    const std::string& graph = plan_.graphs[g].name;
    return (graph.empty() ? "graph" + std::to_string(g + 1) : graph) + "/" + node.id;
  }

  // ---- planning -----------------------------------------------------------------------------

  graphs::Status plan_graph(std::size_t g) {
    const graphs::Graph& graph = plan_.graphs[g];
    const graphs::ValidationReport& report = reports_[g];
    const std::vector<std::size_t> order = topological_order(graph);
    if (order.size() != graph.nodes.size()) {
      return graphs::Error{graph_prefix(g) + "graph: the edges form a cycle"};
    }
    std::map<std::string, std::size_t> planned_index;  // node id -> index into plan_.nodes
    for (std::size_t n : order) {
      const graphs::Node& node = graph.nodes[n];
      const std::size_t index = add_node(g, n, report);
      planned_index[node.id] = index;
      for (std::size_t e = 0; e < graph.edges.size(); ++e) {
        if (graph.edges[e].to.node != node.id) continue;
        if (auto wired = wire_edge(g, e, planned_index.at(graph.edges[e].from.node), index, report);
            !wired) {
          return wired;
        }
      }
      derive_output_keys(index);
    }
    return graphs::Ok{};
  }

  std::size_t add_node(std::size_t g, std::size_t n, const graphs::ValidationReport& report) {
    const graphs::Graph& graph = plan_.graphs[g];
    const graphs::Node& node = graph.nodes[n];
    PlannedNode planned;
    planned.name = node_name(g, node);
    planned.graph_index = g;
    planned.node_index = n;
    planned.spec = *registry_.find(node.kind);
    planned.factory = *registry_.factory(node.kind);
    planned.source = std::holds_alternative<runtime::SourceFactory>(planned.factory);
    for (const graphs::PortSpec& port : planned.spec.outputs) {
      auto it = report.output_schemas.find({node.id, port.name});
      planned.output_schemas.push_back(it != report.output_schemas.end() ? it->second
                                                                         : graphs::Schema{});
    }
    // An input's schema is what its edges carry (the validator made all of them agree);
    // an unconnected optional input keeps an empty schema.
    for (const graphs::PortSpec& port : planned.spec.inputs) {
      graphs::Schema schema;
      for (std::size_t e = 0; e < graph.edges.size(); ++e) {
        const graphs::Edge& edge = graph.edges[e];
        if (edge.to.node != node.id || edge.to.port != port.name) continue;
        if (auto it = report.edge_schemas.find(e); it != report.edge_schemas.end()) {
          schema = it->second;
          break;
        }
      }
      planned.input_schemas.push_back(std::move(schema));
    }
    planned.input_keys.resize(planned.spec.inputs.size());

    const std::size_t index = plan_.nodes.size();
    std::vector<SchemaPtr> inputs;
    std::vector<SchemaPtr> outputs;
    for (const auto& s : planned.input_schemas)
      inputs.push_back(std::make_shared<graphs::Schema>(s));
    for (const auto& s : planned.output_schemas) {
      outputs.push_back(std::make_shared<graphs::Schema>(s));
    }
    const std::uint32_t parallelism = std::max<std::uint32_t>(node.parallelism, 1);
    for (std::uint32_t i = 0; i < parallelism; ++i) {
      PlannedTask task;
      task.node = index;
      task.spec.id = static_cast<TaskId>(plan_.tasks.size());
      task.spec.name = planned.name + "#" + std::to_string(i);
      task.spec.subtask_index = i;
      task.spec.parallelism = parallelism;
      task.spec.input_schemas = inputs;
      task.spec.output_schemas = outputs;
      task.spec.channels = options_.channels;
      planned.tasks.push_back(task.spec.id);
      plan_.tasks.push_back(std::move(task));
    }
    plan_.nodes.push_back(std::move(planned));
    output_keys_.emplace_back(plan_.nodes.back().spec.outputs.size());
    return index;
  }

  // A keying operator (key_by) only declares the keys; the partitioning happens on its output
  // edges. A forward edge out of it would leave every record on the instance it arrived on —
  // keyed by nothing — so such an edge is planned as a hash edge on the operator's keys,
  // which is what the user meant (and what the downstream keyed state relies on).
  graphs::Partitioning effective_partitioning(const graphs::Edge& edge, const PlannedNode& from,
                                              std::size_t from_port) const {
    graphs::Partitioning partitioning = edge.partitioning;
    const graphs::PortSpec& port = from.spec.outputs[from_port];
    const bool keying = port.kind == graphs::PortKind::Keyed && !port.keyed_by.empty();
    if (keying && partitioning.kind == PartitioningKind::Forward) {
      partitioning.kind = PartitioningKind::Hash;
      partitioning.key_fields = output_keys_[node_index(from)][from_port];
    }
    return partitioning;
  }

  std::size_t node_index(const PlannedNode& node) const {
    return static_cast<std::size_t>(&node - plan_.nodes.data());
  }

  graphs::Status wire_edge(std::size_t g, std::size_t e, std::size_t from_index,
                           std::size_t to_index, const graphs::ValidationReport& report) {
    const graphs::Edge& edge = plan_.graphs[g].edges[e];
    PlannedNode& to = plan_.nodes[to_index];
    const PlannedNode& from = plan_.nodes[from_index];
    const std::size_t from_port = port_index(from.spec.outputs, edge.from.port);
    const std::size_t to_port = port_index(to.spec.inputs, edge.to.port);
    const std::string where = graph_prefix(g) + "edge " + std::to_string(e) + " (" +
                              edge.from.node + "." + edge.from.port + " -> " + edge.to.node + "." +
                              edge.to.port + ")";
    const graphs::Partitioning partitioning = effective_partitioning(edge, from, from_port);

    std::vector<std::size_t> key_columns;
    if (partitioning.kind == PartitioningKind::Hash) {
      auto schema = report.edge_schemas.find(e);
      if (schema == report.edge_schemas.end()) {
        return graphs::Error{where + ": record schema unknown, cannot hash"};
      }
      if (partitioning.key_fields.empty()) {
        return graphs::Error{where + ": hash partitioning without key fields"};
      }
      for (const std::string& key : partitioning.key_fields) {
        auto column = std::find_if(schema->second.begin(), schema->second.end(),
                                   [&](const graphs::Field& f) { return f.name == key; });
        if (column == schema->second.end()) {
          return graphs::Error{where + ": hash key field '" + key + "' is not in the records"};
        }
        key_columns.push_back(static_cast<std::size_t>(column - schema->second.begin()));
      }
    }
    if (partitioning.kind == PartitioningKind::Forward && from.tasks.size() != to.tasks.size()) {
      return graphs::Error{where + ": forward partitioning needs equal parallelism"};
    }

    // Keys of a keyed input: the hash fields, or — when the stream arrives forward from an
    // output that is already partitioned by key — that output's keys.
    if (to.spec.inputs[to_port].kind == graphs::PortKind::Keyed && to.input_keys[to_port].empty()) {
      to.input_keys[to_port] = partitioning.kind == PartitioningKind::Hash
                                   ? partitioning.key_fields
                                   : output_keys_[from_index][from_port];
    }

    for (std::size_t i = 0; i < from.tasks.size(); ++i) {
      PlannedTask& sender = plan_.tasks[from.tasks[i]];
      OutputEdgeSpec out;
      out.output_port = static_cast<std::uint32_t>(from_port);
      out.partitioning = partitioning.kind;
      out.key_columns = key_columns;
      out.max_key_groups = options_.max_key_groups;
      std::vector<TaskId> receivers;
      if (partitioning.kind == PartitioningKind::Forward) {
        receivers.push_back(to.tasks[i]);
      } else {
        receivers = to.tasks;
      }
      for (TaskId receiver_id : receivers) {
        PlannedTask& receiver = plan_.tasks[receiver_id];
        const ChannelId id{sender.spec.id, static_cast<std::uint32_t>(from_port), receiver_id,
                           static_cast<std::uint32_t>(to_port)};
        const auto target_channel = static_cast<std::uint32_t>(receiver.spec.inputs.size());
        receiver.spec.inputs.push_back(InputChannelSpec{id});
        out.channels.push_back(OutputChannelSpec{id, target_channel});
        sender.targets.push_back(receiver_id);
      }
      sender.spec.outputs.push_back(std::move(out));
    }
    return graphs::Ok{};
  }

  // Which fields each keyed output is partitioned by: the parameter its keyed_by names; any other
  // keyed output keeps the keys of its keyed input while they survive in its schema (the same
  // rule the validator applies).
  void derive_output_keys(std::size_t index) {
    const PlannedNode& planned = plan_.nodes[index];
    const graphs::Node& node = plan_.node_of(planned);
    std::vector<std::string> input_keys;
    for (const auto& keys : planned.input_keys) {
      if (!keys.empty()) {
        input_keys = keys;
        break;
      }
    }
    for (std::size_t p = 0; p < planned.spec.outputs.size(); ++p) {
      if (planned.spec.outputs[p].kind != graphs::PortKind::Keyed) continue;
      if (const std::string& by = planned.spec.outputs[p].keyed_by; !by.empty()) {
        output_keys_[index][p] = string_list_parameter(node, planned.spec, by);
        continue;
      }
      const graphs::Schema& schema = planned.output_schemas[p];
      const bool survive = std::all_of(input_keys.begin(), input_keys.end(), [&](const auto& key) {
        return std::any_of(schema.begin(), schema.end(),
                           [&](const graphs::Field& f) { return f.name == key; });
      });
      if (survive) output_keys_[index][p] = input_keys;
    }
  }

  const runtime::OperatorRegistry& registry_;
  const PlanOptions& options_;
  PhysicalPlan plan_;
  std::vector<graphs::ValidationReport> reports_;
  std::map<std::string, std::size_t> id_uses_;
  std::vector<std::vector<std::vector<std::string>>> output_keys_;  // [node][output port]
};

}  // namespace

graphs::Result<PhysicalPlan> plan_job(std::vector<graphs::Graph> graphs,
                                      const runtime::OperatorRegistry& registry,
                                      const PlanOptions& options) {
  return Planner(registry, options).run(std::move(graphs));
}

}  // namespace rivulet::runtime
