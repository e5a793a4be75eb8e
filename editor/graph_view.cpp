#include "editor/graph_view.hpp"

#include <QApplication>
#include <QFocusEvent>
#include <QGestureEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QPinchGesture>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <vector>

#include "editor/graph_scene.hpp"

namespace rivulet::editor {
namespace {
constexpr double kMinZoom = 0.05;
constexpr double kMaxZoom = 4.0;
}  // namespace

GraphView::GraphView(QGraphicsScene* scene, QWidget* parent) : QGraphicsView(scene, parent) {
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  setDragMode(QGraphicsView::RubberBandDrag);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setAcceptDrops(true);
  // A huge scene rect lets the user pan anywhere, not only around existing nodes.
  setSceneRect(-50000, -50000, 100000, 100000);
  viewport()->grabGesture(Qt::PinchGesture);
}

void GraphView::zoomBy(double factor) {
  const double target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
  const double f = target / zoom();
  scale(f, f);
}

void GraphView::zoomAt(double factor, const QPointF& viewport_pos) {
  const QPoint pos = viewport_pos.toPoint();
  const QPointF anchor = mapToScene(pos);
  // Scale without Qt's anchor (AnchorUnderMouse follows the cursor, which a touchpad pinch or
  // a synthetic event need not have moved), then scroll the anchor back under `pos`.
  const ViewportAnchor previous = transformationAnchor();
  setTransformationAnchor(NoAnchor);
  zoomBy(factor);
  setTransformationAnchor(previous);
  const QPoint drift = mapFromScene(anchor) - pos;
  horizontalScrollBar()->setValue(horizontalScrollBar()->value() + drift.x());
  verticalScrollBar()->setValue(verticalScrollBar()->value() + drift.y());
}

void GraphView::zoomToFit() {
  QRectF bounds = scene()->itemsBoundingRect();
  if (bounds.isEmpty()) {
    resetTransform();
    centerOn(0, 0);
    return;
  }
  bounds.adjust(-40, -40, 40, 40);
  fitInView(bounds, Qt::KeepAspectRatio);
  // Never blow a small graph up beyond 1:1; it looks like a rendering bug.
  if (zoom() > 1.0) {
    resetTransform();
    centerOn(bounds.center());
  }
}

void GraphView::zoomToFitReadable(double min_zoom) {
  zoomToFit();
  if (zoom() >= min_zoom) return;
  QRectF bounds = scene()->itemsBoundingRect().adjusted(-40, -40, 40, 40);
  resetTransform();
  scale(min_zoom, min_zoom);
  const double visible_width = viewport()->width() / min_zoom;
  const double visible_height = viewport()->height() / min_zoom;
  centerOn(bounds.left() + std::min(bounds.width(), visible_width) / 2,
           bounds.top() + std::min(bounds.height(), visible_height) / 2);
}

bool GraphView::viewportEvent(QEvent* event) {
  if (event->type() == QEvent::NativeGesture) {
    // Touchpad pinch (macOS, and Wayland/X11 through libinput): `value` is the change of scale
    // since the previous event of the gesture.
    auto* gesture = static_cast<QNativeGestureEvent*>(event);
    if (gesture->gestureType() == Qt::ZoomNativeGesture) {
      zoomAt(1.0 + gesture->value(), gesture->position());
      event->accept();
      return true;
    }
  }
  if (event->type() == QEvent::Gesture) {
    // Touchscreen pinch, recognised by Qt from touch points (grabGesture in the constructor).
    auto* gesture = static_cast<QGestureEvent*>(event);
    if (auto* pinch = static_cast<QPinchGesture*>(gesture->gesture(Qt::PinchGesture))) {
      if ((pinch->changeFlags() & QPinchGesture::ScaleFactorChanged) && pinch->scaleFactor() > 0) {
        const QPointF center = pinch->centerPoint().isNull()
                                   ? QPointF(viewport()->rect().center())
                                   : QPointF(viewport()->mapFromGlobal(pinch->centerPoint()));
        zoomAt(pinch->scaleFactor(), center);
      }
      gesture->accept(pinch);
      return true;
    }
  }
  return QGraphicsView::viewportEvent(event);
}

void GraphView::wheelEvent(QWheelEvent* event) {
  // Ctrl is not needed: on a canvas the wheel zooms (as in NiFi and Node-RED); touchpads with
  // pixel deltas and Shift scroll instead.
  if (!event->pixelDelta().isNull() && !(event->modifiers() & Qt::ControlModifier)) {
    QGraphicsView::wheelEvent(event);
    return;
  }
  const double steps = event->angleDelta().y() / 120.0;
  zoomAt(std::pow(1.15, steps), event->position());
  event->accept();
}

void GraphView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && space_held_)) {
    panning_ = true;
    last_pan_pos_ = event->position().toPoint();
    viewport()->setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseMoveEvent(QMouseEvent* event) {
  if (panning_) {
    const QPoint delta = event->position().toPoint() - last_pan_pos_;
    last_pan_pos_ = event->position().toPoint();
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
    event->accept();
    return;
  }
  QGraphicsView::mouseMoveEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_) {
    panning_ = false;
    viewport()->setCursor(space_held_ ? Qt::OpenHandCursor : Qt::ArrowCursor);
    event->accept();
    return;
  }
  QGraphicsView::mouseReleaseEvent(event);
}

void GraphView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    space_held_ = true;
    viewport()->setCursor(Qt::OpenHandCursor);
    event->accept();
    return;
  }
  QGraphicsView::keyPressEvent(event);
}

void GraphView::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    space_held_ = false;
    viewport()->setCursor(Qt::ArrowCursor);
    event->accept();
    return;
  }
  QGraphicsView::keyReleaseEvent(event);
}

void GraphView::focusOutEvent(QFocusEvent* event) {
  // The Space release may go to another widget (or window): forget it, or every later left
  // press would pan instead of selecting.
  if (space_held_ || panning_) {
    space_held_ = false;
    panning_ = false;
    viewport()->setCursor(Qt::ArrowCursor);
  }
  QGraphicsView::focusOutEvent(event);
}

void GraphView::drawBackground(QPainter* painter, const QRectF& rect) {
  painter->fillRect(rect, palette().color(QPalette::Window).darker(104));
  if (zoom() < 0.3) return;  // a grid that dense is noise
  const double g = GraphScene::kGridSize * 2;
  QColor dot = palette().color(QPalette::Mid);
  painter->setPen(QPen(dot, 0));
  std::vector<QPointF> points;
  const double left = std::floor(rect.left() / g) * g;
  const double top = std::floor(rect.top() / g) * g;
  for (double x = left; x < rect.right(); x += g) {
    for (double y = top; y < rect.bottom(); y += g) points.emplace_back(x, y);
  }
  painter->drawPoints(points.data(), static_cast<int>(points.size()));
}

}  // namespace rivulet::editor
