// Desktop conventions: the standard shortcuts are bound (each to exactly one action, so none is
// ambiguous) and work from the canvas without stealing keys from text fields, and the window's
// geometry, docks and canvas options are remembered across restarts (QSettings).
#include <QAction>
#include <QDockWidget>
#include <QLineEdit>
#include <QTest>
#include <gtest/gtest.h>

#include <memory>
#include <utility>
#include <vector>

#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/palette.hpp"
#include "editor/problems_panel.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

TEST(DesktopConventions, StandardShortcutsAreEachBoundToOneAction) {
  test::Window w;
  const std::vector<std::pair<QKeySequence, const char*>> expected = {
      {QKeySequence(Qt::CTRL | Qt::Key_Z), "actionUndo"},
      {QKeySequence(Qt::CTRL | Qt::Key_Y), "actionRedo"},
      {QKeySequence(Qt::CTRL | Qt::Key_C), "actionCopy"},
      {QKeySequence(Qt::CTRL | Qt::Key_V), "actionPaste"},
      {QKeySequence(Qt::CTRL | Qt::Key_D), "actionDuplicate"},
      {QKeySequence(Qt::CTRL | Qt::Key_S), "actionSave"},
      {QKeySequence(Qt::CTRL | Qt::Key_O), "actionOpen"},
      {QKeySequence(Qt::CTRL | Qt::Key_N), "actionNew"},
      {QKeySequence(Qt::Key_Delete), "actionDelete"},
      {QKeySequence(Qt::CTRL | Qt::Key_F), "actionFind"},
      {QKeySequence(Qt::Key_F), "actionZoomFit"},
      {QKeySequence(Qt::CTRL | Qt::Key_E), "actionExportJson"},
  };
  const QList<QAction*> all = w->findChildren<QAction*>();
  for (const auto& [keys, name] : expected) {
    SCOPED_TRACE(name);
    QAction* a = test::action(*w, name);
    ASSERT_TRUE(a);
    // The primary shortcut is the one the menus display.
    EXPECT_EQ(a->shortcut(), keys) << a->shortcut().toString().toStdString();
    EXPECT_EQ(a->shortcutContext(), Qt::WindowShortcut);
    EXPECT_TRUE(w->actions().contains(a)) << "not added to the window: dead with the menu hidden";
    for (QAction* other : all) {
      if (other != a && other->shortcuts().contains(keys)) {
        ADD_FAILURE() << keys.toString().toStdString() << " also bound to "
                      << other->objectName().toStdString() << ": Qt would fire neither";
      }
    }
  }
}

TEST(DesktopConventions, ShortcutsWorkFromTheCanvas) {
  test::Window w;
  int chooser_calls = 0;
  w->setFileChooser([&](MainWindow::FileDialogKind, const QString&) {
    ++chooser_calls;
    return QString();  // cancelled
  });
  const std::string id = test::dropFromPalette(*w, "filter", QPoint(400, 300));
  ASSERT_FALSE(id.empty());
  GraphView& view = w->view();
  view.setFocus();
  auto nodes = [&] { return w->document().graph().nodes.size(); };

  QTest::keyClick(&view, Qt::Key_C, Qt::ControlModifier);
  QTest::keyClick(&view, Qt::Key_V, Qt::ControlModifier);
  EXPECT_EQ(nodes(), 2u) << "Ctrl+C, Ctrl+V";
  QTest::keyClick(&view, Qt::Key_D, Qt::ControlModifier);
  EXPECT_EQ(nodes(), 3u) << "Ctrl+D";
  QTest::keyClick(&view, Qt::Key_Delete);
  EXPECT_EQ(nodes(), 2u) << "Delete";
  QTest::keyClick(&view, Qt::Key_Z, Qt::ControlModifier);
  EXPECT_EQ(nodes(), 3u) << "Ctrl+Z";
  QTest::keyClick(&view, Qt::Key_Y, Qt::ControlModifier);
  EXPECT_EQ(nodes(), 2u) << "Ctrl+Y";

  view.zoomBy(0.3);
  QTest::keyClick(&view, Qt::Key_F);
  EXPECT_DOUBLE_EQ(view.zoom(), 1.0) << "F fits (two small nodes fit at 1:1)";

  QTest::keyClick(&view, Qt::Key_S, Qt::ControlModifier);
  EXPECT_EQ(chooser_calls, 1) << "Ctrl+S on an untitled graph asks for a name";
  QTest::keyClick(&view, Qt::Key_O, Qt::ControlModifier);
  EXPECT_EQ(chooser_calls, 2) << "Ctrl+O (after Discard)";
  QTest::keyClick(&view, Qt::Key_N, Qt::ControlModifier);
  EXPECT_EQ(nodes(), 0u) << "Ctrl+N (after Discard)";
  EXPECT_GE(w.save_prompts, 2);

  // Ctrl+F goes to the palette search, where F is a letter again, not "fit".
  view.zoomBy(0.5);
  const double zoom = view.zoom();
  QTest::keyClick(&view, Qt::Key_F, Qt::ControlModifier);
  QLineEdit* search = w->palette().searchField();
  ASSERT_TRUE(search->hasFocus());
  QTest::keyClicks(search, "fil");
  EXPECT_EQ(search->text(), "fil");
  EXPECT_DOUBLE_EQ(view.zoom(), zoom);
  // Delete inside the field edits the text, not the graph.
  test::dropFromPalette(*w, "filter", QPoint(400, 300));
  search->setFocus();
  search->setCursorPosition(0);
  QTest::keyClick(search, Qt::Key_Delete);
  EXPECT_EQ(search->text(), "il");
  EXPECT_EQ(nodes(), 1u);
}

TEST(DesktopConventions, WindowGeometryDocksAndOptionsAreRemembered) {
  {
    test::Window w;  // from empty settings
    w->resize(1000, 650);
    w->addDockWidget(Qt::LeftDockWidgetArea, &w->inspector());
    w->problems().hide();
    test::action(*w, "actionSnapToGrid")->setChecked(true);
    QApplication::processEvents();
    ASSERT_TRUE(w->close());
  }
  // A restart: a new window reads it all back.
  test::app();
  auto restored = std::make_unique<MainWindow>(test::testCatalog());
  restored->show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(restored.get()));
  EXPECT_EQ(restored->size(), QSize(1000, 650));
  EXPECT_EQ(restored->dockWidgetArea(&restored->inspector()), Qt::LeftDockWidgetArea);
  EXPECT_EQ(restored->dockWidgetArea(&restored->palette()), Qt::LeftDockWidgetArea);
  EXPECT_FALSE(restored->problems().isVisible());
  EXPECT_TRUE(restored->palette().isVisible());
  EXPECT_TRUE(restored->scene().snapToGrid());
  EXPECT_TRUE(test::action(*restored, "actionSnapToGrid")->isChecked());
}

}  // namespace
}  // namespace rivulet::editor
