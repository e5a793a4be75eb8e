#include "editor/connection_rules.hpp"

#include <set>
#include <string>
#include <variant>
#include <vector>

namespace rivulet::editor {
namespace {

// True when `target` can already reach `start` (so an edge start → target closes a cycle).
bool reaches(const graphs::Graph& graph, const std::string& start, const std::string& target) {
  std::vector<std::string> stack{target};
  std::set<std::string> seen;
  while (!stack.empty()) {
    std::string id = stack.back();
    stack.pop_back();
    if (id == start) return true;
    if (!seen.insert(id).second) continue;
    for (const auto& e : graph.edges) {
      if (e.from.node == id) stack.push_back(e.to.node);
    }
  }
  return false;
}

std::vector<std::string> keysOf(const graphs::Graph& graph, const graphs::Catalog& catalog,
                                const graphs::Endpoint& output, std::set<std::string>& visited) {
  if (!visited.insert(output.node).second) return {};  // a cycle (reported elsewhere)
  const graphs::Node* node = graph.node(output.node);
  const graphs::OperatorSpec* spec = node ? catalog.find(node->kind) : nullptr;
  const graphs::PortSpec* port = spec ? spec->output(output.port) : nullptr;
  if (!port || port->kind != graphs::PortKind::Keyed) return {};
  if (!port->keyed_by.empty()) {
    const graphs::Value* value = node->parameter(port->keyed_by);
    if (!value) {
      const graphs::ParameterSpec* p = spec->parameter(port->keyed_by);
      value = p && p->default_value ? &*p->default_value : nullptr;
    }
    if (value && std::holds_alternative<graphs::StringList>(*value)) {
      return std::get<graphs::StringList>(*value);
    }
    return {};
  }
  // A keyed output without keyed_by keeps the keys of its keyed input.
  for (const auto& input : spec->inputs) {
    if (input.kind != graphs::PortKind::Keyed) continue;
    for (const auto& e : graph.edges) {
      if (e.to != graphs::Endpoint{node->id, input.name}) continue;
      if (e.partitioning.kind == graphs::PartitioningKind::Hash) return e.partitioning.key_fields;
      return keysOf(graph, catalog, e.from, visited);
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> upstreamKeys(const graphs::Graph& graph, const graphs::Catalog& catalog,
                                      const graphs::Endpoint& output) {
  std::set<std::string> visited;
  return keysOf(graph, catalog, output, visited);
}

graphs::Partitioning defaultPartitioning(const graphs::Graph& graph, const graphs::Catalog& catalog,
                                         const graphs::Endpoint& from, const graphs::Endpoint& to) {
  graphs::Partitioning partitioning;
  const graphs::Node* target = graph.node(to.node);
  const graphs::OperatorSpec* spec = target ? catalog.find(target->kind) : nullptr;
  const graphs::PortSpec* in = spec ? spec->input(to.port) : nullptr;
  if (!in || in->kind != graphs::PortKind::Keyed) return partitioning;
  std::vector<std::string> keys = upstreamKeys(graph, catalog, from);
  if (keys.empty()) return partitioning;
  partitioning.kind = graphs::PartitioningKind::Hash;
  partitioning.key_fields = std::move(keys);
  return partitioning;
}

std::optional<QString> connectionRefusal(const graphs::Graph& graph, const graphs::Catalog& catalog,
                                         const graphs::Endpoint& from, const graphs::Endpoint& to) {
  const graphs::Node* source = graph.node(from.node);
  const graphs::Node* target = graph.node(to.node);
  if (!source || !target) return QObject::tr("unknown node");
  if (from.node == to.node) return QObject::tr("a node cannot feed itself");
  const graphs::OperatorSpec* source_spec = catalog.find(source->kind);
  const graphs::OperatorSpec* target_spec = catalog.find(target->kind);
  if (!source_spec || !target_spec) return QObject::tr("operator kind not in the catalog");
  const graphs::PortSpec* out = source_spec->output(from.port);
  const graphs::PortSpec* in = target_spec->input(to.port);
  if (!out || !in) return QObject::tr("connect an output port to an input port");
  if (in->kind == graphs::PortKind::Keyed && out->kind != graphs::PortKind::Keyed) {
    return QObject::tr("input '%1' of %2 needs a keyed stream; add a key_by before it")
        .arg(QString::fromStdString(to.port), QString::fromStdString(to.node));
  }
  for (const auto& e : graph.edges) {
    if (e.from == from && e.to == to) return QObject::tr("these ports are already connected");
  }
  if (reaches(graph, from.node, to.node)) return QObject::tr("this connection would form a cycle");
  return std::nullopt;
}

}  // namespace rivulet::editor
