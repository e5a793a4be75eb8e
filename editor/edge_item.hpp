#pragma once
// One edge on the canvas: a cubic curve from an output port to an input port, labelled with its
// partitioning ("forward", "hash(card_id)", "broadcast", "rebalance") under its middle. Its
// tooltip shows the record schema the validator propagated along it, and it turns red when it
// has a problem.
// In monitor mode it is coloured by its back-pressure class and drawn thicker with throughput;
// clearing the live view restores the authoring pen and tooltip.

#include <QGraphicsPathItem>
#include <optional>

#include "editor/monitor/live_view.hpp"
#include "editor/node_item.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor {

class EdgeItem : public QGraphicsPathItem {
 public:
  enum { Type = UserType + 2 };

  EdgeItem();
  int type() const override { return Type; }
  void setEnds(const QPointF& from, const QPointF& to);
  void setBadge(Badge badge) {
    badge_ = badge;
    update();
  }
  Badge badge() const { return badge_; }
  void setPartitioning(const graphs::Partitioning& partitioning);
  // The label drawn under the curve's middle, and where (item coordinates).
  const QString& partitioningLabel() const { return partitioning_label_; }
  QRectF partitioningLabelRect() const;
  // "forward", "hash(a, b)", "broadcast", "rebalance"; long key lists are elided.
  static QString partitioningText(const graphs::Partitioning& partitioning);
  QPainterPath shape() const override;
  QRectF boundingRect() const override;

  void setLiveView(std::optional<monitor::EdgeLiveView> view);
  const std::optional<monitor::EdgeLiveView>& liveView() const { return live_; }
  // The colour and pen width painted now (authoring or live), for tests and the legend.
  QColor strokeColor() const;
  double strokeWidth() const;
  // Monitor colours for the three back-pressure classes.
  static QColor pressureColor(monitor::PressureClass c);
  // Pen width for a throughput: 2 at rest, growing with the logarithm of records/s, at most 10.
  static double widthForRate(double records_per_second);
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  // The curve shape shared with the rubber-band line drawn while connecting.
  static QPainterPath curve(const QPointF& from, const QPointF& to);

 protected:
  void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
  void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

 private:
  Badge badge_ = Badge::None;
  QString partitioning_label_;
  bool hovered_ = false;
  std::optional<monitor::EdgeLiveView> live_;
  QString authoring_tooltip_;
};

}  // namespace rivulet::editor
