#pragma once
// The canvas contents: observes a GraphDocument and keeps one NodeItem per node and one EdgeItem
// per edge in step with it. User gestures on the canvas (dropping an operator from the palette,
// dragging nodes, dragging from port to port) become undo commands on the document; the items
// then follow the document's signals, so undo/redo and direct edits look the same.

#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "editor/node_item.hpp"
#include "graphs/validator.hpp"

namespace rivulet::editor {

class EdgeItem;
class GraphDocument;

// The MIME type the palette drags: the operator kind as UTF-8.
inline constexpr char kOperatorMimeType[] = "application/x-rivulet-operator";

class GraphScene : public QGraphicsScene {
  Q_OBJECT
 public:
  static constexpr double kGridSize = 20;

  explicit GraphScene(GraphDocument& document, QObject* parent = nullptr);

  GraphDocument& document() { return document_; }
  NodeItem* nodeItem(const std::string& id) const;
  EdgeItem* edgeItem(int index) const;
  int edgeIndex(const EdgeItem* item) const;  // -1 when not one of ours
  // The topmost node or edge at a point (not transient items such as the connection line).
  QGraphicsItem* graphItemAt(const QPointF& scene_pos) const;

  bool snapToGrid() const { return snap_to_grid_; }
  void setSnapToGrid(bool on) { snap_to_grid_ = on; }
  // True while items follow the document; such moves are neither snapped nor recorded.
  bool syncing() const { return syncing_; }

  std::set<std::string> selectedNodeIds() const;
  std::vector<int> selectedEdgeIndices() const;
  void selectOnly(const std::string& node_id);
  void selectEdge(int index);

  // Adds a node of `kind` at a scene position (the palette drop and the context menu).
  void addOperator(const std::string& kind, const QPointF& scene_pos);
  // Badges, edge colours and edge schema tooltips from a validation report.
  void applyReport(const graphs::ValidationReport& report);

  // Called by NodeItem while it moves, to drag the attached edges along.
  void nodeItemMoved(const NodeItem& item);

 signals:
  // A connection gesture that the rules refused, with the reason (shown in the status bar).
  void connectionRefused(const QString& reason);
  void contextMenuRequested(const QPoint& screen_pos, const QPointF& scene_pos);

 protected:
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
  void dragEnterEvent(QGraphicsSceneDragDropEvent* event) override;
  void dragMoveEvent(QGraphicsSceneDragDropEvent* event) override;
  void dropEvent(QGraphicsSceneDragDropEvent* event) override;
  void contextMenuEvent(QGraphicsSceneContextMenuEvent* event) override;

 private:
  void rebuild();
  void onNodeAdded(const QString& id);
  void onNodeAboutToBeRemoved(const QString& id);
  void onNodeChanged(const QString& id);
  void onNodeMoved(const QString& id);
  void onEdgeAdded(int index);
  void onEdgeAboutToBeRemoved(int index);
  void updateEdgeGeometry(int index);
  std::optional<PortRef> portAt(const QPointF& scene_pos) const;
  void clearPortHighlights();
  // Canonical (output, input) order of a connection gesture from `a` to `b`, or nullopt.
  std::optional<std::pair<graphs::Endpoint, graphs::Endpoint>> orient(const PortRef& a,
                                                                      const PortRef& b) const;
  void commitMoves();

  GraphDocument& document_;
  std::map<std::string, NodeItem*> nodes_;
  std::vector<EdgeItem*> edges_;  // parallel to graph().edges
  bool snap_to_grid_ = false;
  bool syncing_ = false;          // true while items follow the document (not a user move)
  std::optional<PortRef> drag_from_;
  QGraphicsPathItem* drag_line_ = nullptr;
  NodeItem* highlighted_ = nullptr;
};

}  // namespace rivulet::editor
