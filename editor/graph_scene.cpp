#include "editor/graph_scene.hpp"

#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QMimeData>
#include <QPen>
#include <cmath>

#include "editor/commands.hpp"
#include "editor/connection_rules.hpp"
#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/schema_text.hpp"

namespace rivulet::editor {

GraphScene::GraphScene(GraphDocument& document, QObject* parent)
    : QGraphicsScene(parent), document_(document) {
  // Items are created and removed often; the BSP index costs more than it saves here.
  setItemIndexMethod(QGraphicsScene::NoIndex);
  connect(&document_, &GraphDocument::graphReset, this, &GraphScene::rebuild);
  connect(&document_, &GraphDocument::nodeAdded, this, &GraphScene::onNodeAdded);
  connect(&document_, &GraphDocument::nodeAboutToBeRemoved, this,
          &GraphScene::onNodeAboutToBeRemoved);
  connect(&document_, &GraphDocument::nodeChanged, this, &GraphScene::onNodeChanged);
  connect(&document_, &GraphDocument::nodeMoved, this, &GraphScene::onNodeMoved);
  connect(&document_, &GraphDocument::edgeAdded, this, &GraphScene::onEdgeAdded);
  connect(&document_, &GraphDocument::edgeAboutToBeRemoved, this,
          &GraphScene::onEdgeAboutToBeRemoved);
  connect(&document_, &GraphDocument::edgeChanged, this, [this](int index) {
    if (EdgeItem* item = edgeItem(index)) {
      item->setPartitioning(document_.graph().edges.at(index).partitioning);
    }
  });
  rebuild();
}

NodeItem* GraphScene::nodeItem(const std::string& id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second;
}

EdgeItem* GraphScene::edgeItem(int index) const {
  return index >= 0 && index < static_cast<int>(edges_.size()) ? edges_[index] : nullptr;
}

int GraphScene::edgeIndex(const EdgeItem* item) const {
  for (std::size_t i = 0; i < edges_.size(); ++i) {
    if (edges_[i] == item) return static_cast<int>(i);
  }
  return -1;
}

QGraphicsItem* GraphScene::graphItemAt(const QPointF& scene_pos) const {
  for (QGraphicsItem* item : items(scene_pos)) {  // topmost first; shapes, not bounding boxes
    if (qgraphicsitem_cast<NodeItem*>(item) || qgraphicsitem_cast<EdgeItem*>(item)) return item;
  }
  return nullptr;
}

void GraphScene::rebuild() {
  drag_from_.reset();
  drag_line_ = nullptr;
  highlighted_ = nullptr;
  clear();
  nodes_.clear();
  edges_.clear();
  const graphs::Graph& g = document_.graph();
  for (const auto& n : g.nodes) onNodeAdded(QString::fromStdString(n.id));
  for (std::size_t i = 0; i < g.edges.size(); ++i) onEdgeAdded(static_cast<int>(i));
}

void GraphScene::onNodeAdded(const QString& qid) {
  const std::string id = qid.toStdString();
  const graphs::Node* node = document_.graph().node(id);
  if (!node) return;
  auto* item = new NodeItem(*node, document_.catalog().find(node->kind));  // owned by the scene
  syncing_ = true;
  addItem(item);
  item->setPos(node->position.x, node->position.y);
  syncing_ = false;
  nodes_[id] = item;
}

void GraphScene::onNodeAboutToBeRemoved(const QString& qid) {
  auto it = nodes_.find(qid.toStdString());
  if (it == nodes_.end()) return;
  if (highlighted_ == it->second) highlighted_ = nullptr;
  delete it->second;  // removes it from the scene
  nodes_.erase(it);
}

void GraphScene::onNodeChanged(const QString& qid) {
  const std::string id = qid.toStdString();
  NodeItem* item = nodeItem(id);
  const graphs::Node* node = document_.graph().node(id);
  // A summary that gained or lost a line moves the ports: the edges follow.
  if (item && node && item->setNode(*node)) nodeItemMoved(*item);
}

void GraphScene::onNodeMoved(const QString& qid) {
  const std::string id = qid.toStdString();
  NodeItem* item = nodeItem(id);
  const graphs::Node* node = document_.graph().node(id);
  if (!item || !node) return;
  syncing_ = true;
  item->setPos(node->position.x, node->position.y);
  syncing_ = false;
}

void GraphScene::onEdgeAdded(int index) {
  auto* item = new EdgeItem();
  addItem(item);
  edges_.insert(edges_.begin() + index, item);
  item->setPartitioning(document_.graph().edges.at(index).partitioning);
  updateEdgeGeometry(index);
}

void GraphScene::onEdgeAboutToBeRemoved(int index) {
  delete edges_.at(index);
  edges_.erase(edges_.begin() + index);
}

void GraphScene::updateEdgeGeometry(int index) {
  const graphs::Edge& e = document_.graph().edges.at(index);
  NodeItem* from = nodeItem(e.from.node);
  NodeItem* to = nodeItem(e.to.node);
  if (!from || !to) return;
  edges_[index]->setEnds(from->portScenePos(e.from.port, true), to->portScenePos(e.to.port, false));
}

void GraphScene::nodeItemMoved(const NodeItem& item) {
  const auto& edges = document_.graph().edges;
  for (std::size_t i = 0; i < edges.size() && i < edges_.size(); ++i) {
    if (edges[i].from.node == item.id() || edges[i].to.node == item.id()) {
      updateEdgeGeometry(static_cast<int>(i));
    }
  }
}

std::set<std::string> GraphScene::selectedNodeIds() const {
  std::set<std::string> ids;
  for (QGraphicsItem* item : selectedItems()) {
    if (auto* node = qgraphicsitem_cast<NodeItem*>(item)) ids.insert(node->id());
  }
  return ids;
}

std::vector<int> GraphScene::selectedEdgeIndices() const {
  std::vector<int> out;
  for (std::size_t i = 0; i < edges_.size(); ++i) {
    if (edges_[i]->isSelected()) out.push_back(static_cast<int>(i));
  }
  return out;
}

void GraphScene::selectOnly(const std::string& node_id) {
  clearSelection();
  if (NodeItem* item = nodeItem(node_id)) item->setSelected(true);
}

void GraphScene::selectEdge(int index) {
  clearSelection();
  if (EdgeItem* item = edgeItem(index)) item->setSelected(true);
}

void GraphScene::addOperator(const std::string& kind, const QPointF& scene_pos) {
  if (!document_.catalog().find(kind)) return;
  QPointF p = scene_pos - QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight / 2);
  if (snap_to_grid_) {
    p = QPointF(std::round(p.x() / kGridSize) * kGridSize,
                std::round(p.y() / kGridSize) * kGridSize);
  }
  graphs::Node node = document_.makeNode(kind, {p.x(), p.y()});
  const std::string id = node.id;
  document_.undoStack()->push(new AddNodeCommand(document_, std::move(node)));
  selectOnly(id);  // the inspector shows the new node, ready for its parameters
}

void GraphScene::applyReport(const graphs::ValidationReport& report) {
  std::map<std::string, std::pair<Badge, QStringList>> by_node;
  std::map<std::size_t, Badge> by_edge;
  for (const auto& p : report.problems) {
    const Badge badge = p.severity == graphs::Severity::Error ? Badge::Error : Badge::Warning;
    if (p.edge) {
      Badge& b = by_edge[*p.edge];
      b = std::max(b, badge);
    }
    if (!p.node_id.empty()) {
      auto& entry = by_node[p.node_id];
      entry.first = std::max(entry.first, badge);
      QString line = QString::fromStdString(p.message);
      if (!p.field.empty()) line = QString::fromStdString(p.field) + QStringLiteral(": ") + line;
      entry.second << line;
    }
  }
  for (auto& [id, item] : nodes_) {
    auto it = by_node.find(id);
    if (it == by_node.end()) {
      item->setBadge(Badge::None, {});
    } else {
      item->setBadge(it->second.first, it->second.second.join(QLatin1Char('\n')));
    }
  }
  const auto& edges = document_.graph().edges;
  for (std::size_t i = 0; i < edges_.size() && i < edges.size(); ++i) {
    auto it = by_edge.find(i);
    edges_[i]->setBadge(it == by_edge.end() ? Badge::None : it->second);
    QString tip =
        QStringLiteral("%1.%2 → %3.%4  (%5)")
            .arg(QString::fromStdString(edges[i].from.node),
                 QString::fromStdString(edges[i].from.port),
                 QString::fromStdString(edges[i].to.node), QString::fromStdString(edges[i].to.port),
                 QString::fromLatin1(graphs::to_string(edges[i].partitioning.kind)));
    auto schema = report.edge_schemas.find(i);
    tip += QStringLiteral("\n\n") + (schema == report.edge_schemas.end()
                                         ? tr("(schema unknown)")
                                         : schemaToText(schema->second));
    for (const auto& p : report.problems) {
      if (p.edge && *p.edge == i) tip += QStringLiteral("\n⚠ ") + QString::fromStdString(p.message);
    }
    edges_[i]->setToolTip(tip);
  }
}

std::optional<PortRef> GraphScene::portAt(const QPointF& scene_pos) const {
  for (QGraphicsItem* item : items(scene_pos, Qt::IntersectsItemBoundingRect)) {
    if (auto* node = qgraphicsitem_cast<NodeItem*>(item)) {
      if (auto port = node->portAt(scene_pos)) return port;
    }
  }
  return std::nullopt;
}

std::optional<std::pair<graphs::Endpoint, graphs::Endpoint>> GraphScene::orient(
    const PortRef& a, const PortRef& b) const {
  if (a.output == b.output) return std::nullopt;
  const PortRef& out = a.output ? a : b;
  const PortRef& in = a.output ? b : a;
  return std::make_pair(graphs::Endpoint{out.node, out.port}, graphs::Endpoint{in.node, in.port});
}

void GraphScene::clearPortHighlights() {
  if (highlighted_) highlighted_->clearHighlight();
  highlighted_ = nullptr;
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    if (auto port = portAt(event->scenePos())) {
      // A press on a port starts a connection instead of moving the node.
      drag_from_ = port;
      drag_line_ = addPath(QPainterPath(), QPen(Qt::gray, 2, Qt::DashLine));
      drag_line_->setZValue(2);
      event->accept();
      return;
    }
  }
  QGraphicsScene::mousePressEvent(event);
}

void GraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
  if (!drag_from_) {
    QGraphicsScene::mouseMoveEvent(event);
    return;
  }
  NodeItem* source = nodeItem(drag_from_->node);
  if (!source) return;
  const QPointF start = source->portScenePos(drag_from_->port, drag_from_->output);
  const QPointF end = event->scenePos();
  drag_line_->setPath(drag_from_->output ? EdgeItem::curve(start, end)
                                         : EdgeItem::curve(end, start));
  // Show whether the port under the cursor would accept the connection before the user lets go.
  clearPortHighlights();
  QColor line_color = Qt::gray;
  if (auto target = portAt(end); target && target->node != drag_from_->node) {
    auto ends = orient(*drag_from_, *target);
    const bool ok = ends && !connectionRefusal(document_.graph(), document_.catalog(), ends->first,
                                               ends->second);
    highlighted_ = nodeItem(target->node);
    if (highlighted_) highlighted_->setHighlightedPort(target->port, target->output, ok);
    line_color = ok ? QColor(0x43, 0xa0, 0x47) : QColor(0xe5, 0x39, 0x35);
  }
  drag_line_->setPen(QPen(line_color, 2, Qt::DashLine));
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  if (!drag_from_) {
    QGraphicsScene::mouseReleaseEvent(event);
    commitMoves();
    return;
  }
  const PortRef from = *drag_from_;
  drag_from_.reset();
  delete drag_line_;
  drag_line_ = nullptr;
  clearPortHighlights();
  auto target = portAt(event->scenePos());
  if (!target) return;  // dropped on empty canvas: nothing to do
  auto ends = orient(from, *target);
  if (!ends) {
    emit connectionRefused(tr("connect an output port to an input port"));
    return;
  }
  if (auto refusal =
          connectionRefusal(document_.graph(), document_.catalog(), ends->first, ends->second)) {
    emit connectionRefused(*refusal);
    return;
  }
  graphs::Edge edge;
  edge.from = ends->first;
  edge.to = ends->second;
  edge.partitioning =
      defaultPartitioning(document_.graph(), document_.catalog(), edge.from, edge.to);
  document_.undoStack()->push(new ConnectCommand(document_, std::move(edge)));
}

void GraphScene::commitMoves() {
  // Qt moved the items during the drag; record the net move as one command.
  MoveNodesCommand::Moves from;
  MoveNodesCommand::Moves to;
  for (const auto& [id, item] : nodes_) {
    const graphs::Node* node = document_.graph().node(id);
    if (!node) continue;
    const QPointF p = item->pos();
    if (p.x() != node->position.x || p.y() != node->position.y) {
      from.emplace_back(id, node->position);
      to.emplace_back(id, graphs::Position{p.x(), p.y()});
    }
  }
  if (to.empty()) return;
  document_.undoStack()->push(new MoveNodesCommand(document_, std::move(from), std::move(to)));
}

void GraphScene::dragEnterEvent(QGraphicsSceneDragDropEvent* event) {
  event->setAccepted(event->mimeData()->hasFormat(QString::fromLatin1(kOperatorMimeType)));
}

void GraphScene::dragMoveEvent(QGraphicsSceneDragDropEvent* event) {
  event->setAccepted(event->mimeData()->hasFormat(QString::fromLatin1(kOperatorMimeType)));
}

void GraphScene::dropEvent(QGraphicsSceneDragDropEvent* event) {
  const QByteArray kind = event->mimeData()->data(QString::fromLatin1(kOperatorMimeType));
  if (kind.isEmpty()) {
    event->ignore();
    return;
  }
  addOperator(kind.toStdString(), event->scenePos());
  event->acceptProposedAction();
}

void GraphScene::contextMenuEvent(QGraphicsSceneContextMenuEvent* event) {
  // Right-clicking an unselected item acts on that item alone, and right-clicking empty canvas
  // acts on the canvas, like file managers do; the menu then offers what fits the target.
  QGraphicsItem* item = graphItemAt(event->scenePos());
  if (!item) {
    clearSelection();
  } else if (!item->isSelected()) {
    clearSelection();
    item->setSelected(true);
  }
  emit contextMenuRequested(event->screenPos(), event->scenePos());
  event->accept();
}

}  // namespace rivulet::editor
