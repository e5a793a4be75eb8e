#include "editor/graph_document.hpp"

#include <algorithm>
#include <utility>

namespace rivulet::editor {

GraphDocument::GraphDocument(graphs::Catalog catalog, QObject* parent)
    : QObject(parent), catalog_(std::move(catalog)) {}

void GraphDocument::reset(graphs::Graph graph) {
  undo_stack_.clear();
  graph_ = std::move(graph);
  emit graphReset();
  emit changed();
}

void GraphDocument::setCatalog(graphs::Catalog catalog) {
  catalog_ = std::move(catalog);
  emit graphReset();  // node items hold specs of the old catalog: they are rebuilt
  emit changed();
}

void GraphDocument::setFilePath(const QString& path) {
  file_path_ = path;
  emit filePathChanged(path);
}

const graphs::OperatorSpec* GraphDocument::spec(const std::string& node_id) const {
  const graphs::Node* n = graph_.node(node_id);
  return n ? catalog_.find(n->kind) : nullptr;
}

std::string GraphDocument::uniqueNodeId(const std::string& kind) const {
  for (int i = 1;; ++i) {
    std::string id = kind + "_" + std::to_string(i);
    if (!graph_.node(id)) return id;
  }
}

int GraphDocument::edgeIndex(const graphs::Endpoint& from, const graphs::Endpoint& to) const {
  for (std::size_t i = 0; i < graph_.edges.size(); ++i) {
    if (graph_.edges[i].from == from && graph_.edges[i].to == to) return static_cast<int>(i);
  }
  return -1;
}

int GraphDocument::nodeIndex(const std::string& id) const {
  for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
    if (graph_.nodes[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

graphs::Node GraphDocument::makeNode(const std::string& kind, graphs::Position position) const {
  graphs::Node node;
  node.id = uniqueNodeId(kind);
  node.kind = kind;
  node.position = position;
  // Defaults are not written into the node: the validator applies them, and leaving them out
  // keeps saved graphs small and lets a catalog update change a default.
  return node;
}

graphs::Node* GraphDocument::node(const std::string& id) { return graph_.node(id); }

void GraphDocument::insertNode(int index, graphs::Node node) {
  index = std::clamp(index, 0, static_cast<int>(graph_.nodes.size()));
  const QString id = QString::fromStdString(node.id);
  graph_.nodes.insert(graph_.nodes.begin() + index, std::move(node));
  emit nodeAdded(id);
  emit changed();
}

graphs::Node GraphDocument::removeNodeAt(int index) {
  emit nodeAboutToBeRemoved(QString::fromStdString(graph_.nodes.at(index).id));
  graphs::Node node = std::move(graph_.nodes[index]);
  graph_.nodes.erase(graph_.nodes.begin() + index);
  emit changed();
  return node;
}

void GraphDocument::insertEdge(int index, graphs::Edge edge) {
  index = std::clamp(index, 0, static_cast<int>(graph_.edges.size()));
  graph_.edges.insert(graph_.edges.begin() + index, std::move(edge));
  emit edgeAdded(index);
  emit changed();
}

graphs::Edge GraphDocument::removeEdgeAt(int index) {
  emit edgeAboutToBeRemoved(index);
  graphs::Edge edge = std::move(graph_.edges.at(index));
  graph_.edges.erase(graph_.edges.begin() + index);
  emit changed();
  return edge;
}

void GraphDocument::setPosition(const std::string& id, graphs::Position position) {
  if (graphs::Node* n = node(id)) {
    n->position = position;
    emit nodeMoved(QString::fromStdString(id));
    emit changed();
  }
}

void GraphDocument::setParameter(const std::string& id, const std::string& name,
                                 std::optional<graphs::Value> value) {
  graphs::Node* n = node(id);
  if (!n) return;
  if (value) {
    n->set_parameter(name, std::move(*value));
  } else {
    std::erase_if(n->parameters, [&](const graphs::Parameter& p) { return p.name == name; });
  }
  emit nodeChanged(QString::fromStdString(id));
  emit changed();
}

void GraphDocument::setParameters(const std::string& id,
                                  std::vector<graphs::Parameter> parameters) {
  if (graphs::Node* n = node(id)) {
    n->parameters = std::move(parameters);
    emit nodeChanged(QString::fromStdString(id));
    emit changed();
  }
}

void GraphDocument::setLabel(const std::string& id, const std::string& label) {
  if (graphs::Node* n = node(id)) {
    n->label = label;
    emit nodeChanged(QString::fromStdString(id));
    emit changed();
  }
}

void GraphDocument::setParallelism(const std::string& id, std::uint32_t parallelism) {
  if (graphs::Node* n = node(id)) {
    n->parallelism = parallelism;
    emit nodeChanged(QString::fromStdString(id));
    emit changed();
  }
}

void GraphDocument::setPartitioning(int edge_index, graphs::Partitioning partitioning) {
  graph_.edges.at(edge_index).partitioning = std::move(partitioning);
  emit edgeChanged(edge_index);
  emit changed();
}

void GraphDocument::setSettings(std::string name, std::string description,
                                graphs::RuntimeConfig runtime) {
  graph_.name = std::move(name);
  graph_.description = std::move(description);
  graph_.runtime = std::move(runtime);
  emit settingsChanged();
  emit changed();
}

}  // namespace rivulet::editor
