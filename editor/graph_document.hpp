#pragma once
// The editor's document: owns the graphs::Graph being edited and announces every change with a
// fine-grained signal, so the scene, inspector and validation observe it without knowing who
// changed it. It knows nothing of painting. The mutators below are the primitive operations the
// undo commands (commands.hpp) are built from; user-facing code pushes commands on undoStack()
// instead of calling them, so that every edit can be undone.

#include <QObject>
#include <QString>
#include <QUndoStack>
#include <optional>
#include <string>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor {

class GraphDocument : public QObject {
  Q_OBJECT
 public:
  explicit GraphDocument(graphs::Catalog catalog, QObject* parent = nullptr);

  const graphs::Graph& graph() const { return graph_; }
  const graphs::Catalog& catalog() const { return catalog_; }
  QUndoStack* undoStack() { return &undo_stack_; }

  // Replaces the whole graph (new, open, revert): not undoable, clears the undo history.
  void reset(graphs::Graph graph);
  // Replaces the catalog (e.g. a node's, plugins included): the views rebuild as after reset();
  // the graph and its undo history stay.
  void setCatalog(graphs::Catalog catalog);

  // File bookkeeping; "modified" is the undo stack not being at its clean index.
  const QString& filePath() const { return file_path_; }
  void setFilePath(const QString& path);
  bool isModified() const { return !undo_stack_.isClean(); }

  const graphs::OperatorSpec* spec(const std::string& node_id) const;
  // An id not used by any node, derived from the operator kind ("filter_3").
  std::string uniqueNodeId(const std::string& kind) const;
  // Index into graph().edges of the edge with these endpoints, or -1.
  int edgeIndex(const graphs::Endpoint& from, const graphs::Endpoint& to) const;
  int nodeIndex(const std::string& id) const;
  // A fresh node of `kind` with the catalog defaults filled in, so it validates where it can.
  graphs::Node makeNode(const std::string& kind, graphs::Position position) const;

  // --- primitives used by the undo commands ---------------------------------------------------
  void insertNode(int index, graphs::Node node);
  graphs::Node removeNodeAt(int index);  // the node's edges must be gone already
  void insertEdge(int index, graphs::Edge edge);
  graphs::Edge removeEdgeAt(int index);
  void setPosition(const std::string& id, graphs::Position position);
  // nullopt removes the parameter (back to the catalog default).
  void setParameter(const std::string& id, const std::string& name,
                    std::optional<graphs::Value> value);
  void setParameters(const std::string& id, std::vector<graphs::Parameter> parameters);
  void setLabel(const std::string& id, const std::string& label);
  void setParallelism(const std::string& id, std::uint32_t parallelism);
  void setPartitioning(int edge_index, graphs::Partitioning partitioning);
  // Graph-level settings: name, description and the runtime configuration.
  void setSettings(std::string name, std::string description, graphs::RuntimeConfig runtime);

 signals:
  void graphReset();
  void nodeAdded(const QString& id);
  void nodeAboutToBeRemoved(const QString& id);
  void nodeChanged(const QString& id);  // label, parameters, parallelism
  void nodeMoved(const QString& id);
  void edgeAdded(int index);
  void edgeAboutToBeRemoved(int index);
  void edgeChanged(int index);
  void settingsChanged();  // name, description, runtime configuration
  // After any change at all: the trigger for (debounced) validation.
  void changed();
  void filePathChanged(const QString& path);

 private:
  graphs::Node* node(const std::string& id);

  graphs::Catalog catalog_;
  graphs::Graph graph_;
  QUndoStack undo_stack_;
  QString file_path_;
};

}  // namespace rivulet::editor
