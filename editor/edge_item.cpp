#include "editor/edge_item.hpp"

#include <QApplication>
#include <QPainter>
#include <QPainterPathStroker>
#include <QPalette>
#include <QStringList>
#include <QStyleOptionGraphicsItem>
#include <algorithm>
#include <cmath>

#include "editor/monitor/metric_format.hpp"

namespace rivulet::editor {
namespace {

QString liveToolTip(const monitor::EdgeLiveView& view) {
  const auto& s = view.stats;
  QString tip =
      QObject::tr(
          "%1.%2 → %3.%4\n%5 · back-pressure of the sender %6 (%7) · receiver "
          "input queue %8 full")
          .arg(QString::fromStdString(s.from.node), QString::fromStdString(s.from.port),
               QString::fromStdString(s.to.node), QString::fromStdString(s.to.port),
               monitor::formatRate(s.records_per_second), monitor::formatPercent(s.backpressure),
               QString::fromLatin1(monitor::to_string(s.pressure)),
               monitor::formatPercent(s.receiver_input_fill));
  if (view.stale) tip += QObject::tr("\nconnection lost — last known numbers");
  return tip;
}

}  // namespace

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

QString EdgeItem::partitioningText(const graphs::Partitioning& partitioning) {
  if (partitioning.kind != graphs::PartitioningKind::Hash) {
    return QString::fromLatin1(graphs::to_string(partitioning.kind));
  }
  QStringList keys;
  for (const auto& k : partitioning.key_fields) keys << QString::fromStdString(k);
  QString inner = keys.join(QStringLiteral(", "));
  constexpr qsizetype kMaxKeysText = 28;  // a label, not a form: the tooltip has the rest
  if (inner.size() > kMaxKeysText) inner = inner.left(kMaxKeysText - 1) + QChar(0x2026);
  return QStringLiteral("hash(%1)").arg(inner);
}

void EdgeItem::setPartitioning(const graphs::Partitioning& partitioning) {
  const QString text = partitioningText(partitioning);
  if (text == partitioning_label_) return;
  prepareGeometryChange();
  partitioning_label_ = text;
  update();
}

QRectF EdgeItem::partitioningLabelRect() const {
  // Under the middle of the curve, clear of the thickest live pen; the rate label sits above.
  const QPointF mid = path().pointAtPercent(0.5);
  return QRectF(mid.x() - 70, mid.y() + 6, 140, 14);
}

QPainterPath EdgeItem::shape() const {
  QPainterPathStroker stroker;
  stroker.setWidth(12);  // a thin curve is hard to hover or click
  return stroker.createStroke(path());
}

QColor EdgeItem::pressureColor(monitor::PressureClass c) {
  switch (c) {
    case monitor::PressureClass::Ok:
      return QColor(0x43, 0xa0, 0x47);
    case monitor::PressureClass::Low:
      return QColor(0xfb, 0x8c, 0x00);
    case monitor::PressureClass::High:
      return QColor(0xe5, 0x39, 0x35);
  }
  return QColor(0x43, 0xa0, 0x47);
}

double EdgeItem::widthForRate(double records_per_second) {
  return std::min(10.0, 2.0 + 1.5 * std::log10(1.0 + std::max(0.0, records_per_second)));
}

QColor EdgeItem::strokeColor() const {
  const QPalette pal = QApplication::palette();
  if (isSelected()) return pal.color(QPalette::Highlight);
  if (live_) return live_->stale ? QColor(0x9e, 0x9e, 0x9e) : pressureColor(live_->stats.pressure);
  QColor color = pal.color(QPalette::Text);
  color.setAlphaF(0.7);
  if (badge_ == Badge::Error) color = QColor(0xd3, 0x2f, 0x2f);
  if (badge_ == Badge::Warning) color = QColor(0xf9, 0xa8, 0x25);
  return color;
}

double EdgeItem::strokeWidth() const {
  if (live_) return widthForRate(live_->stats.records_per_second) + (hovered_ ? 1.5 : 0);
  return (hovered_ || isSelected()) ? 3.5 : 2;
}

QRectF EdgeItem::boundingRect() const {
  // The live pen is up to 10 wide and the rate label sits above the middle of the curve.
  const double m = live_ ? 12 + 18 : 3;
  QRectF rect = path().boundingRect().adjusted(-m, -m, m, m);
  if (!partitioning_label_.isEmpty()) rect |= partitioningLabelRect();
  return rect;
}

void EdgeItem::setLiveView(std::optional<monitor::EdgeLiveView> view) {
  if (!view && !live_) return;
  if (view && live_) {
    const auto& a = live_->stats;
    const auto& b = view->stats;
    const bool same =
        live_->stale == view->stale && a.pressure == b.pressure &&
        monitor::formatRate(a.records_per_second) == monitor::formatRate(b.records_per_second);
    live_ = std::move(view);
    setToolTip(liveToolTip(*live_));
    if (!same) update();
    return;
  }
  prepareGeometryChange();
  if (view && !live_) authoring_tooltip_ = toolTip();
  live_ = std::move(view);
  if (!live_) {
    setToolTip(authoring_tooltip_);
  } else {
    setToolTip(liveToolTip(*live_));
  }
  update();
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
  painter->setRenderHint(QPainter::Antialiasing);
  // Thick live strokes get round caps; the authoring pen stays Qt's default (square caps).
  painter->setPen(
      QPen(strokeColor(), strokeWidth(), Qt::SolidLine, live_ ? Qt::RoundCap : Qt::SquareCap));
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(path());
  const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
  if (!partitioning_label_.isEmpty() && lod > 0.35) {
    painter->save();
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 0.8);
    painter->setFont(font);
    QColor color = QApplication::palette().color(QPalette::Text);
    color.setAlphaF(0.75);
    painter->setPen(color);
    painter->drawText(partitioningLabelRect(), Qt::AlignCenter, partitioning_label_);
    painter->restore();
  }
  if (live_ && lod > 0.5) {
    const QPointF mid = path().pointAtPercent(0.5);
    const QRectF label(mid.x() - 40, mid.y() - 12 - strokeWidth() / 2 - 4, 80, 14);
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 0.8);
    painter->setFont(font);
    painter->setPen(QApplication::palette().color(QPalette::Text));
    painter->drawText(label, Qt::AlignCenter, monitor::formatRate(live_->stats.records_per_second));
  }
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
