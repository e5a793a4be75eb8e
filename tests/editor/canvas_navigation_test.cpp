// Moving around the canvas: pinch zoom (touchpad native gestures and touchscreen pinch) around
// the fingers, panning with space+drag, and the overview map for graphs larger than the view.
#include <QAction>
#include <QGestureEvent>
#include <QLineEdit>
#include <QPinchGesture>
#include <QPointingDevice>
#include <QScrollBar>
#include <QTest>
#include <gtest/gtest.h>

#include "editor/commands.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/main_window.hpp"
#include "editor/minimap.hpp"
#include "editor/palette.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

void addNode(MainWindow& win, const std::string& kind, double x, double y) {
  auto& doc = win.document();
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode(kind, {x, y})));
}

// How far (in viewport pixels) a scene point has drifted from where it was on screen.
int drift(GraphView& view, const QPointF& scene_point, const QPoint& was_at) {
  return (view.mapFromScene(scene_point) - was_at).manhattanLength();
}

QNativeGestureEvent nativeZoom(QWidget* viewport, const QPoint& at, double value) {
  return QNativeGestureEvent(Qt::ZoomNativeGesture, QPointingDevice::primaryPointingDevice(), 2,
                             QPointF(at), QPointF(at), QPointF(viewport->mapToGlobal(at)), value,
                             QPointF());
}

TEST(CanvasNavigation, TouchpadPinchZoomsAroundTheFingers) {
  test::Window w;
  GraphView& view = w->view();
  QWidget* vp = view.viewport();
  const QPoint at(300, 200);
  const QPointF under = view.mapToScene(at);
  const double before = view.zoom();

  auto spread = nativeZoom(vp, at, 0.5);  // fingers apart: +50 %
  QApplication::sendEvent(vp, &spread);
  EXPECT_TRUE(spread.isAccepted());
  EXPECT_NEAR(view.zoom(), before * 1.5, 1e-9);
  EXPECT_LE(drift(view, under, at), 2) << "the point under the fingers moved";

  auto pinch = nativeZoom(vp, at, -0.5);  // fingers together: −50 %
  QApplication::sendEvent(vp, &pinch);
  EXPECT_NEAR(view.zoom(), before * 0.75, 1e-9);
  EXPECT_LE(drift(view, under, at), 2);

  // Pinching far beyond the limits stops at them instead of flipping or vanishing.
  for (int i = 0; i < 100; ++i) {
    auto out = nativeZoom(vp, at, -0.9);
    QApplication::sendEvent(vp, &out);
  }
  EXPECT_NEAR(view.zoom(), 0.05, 1e-9);
}

TEST(CanvasNavigation, TouchscreenPinchGestureZooms) {
  test::Window w;
  GraphView& view = w->view();
  QWidget* vp = view.viewport();
  const QPoint at(500, 250);
  const QPointF under = view.mapToScene(at);
  const double before = view.zoom();
  QPinchGesture pinch;
  pinch.setChangeFlags(QPinchGesture::ScaleFactorChanged);
  pinch.setScaleFactor(2.0);
  pinch.setCenterPoint(QPointF(vp->mapToGlobal(at)));
  QGestureEvent event({&pinch});
  QApplication::sendEvent(vp, &event);
  EXPECT_NEAR(view.zoom(), before * 2.0, 1e-9);
  EXPECT_LE(drift(view, under, at), 2);
}

TEST(CanvasNavigation, WheelZoomsAroundTheCursor) {
  test::Window w;
  GraphView& view = w->view();
  QWidget* vp = view.viewport();
  const QPoint at(200, 350);
  const QPointF under = view.mapToScene(at);
  QWheelEvent wheel(QPointF(at), QPointF(vp->mapToGlobal(at)), QPoint(), QPoint(0, 120),
                    Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(vp, &wheel);
  EXPECT_NEAR(view.zoom(), 1.15, 1e-9);
  EXPECT_LE(drift(view, under, at), 2);
}

TEST(CanvasNavigation, SpaceDragPansInsteadOfMovingOrSelecting) {
  test::Window w;
  const std::string id = test::dropFromPalette(*w, "filter", QPoint(400, 300));
  ASSERT_FALSE(id.empty());
  w->scene().clearSelection();
  const graphs::Position node_before = w->document().graph().node(id)->position;
  const int undo_steps = w->document().undoStack()->count();
  GraphView& view = w->view();
  QWidget* vp = view.viewport();
  view.setFocus();
  ASSERT_TRUE(view.hasFocus());
  const int h0 = view.horizontalScrollBar()->value();
  const int v0 = view.verticalScrollBar()->value();

  // Press Space, then drag starting on the node's header: the canvas moves, the node does not.
  QTest::keyPress(&view, Qt::Key_Space);
  const QPoint start = view.mapFromScene(
      w->scene().nodeItem(id)->mapToScene(QPointF(NodeItem::kWidth / 2, 12)));
  QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, start);
  QTest::mouseMove(vp, start + QPoint(-70, -40));
  QTest::mouseMove(vp, start + QPoint(-150, -90));
  QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, start + QPoint(-150, -90));
  QTest::keyRelease(&view, Qt::Key_Space);

  EXPECT_EQ(view.horizontalScrollBar()->value(), h0 + 150);
  EXPECT_EQ(view.verticalScrollBar()->value(), v0 + 90);
  EXPECT_EQ(w->document().graph().node(id)->position, node_before);
  EXPECT_EQ(w->document().undoStack()->count(), undo_steps);  // panning is not an edit
  EXPECT_TRUE(w->scene().selectedItems().isEmpty());

  // Space released: the same drag on empty canvas is a rubber band again, not a pan.
  const QPoint empty(150, 120);
  QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, empty);
  QTest::mouseMove(vp, empty + QPoint(-60, -60));
  QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, empty + QPoint(-60, -60));
  EXPECT_EQ(view.horizontalScrollBar()->value(), h0 + 150);
  EXPECT_EQ(view.verticalScrollBar()->value(), v0 + 90);
}

TEST(CanvasNavigation, MiddleButtonDragPans) {
  test::Window w;
  GraphView& view = w->view();
  QWidget* vp = view.viewport();
  const int h0 = view.horizontalScrollBar()->value();
  const int v0 = view.verticalScrollBar()->value();
  const QPoint start(300, 300);
  QTest::mousePress(vp, Qt::MiddleButton, Qt::NoModifier, start);
  QTest::mouseMove(vp, start + QPoint(40, 25));
  QTest::mouseRelease(vp, Qt::MiddleButton, Qt::NoModifier, start + QPoint(40, 25));
  EXPECT_EQ(view.horizontalScrollBar()->value(), h0 - 40);
  EXPECT_EQ(view.verticalScrollBar()->value(), v0 - 25);
}

// Space pressed on the canvas, released while another widget had focus (the release went
// there): the canvas must not stay in panning mode.
TEST(CanvasNavigation, SpaceIsForgottenWhenTheCanvasLosesFocus) {
  test::Window w;
  GraphView& view = w->view();
  QWidget* vp = view.viewport();
  view.setFocus();
  ASSERT_TRUE(view.hasFocus());
  QTest::keyPress(&view, Qt::Key_Space);
  w->palette().searchField()->setFocus();
  ASSERT_FALSE(view.hasFocus());
  QTest::keyRelease(w->palette().searchField(), Qt::Key_Space);
  const int h0 = view.horizontalScrollBar()->value();
  const QPoint empty(300, 300);
  QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, empty);
  QTest::mouseMove(vp, empty + QPoint(-80, 0));
  QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, empty + QPoint(-80, 0));
  EXPECT_EQ(view.horizontalScrollBar()->value(), h0);
}

TEST(Minimap, AppearsForLargeGraphsAndClickingCentresTheView) {
  test::Window w;
  addNode(*w, "events_source", 0, 0);
  addNode(*w, "print_sink", 5000, 3000);
  GraphView& view = w->view();
  QWidget* vp = view.viewport();
  view.resetTransform();
  view.centerOn(0, 0);
  Minimap& map = w->minimap();
  ASSERT_TRUE(test::waitFor([&] { return map.isVisible(); })) << "no overview for a large graph";
  // Bottom-right corner of the canvas, over the viewport.
  EXPECT_EQ(map.parentWidget(), vp);
  const QPoint corner = map.pos();
  EXPECT_GT(corner.x(), vp->width() / 2);
  EXPECT_GT(corner.y(), vp->height() / 2);
  EXPECT_LE(map.geometry().right(), vp->width());
  EXPECT_LE(map.geometry().bottom(), vp->height());

  // Click near the far node in the overview: the main view centres there.
  const QPoint click = map.mapFromScene(QPointF(5090, 3040));
  QTest::mouseClick(map.viewport(), Qt::LeftButton, Qt::NoModifier, click);
  const QPointF wanted = map.mapToScene(click);
  QPointF centre = view.mapToScene(vp->rect().center());
  EXPECT_NEAR(centre.x(), wanted.x(), 2.0);
  EXPECT_NEAR(centre.y(), wanted.y(), 2.0);
  EXPECT_TRUE(view.mapToScene(vp->rect()).boundingRect().contains(QPointF(5090, 3040)));
  EXPECT_EQ(map.pos(), corner) << "the overview scrolled away with the canvas";

  // Dragging in the overview follows the mouse.
  const QPoint a = map.mapFromScene(QPointF(1000, 500));
  const QPoint b = map.mapFromScene(QPointF(2500, 1500));
  QTest::mousePress(map.viewport(), Qt::LeftButton, Qt::NoModifier, a);
  QTest::mouseMove(map.viewport(), b);
  QTest::mouseRelease(map.viewport(), Qt::LeftButton, Qt::NoModifier, b);
  centre = view.mapToScene(vp->rect().center());
  EXPECT_NEAR(centre.x(), map.mapToScene(b).x(), 2.0);
  EXPECT_NEAR(centre.y(), map.mapToScene(b).y(), 2.0);
  EXPECT_EQ(w->document().graph().node("print_sink_1")->position, (graphs::Position{5000, 3000}))
      << "the overview must not edit the graph";

  // View → Overview Map switches it off, and on again.
  QAction* toggle = test::action(*w, "actionOverviewMap");
  toggle->trigger();
  EXPECT_FALSE(map.isVisible());
  toggle->trigger();
  EXPECT_TRUE(map.isVisible());

  // When the whole graph fits there is nothing to navigate: no overview.
  view.zoomToFit();
  EXPECT_TRUE(test::waitFor([&] { return !map.isVisible(); }));
}

TEST(Minimap, HiddenForAGraphThatFits) {
  test::Window w;
  addNode(*w, "filter", 0, 0);
  w->view().zoomToFit();
  QTest::qWait(250);  // past the overview's refit delay
  EXPECT_FALSE(w->minimap().isVisible());
}

}  // namespace
}  // namespace rivulet::editor
