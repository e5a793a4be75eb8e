#pragma once
// Every user edit is one of these QUndoCommands, pushed on the document's undo stack. Commands
// remember indices as well as values so that undo restores the graph exactly (same node and edge
// order), which keeps "undo, then save" byte-identical to the file before the edit.

#include <QString>
#include <QUndoCommand>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "graphs/graph.hpp"

namespace rivulet::editor {

class GraphDocument;

class AddNodeCommand : public QUndoCommand {
 public:
  AddNodeCommand(GraphDocument& document, graphs::Node node);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  graphs::Node node_;
  int index_ = -1;
};

// Removes nodes together with every edge touching them, plus any extra edges selected alone.
class RemoveItemsCommand : public QUndoCommand {
 public:
  RemoveItemsCommand(GraphDocument& document, const std::set<std::string>& node_ids,
                     const std::vector<int>& edge_indices);
  void redo() override;
  void undo() override;
  bool isEmpty() const { return nodes_.empty() && edges_.empty(); }

 private:
  GraphDocument& document_;
  std::vector<std::pair<int, graphs::Node>> nodes_;  // ascending index
  std::vector<std::pair<int, graphs::Edge>> edges_;  // ascending index
};

// Moves one or more nodes. Consecutive moves of the same set of nodes (dragging in steps, arrow
// keys) merge into one undo step; layouts never merge.
class MoveNodesCommand : public QUndoCommand {
 public:
  using Moves = std::vector<std::pair<std::string, graphs::Position>>;
  MoveNodesCommand(GraphDocument& document, Moves from, Moves to, bool mergeable = true);
  void redo() override;
  void undo() override;
  int id() const override { return mergeable_ ? 1 : -1; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  void apply(const Moves& moves);
  GraphDocument& document_;
  Moves from_;
  Moves to_;
  bool mergeable_;
};

class ConnectCommand : public QUndoCommand {
 public:
  ConnectCommand(GraphDocument& document, graphs::Edge edge);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  graphs::Edge edge_;
  int index_ = -1;
};

class SetParameterCommand : public QUndoCommand {
 public:
  SetParameterCommand(GraphDocument& document, std::string node_id, std::string name,
                      std::optional<graphs::Value> value);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  std::string node_id_;
  std::string name_;
  std::optional<graphs::Value> new_value_;
  // The whole list, so undo also restores the parameters' order (and so the saved bytes).
  std::vector<graphs::Parameter> old_parameters_;
  // Hash edges out of a keying output that followed its new keys (edge index, old partitioning).
  std::vector<std::pair<int, graphs::Partitioning>> followed_edges_;
};

// Replaces a node's whole parameter list: renaming or removing a parameter the catalog does not
// know (the inspector's "Unknown parameters" rows). `text` names the edit in the Edit menu.
class SetParametersCommand : public QUndoCommand {
 public:
  SetParametersCommand(GraphDocument& document, std::string node_id,
                       std::vector<graphs::Parameter> parameters, const QString& text);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  std::string node_id_;
  std::vector<graphs::Parameter> new_parameters_;
  std::vector<graphs::Parameter> old_parameters_;
};

// Gives a node another operator kind (an unknown kind fixed to a catalog one), keeping its id,
// label, position, parallelism, edges and every parameter: those the new kind takes become
// known, the others stay listed as unknown for the user to rename or remove. The node is
// re-added so the canvas draws the new kind's ports.
class ChangeKindCommand : public QUndoCommand {
 public:
  ChangeKindCommand(GraphDocument& document, std::string node_id, std::string kind);
  void redo() override;
  void undo() override;

 private:
  void replace(const std::string& kind);

  GraphDocument& document_;
  std::string node_id_;
  std::string new_kind_;
  std::string old_kind_;
};

// The graph's name, description and runtime configuration (the inspector's Graph page).
struct GraphSettings {
  std::string name;
  std::string description;
  graphs::RuntimeConfig runtime;
  bool operator==(const GraphSettings&) const = default;
};

class SetGraphSettingsCommand : public QUndoCommand {
 public:
  SetGraphSettingsCommand(GraphDocument& document, GraphSettings settings);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  GraphSettings new_settings_;
  GraphSettings old_settings_;
};

class SetLabelCommand : public QUndoCommand {
 public:
  SetLabelCommand(GraphDocument& document, std::string node_id, std::string label);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  std::string node_id_;
  std::string new_label_;
  std::string old_label_;
};

class SetParallelismCommand : public QUndoCommand {
 public:
  SetParallelismCommand(GraphDocument& document, std::string node_id, std::uint32_t parallelism);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  std::string node_id_;
  std::uint32_t new_value_;
  std::uint32_t old_value_;
};

class SetPartitioningCommand : public QUndoCommand {
 public:
  SetPartitioningCommand(GraphDocument& document, int edge_index,
                         graphs::Partitioning partitioning);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  int edge_index_;
  graphs::Partitioning new_value_;
  graphs::Partitioning old_value_;
};

// Adds a batch of nodes and edges (paste, duplicate) as one step.
class PasteCommand : public QUndoCommand {
 public:
  PasteCommand(GraphDocument& document, std::vector<graphs::Node> nodes,
               std::vector<graphs::Edge> edges);
  void redo() override;
  void undo() override;

 private:
  GraphDocument& document_;
  std::vector<graphs::Node> nodes_;
  std::vector<graphs::Edge> edges_;
};

}  // namespace rivulet::editor
