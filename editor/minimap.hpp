#pragma once
// An overview of the whole graph in a corner of the canvas: the same scene drawn small, with the
// part the main view shows outlined; clicking or dragging in it moves the main view there.
// Large graphs stay navigable without zooming out and back in.

#include <QGraphicsView>
#include <QTimer>

namespace rivulet::editor {

class Minimap : public QGraphicsView {
  Q_OBJECT
 public:
  // Re-checks whether it is needed (the View menu toggles it through setEnabled).
  void updateVisibility();
  // Overlays `main_view`'s viewport (a child of it) and follows its scene.
  explicit Minimap(QGraphicsView& main_view);

 protected:
  void drawForeground(QPainter* painter, const QRectF& rect) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  void refit();

  QGraphicsView& main_;
  QTimer refit_timer_;
  QRectF bounds_;  // of all items, as of the last refit
};

}  // namespace rivulet::editor
