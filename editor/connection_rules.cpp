#include "editor/connection_rules.hpp"

#include <set>
#include <string>
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

}  // namespace

std::optional<QString> connectionRefusal(const graphs::Graph& graph,
                                         const graphs::Catalog& catalog,
                                         const graphs::Endpoint& from,
                                         const graphs::Endpoint& to) {
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
