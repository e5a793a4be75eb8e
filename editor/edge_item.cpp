#include "editor/edge_item.hpp"

#include <QApplication>
#include <QPainter>
#include <QPainterPathStroker>
#include <QPalette>
#include <algorithm>
#include <cmath>

namespace rivulet::editor {

EdgeItem::EdgeItem() {
  setFlags(ItemIsSelectable);
  setAcceptHoverEvents(true);
  setZValue(0);
}

QPainterPath EdgeItem::curve(const QPointF& from, const QPointF& to) {
  // Horizontal tangents at both ports; the handle grows with distance so long back-edges loop
  // around instead of cutting through nodes.
  const double dx = std::max(40.0, std::abs(to.x() - from.x()) * 0.5);
  QPainterPath path(from);
  path.cubicTo(from + QPointF(dx, 0), to - QPointF(dx, 0), to);
  return path;
}

void EdgeItem::setEnds(const QPointF& from, const QPointF& to) { setPath(curve(from, to)); }

QPainterPath EdgeItem::shape() const {
  QPainterPathStroker stroker;
  stroker.setWidth(12);  // a thin curve is hard to hover or click
  return stroker.createStroke(path());
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  const QPalette pal = QApplication::palette();
  QColor color = pal.color(QPalette::Text);
  color.setAlphaF(0.7);
  if (badge_ == Badge::Error) color = QColor(0xd3, 0x2f, 0x2f);
  if (badge_ == Badge::Warning) color = QColor(0xf9, 0xa8, 0x25);
  if (isSelected()) color = pal.color(QPalette::Highlight);
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setPen(QPen(color, (hovered_ || isSelected()) ? 3.5 : 2));
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(path());
}

void EdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event) {
  hovered_ = true;
  update();
  QGraphicsPathItem::hoverEnterEvent(event);
}

void EdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event) {
  hovered_ = false;
  update();
  QGraphicsPathItem::hoverLeaveEvent(event);
}

}  // namespace rivulet::editor
