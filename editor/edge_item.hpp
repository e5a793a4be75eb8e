#pragma once
// One edge on the canvas: a cubic curve from an output port to an input port. Its tooltip shows
// the record schema the validator propagated along it, and it turns red when it has a problem.

#include <QGraphicsPathItem>

#include "editor/node_item.hpp"

namespace rivulet::editor {

class EdgeItem : public QGraphicsPathItem {
 public:
  enum { Type = UserType + 2 };

  EdgeItem();
  int type() const override { return Type; }
  void setEnds(const QPointF& from, const QPointF& to);
  void setBadge(Badge badge) { badge_ = badge; update(); }
  Badge badge() const { return badge_; }
  QPainterPath shape() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option,
             QWidget* widget) override;

  // The curve shape shared with the rubber-band line drawn while connecting.
  static QPainterPath curve(const QPointF& from, const QPointF& to);

 protected:
  void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
  void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

 private:
  Badge badge_ = Badge::None;
  bool hovered_ = false;
};

}  // namespace rivulet::editor
