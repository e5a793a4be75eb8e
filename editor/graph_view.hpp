#pragma once
// The canvas widget: shows a GraphScene with a dotted grid, zooms with the wheel and with pinch
// gestures (touchpad native gestures and touchscreen QPinchGesture) around the point under the
// fingers or cursor, pans with the middle button or space+drag, rubber-band selects with the
// left button on empty canvas, and fits the whole graph on F. Colours are read from the palette
// while painting (Qt repaints on a palette change), so a light or dark system theme is followed.

#include <QGraphicsView>

namespace rivulet::editor {

class GraphView : public QGraphicsView {
  Q_OBJECT
 public:
  explicit GraphView(QGraphicsScene* scene, QWidget* parent = nullptr);

  void zoomBy(double factor);
  // Zooms keeping the scene point under `viewport_pos` where it is (wheel and pinch).
  void zoomAt(double factor, const QPointF& viewport_pos);
  void zoomToFit();
  // As zoomToFit, but never below `min_zoom` (the zoom at which box text stays readable): a
  // graph too large for that opens at `min_zoom` on its start (top left: the sources), and the
  // overview map shows the rest.
  void zoomToFitReadable(double min_zoom);
  double zoom() const { return transform().m11(); }

 protected:
  bool viewportEvent(QEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;
  void drawBackground(QPainter* painter, const QRectF& rect) override;

 private:
  bool panning_ = false;
  bool space_held_ = false;
  QPoint last_pan_pos_;
};

}  // namespace rivulet::editor
