// The main window as a desktop application: docks, shortcuts, palette search, snap to grid, the
// catalog-file lookup, and that opening every example graph shows it laid out.
#include "editor/main_window.hpp"

#include <gtest/gtest.h>

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <cmath>
#include <cstdio>
#include <optional>

#include "editor/auto_layout.hpp"
#include "editor/catalog_locator.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/palette.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"
#include "graphs/catalog_io.hpp"

namespace rivulet::editor {
namespace {

TEST(MainWindow, OpensWithPaletteCanvasInspectorAndProblems) {
  test::Window w;
  EXPECT_TRUE(w->isVisible());
  EXPECT_TRUE(w->windowTitle().contains("Rivulet Editor"));
  // Palette, inspector, Problems, and the Nodes panel (editor/nodes/).
  EXPECT_EQ(w->findChildren<QDockWidget*>().size(), 4);
  EXPECT_NE(w->findChild<QDockWidget*>(QStringLiteral("nodesPanel")), nullptr);
  EXPECT_EQ(w->palette().visibleOperatorCount(), 5);
}

TEST(MainWindow, CtrlFFocusesThePaletteSearchWhichFilters) {
  test::Window w;
  w->view().setFocus();
  QTest::keyClick(&w->view(), Qt::Key_F, Qt::ControlModifier);
  QLineEdit* search = w->palette().searchField();
  EXPECT_TRUE(search->hasFocus());
  QTest::keyClicks(search, "window");
  EXPECT_EQ(w->palette().visibleOperatorCount(), 1);
  // Enter adds the first match to the canvas.
  QTest::keyClick(search, Qt::Key_Return);
  ASSERT_EQ(w->document().graph().nodes.size(), 1u);
  EXPECT_EQ(w->document().graph().nodes[0].kind, "window_count");
  search->clear();
  EXPECT_EQ(w->palette().visibleOperatorCount(), 5);
}

TEST(MainWindow, FZoomsToFitAndSnapToGridRoundsDrops) {
  test::Window w;
  w->findChild<QAction*>();  // actions exist
  for (QAction* a : w->actions()) {
    if (a->text().contains("Snap")) a->setChecked(true);
  }
  EXPECT_TRUE(w->scene().snapToGrid());
  const std::string id = test::dropFromPalette(*w, "filter", QPoint(333, 277));
  const graphs::Position p = w->document().graph().node(id)->position;
  EXPECT_EQ(std::fmod(p.x, GraphScene::kGridSize), 0.0);
  EXPECT_EQ(std::fmod(p.y, GraphScene::kGridSize), 0.0);
  w->view().setFocus();
  w->view().zoomBy(0.2);
  QTest::keyClick(&w->view(), Qt::Key_F);
  EXPECT_DOUBLE_EQ(w->view().zoom(), 1.0);  // one small node fits at 1:1
}

TEST(MainWindow, CatalogIsFoundNextToTheExecutableOrThroughTheEnvironment) {
  QTemporaryDir dir;
  QDir(dir.path()).mkpath("bin");
  QDir(dir.path()).mkpath("share/rivulet");
  const QString bin = dir.filePath("bin");
  qunsetenv("RIVULET_CATALOG");
  EXPECT_EQ(locateCatalog({}, bin), QString());
  qputenv("RIVULET_CATALOG", "/somewhere/catalog.json");
  EXPECT_EQ(locateCatalog({}, bin), "/somewhere/catalog.json");
  QFile(dir.filePath("share/rivulet/catalog.json")).open(QIODevice::WriteOnly);
  EXPECT_EQ(locateCatalog({}, bin), dir.filePath("share/rivulet/catalog.json"));
  QFile(dir.filePath("bin/catalog.json")).open(QIODevice::WriteOnly);
  EXPECT_EQ(locateCatalog({}, bin), dir.filePath("bin/catalog.json"));
  EXPECT_EQ(locateCatalog("/explicit.json", bin), "/explicit.json");
  qunsetenv("RIVULET_CATALOG");
}

// With the real catalog (exported by the CLI when it has been built) every example must also be
// valid; without it, only that it opens laid out.
TEST(MainWindow, ExampleGraphsOpenLaidOutAndValid) {
  const QDir examples(QStringLiteral(RIVULET_SOURCE_DIR "/examples"));
  QStringList graphs_found;
  for (const QString& sub : examples.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    for (const QString& f : QDir(examples.filePath(sub)).entryList({"*.json"}, QDir::Files)) {
      graphs_found << examples.filePath(sub + "/" + f);
    }
  }
  ASSERT_FALSE(graphs_found.isEmpty()) << "no example graphs found";
  // The full build always has the CLI; the editor itself never links the operators.
  const std::optional<graphs::Catalog>& real_catalog = test::realCatalog();
  ASSERT_TRUE(real_catalog.has_value());
  for (const QString& path : graphs_found) {
    test::Window w(*real_catalog);
    ASSERT_TRUE(w->openFile(path)) << path.toStdString();
    EXPECT_FALSE(needsLayout(w->document().graph())) << path.toStdString();
    EXPECT_FALSE(w->isWindowModified());
    w->validation().validateNow();
    for (const auto& problem : w->validation().report().problems) {
      ADD_FAILURE() << path.toStdString() << ": " << problem.to_string();
    }
  }
}

}  // namespace
}  // namespace rivulet::editor
