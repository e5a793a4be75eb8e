#include "editor/commands.hpp"

#include <QObject>
#include <algorithm>

#include "editor/connection_rules.hpp"
#include "editor/graph_document.hpp"
#include "graphs/parameter_conditions.hpp"

namespace rivulet::editor {

AddNodeCommand::AddNodeCommand(GraphDocument& document, graphs::Node node)
    : document_(document), node_(std::move(node)) {
  setText(QObject::tr("Add %1").arg(QString::fromStdString(node_.kind)));
}

void AddNodeCommand::redo() {
  index_ = static_cast<int>(document_.graph().nodes.size());
  document_.insertNode(index_, node_);
}

void AddNodeCommand::undo() { node_ = document_.removeNodeAt(index_); }

RemoveItemsCommand::RemoveItemsCommand(GraphDocument& document,
                                       const std::set<std::string>& node_ids,
                                       const std::vector<int>& edge_indices)
    : document_(document) {
  const graphs::Graph& g = document.graph();
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (node_ids.count(g.nodes[i].id)) nodes_.emplace_back(static_cast<int>(i), g.nodes[i]);
  }
  std::set<int> extra(edge_indices.begin(), edge_indices.end());
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const graphs::Edge& e = g.edges[i];
    if (extra.count(static_cast<int>(i)) || node_ids.count(e.from.node) ||
        node_ids.count(e.to.node)) {
      edges_.emplace_back(static_cast<int>(i), e);
    }
  }
  setText(QObject::tr("Delete"));
}

void RemoveItemsCommand::redo() {
  // Edges first (a node never dangles an edge), each list from the back so indices stay valid.
  for (auto it = edges_.rbegin(); it != edges_.rend(); ++it) document_.removeEdgeAt(it->first);
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) document_.removeNodeAt(it->first);
}

void RemoveItemsCommand::undo() {
  for (const auto& [index, node] : nodes_) document_.insertNode(index, node);
  for (const auto& [index, edge] : edges_) document_.insertEdge(index, edge);
}

MoveNodesCommand::MoveNodesCommand(GraphDocument& document, Moves from, Moves to, bool mergeable)
    : document_(document), from_(std::move(from)), to_(std::move(to)), mergeable_(mergeable) {
  setText(mergeable ? QObject::tr("Move") : QObject::tr("Auto layout"));
}

void MoveNodesCommand::apply(const Moves& moves) {
  for (const auto& [id, position] : moves) document_.setPosition(id, position);
}

void MoveNodesCommand::redo() { apply(to_); }
void MoveNodesCommand::undo() { apply(from_); }

bool MoveNodesCommand::mergeWith(const QUndoCommand* other) {
  const auto* move = static_cast<const MoveNodesCommand*>(other);
  auto ids = [](const Moves& moves) {
    std::set<std::string> out;
    for (const auto& m : moves) out.insert(m.first);
    return out;
  };
  if (!move->mergeable_ || ids(move->to_) != ids(to_)) return false;
  to_ = move->to_;  // keep our original `from_`
  return true;
}

ConnectCommand::ConnectCommand(GraphDocument& document, graphs::Edge edge)
    : document_(document), edge_(std::move(edge)) {
  setText(QObject::tr("Connect"));
}

void ConnectCommand::redo() {
  index_ = static_cast<int>(document_.graph().edges.size());
  document_.insertEdge(index_, edge_);
}

void ConnectCommand::undo() { document_.removeEdgeAt(index_); }

SetParameterCommand::SetParameterCommand(GraphDocument& document, std::string node_id,
                                         std::string name, std::optional<graphs::Value> value)
    : document_(document),
      node_id_(std::move(node_id)),
      name_(std::move(name)),
      new_value_(std::move(value)) {
  if (const graphs::Node* n = document.graph().node(node_id_)) old_parameters_ = n->parameters;
  setText(QObject::tr("Set %1").arg(QString::fromStdString(name_)));
}

void SetParameterCommand::redo() {
  // Hash edges out of a keying output (key_by's) that hash on its keys, as a new connection
  // starts (connection_rules.hpp): they follow a change of those keys in the same step.
  std::vector<int> following;
  if (const graphs::Node* before = document_.graph().node(node_id_)) {
    const graphs::OperatorSpec* spec = document_.catalog().find(before->kind);
    const auto& edges = document_.graph().edges;
    for (const auto& port : spec ? spec->outputs : std::vector<graphs::PortSpec>{}) {
      if (port.keyed_by != name_) continue;
      const graphs::Endpoint from{node_id_, port.name};
      const std::vector<std::string> keys =
          upstreamKeys(document_.graph(), document_.catalog(), from);
      for (int i = 0; i < static_cast<int>(edges.size()); ++i) {
        if (edges[i].from == from && edges[i].partitioning.kind == graphs::PartitioningKind::Hash &&
            !keys.empty() && edges[i].partitioning.key_fields == keys) {
          following.push_back(i);
        }
      }
    }
  }
  document_.setParameter(node_id_, name_, new_value_);
  // Settings the new value switches off (slide once window = tumbling) leave with it, so the
  // saved graph holds only what the operator uses; undo brings them back (old_parameters_).
  const graphs::Node* n = document_.graph().node(node_id_);
  const graphs::OperatorSpec* spec = n ? document_.catalog().find(n->kind) : nullptr;
  if (!spec) return;
  std::vector<graphs::Parameter> kept = graphs::without_inapplicable(*spec, n->parameters);
  if (kept.size() != n->parameters.size()) document_.setParameters(node_id_, std::move(kept));
  followed_edges_.clear();
  for (int i : following) {
    const graphs::Edge& edge = document_.graph().edges[i];
    std::vector<std::string> keys = upstreamKeys(document_.graph(), document_.catalog(), edge.from);
    if (keys.empty()) continue;  // no keys now: the edge keeps what it had (the validator says)
    followed_edges_.emplace_back(i, edge.partitioning);
    document_.setPartitioning(i, {graphs::PartitioningKind::Hash, std::move(keys)});
  }
}

void SetParameterCommand::undo() {
  for (auto it = followed_edges_.rbegin(); it != followed_edges_.rend(); ++it) {
    document_.setPartitioning(it->first, it->second);
  }
  document_.setParameters(node_id_, old_parameters_);
}

SetParametersCommand::SetParametersCommand(GraphDocument& document, std::string node_id,
                                           std::vector<graphs::Parameter> parameters,
                                           const QString& text)
    : document_(document), node_id_(std::move(node_id)), new_parameters_(std::move(parameters)) {
  if (const graphs::Node* n = document.graph().node(node_id_)) old_parameters_ = n->parameters;
  setText(text);
}

void SetParametersCommand::redo() { document_.setParameters(node_id_, new_parameters_); }
void SetParametersCommand::undo() { document_.setParameters(node_id_, old_parameters_); }

ChangeKindCommand::ChangeKindCommand(GraphDocument& document, std::string node_id, std::string kind)
    : document_(document), node_id_(std::move(node_id)), new_kind_(std::move(kind)) {
  if (const graphs::Node* n = document.graph().node(node_id_)) old_kind_ = n->kind;
  setText(QObject::tr("Change kind to %1").arg(QString::fromStdString(new_kind_)));
}

void ChangeKindCommand::redo() { replace(new_kind_); }
void ChangeKindCommand::undo() { replace(old_kind_); }

// Out with the node's edges (last first), out and in with the node, the edges back at their
// indices: the graph keeps its order, so undo leaves the saved bytes as they were.
void ChangeKindCommand::replace(const std::string& kind) {
  const int index = document_.nodeIndex(node_id_);
  if (index < 0) return;
  const auto& edges = document_.graph().edges;
  std::vector<std::pair<int, graphs::Edge>> attached;
  for (int i = static_cast<int>(edges.size()) - 1; i >= 0; --i) {
    if (edges[i].from.node == node_id_ || edges[i].to.node == node_id_) {
      attached.emplace_back(i, document_.removeEdgeAt(i));
    }
  }
  graphs::Node node = document_.removeNodeAt(index);
  node.kind = kind;
  document_.insertNode(index, std::move(node));
  for (auto it = attached.rbegin(); it != attached.rend(); ++it) {
    document_.insertEdge(it->first, it->second);
  }
}

SetGraphSettingsCommand::SetGraphSettingsCommand(GraphDocument& document, GraphSettings settings)
    : document_(document),
      new_settings_(std::move(settings)),
      old_settings_{document.graph().name, document.graph().description, document.graph().runtime} {
  setText(QObject::tr("Change graph settings"));
}

void SetGraphSettingsCommand::redo() {
  document_.setSettings(new_settings_.name, new_settings_.description, new_settings_.runtime);
}
void SetGraphSettingsCommand::undo() {
  document_.setSettings(old_settings_.name, old_settings_.description, old_settings_.runtime);
}

SetLabelCommand::SetLabelCommand(GraphDocument& document, std::string node_id, std::string label)
    : document_(document), node_id_(std::move(node_id)), new_label_(std::move(label)) {
  if (const graphs::Node* n = document.graph().node(node_id_)) old_label_ = n->label;
  setText(QObject::tr("Rename"));
}

void SetLabelCommand::redo() { document_.setLabel(node_id_, new_label_); }
void SetLabelCommand::undo() { document_.setLabel(node_id_, old_label_); }

SetParallelismCommand::SetParallelismCommand(GraphDocument& document, std::string node_id,
                                             std::uint32_t parallelism)
    : document_(document), node_id_(std::move(node_id)), new_value_(parallelism), old_value_(1) {
  if (const graphs::Node* n = document.graph().node(node_id_)) old_value_ = n->parallelism;
  setText(QObject::tr("Set parallelism"));
}

void SetParallelismCommand::redo() { document_.setParallelism(node_id_, new_value_); }
void SetParallelismCommand::undo() { document_.setParallelism(node_id_, old_value_); }

SetPartitioningCommand::SetPartitioningCommand(GraphDocument& document, int edge_index,
                                               graphs::Partitioning partitioning)
    : document_(document),
      edge_index_(edge_index),
      new_value_(std::move(partitioning)),
      old_value_(document.graph().edges.at(edge_index).partitioning) {
  setText(QObject::tr("Set partitioning"));
}

void SetPartitioningCommand::redo() { document_.setPartitioning(edge_index_, new_value_); }
void SetPartitioningCommand::undo() { document_.setPartitioning(edge_index_, old_value_); }

PasteCommand::PasteCommand(GraphDocument& document, std::vector<graphs::Node> nodes,
                           std::vector<graphs::Edge> edges)
    : document_(document), nodes_(std::move(nodes)), edges_(std::move(edges)) {
  setText(QObject::tr("Paste"));
}

void PasteCommand::redo() {
  for (const auto& n : nodes_) {
    document_.insertNode(static_cast<int>(document_.graph().nodes.size()), n);
  }
  for (const auto& e : edges_) {
    document_.insertEdge(static_cast<int>(document_.graph().edges.size()), e);
  }
}

void PasteCommand::undo() {
  // Pasted items sit at the end of both lists.
  for (std::size_t i = 0; i < edges_.size(); ++i) {
    document_.removeEdgeAt(static_cast<int>(document_.graph().edges.size()) - 1);
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    document_.removeNodeAt(static_cast<int>(document_.graph().nodes.size()) - 1);
  }
}

}  // namespace rivulet::editor
