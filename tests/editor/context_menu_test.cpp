// The canvas context menu, reached the way Qt delivers a right-click (a QContextMenuEvent on the
// canvas viewport): what it offers on a node, on an edge and on empty canvas, and that its
// entries do the job as undoable edits. The menu is captured by the window's menu presenter
// hook instead of being exec()'d.
#include <gtest/gtest.h>

#include <QAction>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QMenu>
#include <QTest>
#include <functional>

#include "editor/commands.hpp"
#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/main_window.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

QString plain(QString text) { return text.remove(QLatin1Char('&')); }

QStringList entries(const QMenu& menu) {
  QStringList out;
  for (QAction* a : menu.actions()) {
    if (!a->isSeparator()) out << plain(a->text());
  }
  return out;
}

// An entry by path, "Add Operator/transform/filter"; nullptr when absent.
QAction* entry(const QMenu& menu, const QString& path) {
  const QStringList parts = path.split(QLatin1Char('/'));
  const QMenu* current = &menu;
  for (int i = 0; i < parts.size(); ++i) {
    QAction* found = nullptr;
    for (QAction* a : current->actions()) {
      if (plain(a->text()) == parts[i]) found = a;
    }
    if (!found) return nullptr;
    if (i + 1 == parts.size()) return found;
    current = found->menu();
    if (!current) return nullptr;
  }
  return nullptr;
}

// Right-clicks the canvas at a viewport point and runs `with_menu` while the menu is "open".
// Returns false when no menu was shown.
bool rightClick(MainWindow& win, const QPoint& at, const std::function<void(QMenu&)>& with_menu) {
  QWidget* vp = win.view().viewport();
  bool shown = false;
  win.setMenuPresenter([&](QMenu& menu, const QPoint& screen_pos) {
    shown = true;
    EXPECT_EQ(screen_pos, vp->mapToGlobal(at)) << "the menu must open at the cursor";
    with_menu(menu);
  });
  QContextMenuEvent event(QContextMenuEvent::Mouse, at, vp->mapToGlobal(at));
  QApplication::sendEvent(vp, &event);
  return shown;
}

// events_source_1 at (0,0) → filter_1 at (400,0), the view at 1:1 around them.
void sourceToFilter(MainWindow& win) {
  auto& doc = win.document();
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode("events_source", {0, 0})));
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode("filter", {400, 0})));
  graphs::Edge e;
  e.from = {"events_source_1", "out"};
  e.to = {"filter_1", "in"};
  doc.undoStack()->push(new ConnectCommand(doc, e));
  win.view().resetTransform();
  win.view().centerOn(290, 50);
}

QPoint onNode(MainWindow& win, const std::string& id) {
  return win.view().mapFromScene(
      win.scene().nodeItem(id)->mapToScene(QPointF(NodeItem::kWidth / 2, 12)));
}

QPoint onEdge(MainWindow& win, int index) {
  return win.view().mapFromScene(win.scene().edgeItem(index)->path().pointAtPercent(0.5));
}

TEST(ContextMenu, OnANodeOffersEditingTheNodeAndDeleteIsUndoable) {
  test::Window w;
  sourceToFilter(*w);
  const graphs::Graph before = w->document().graph();
  w->scene().selectOnly("events_source_1");  // right-click elsewhere moves the selection
  ASSERT_TRUE(rightClick(*w, onNode(*w, "filter_1"), [&](QMenu& menu) {
    EXPECT_EQ(entries(menu), (QStringList{"Cut", "Copy", "Duplicate", "Delete"}));
    EXPECT_EQ(w->scene().selectedNodeIds(), (std::set<std::string>{"filter_1"}));
    entry(menu, "Delete")->trigger();
  }));
  EXPECT_EQ(w->document().graph().node("filter_1"), nullptr);
  EXPECT_TRUE(w->document().graph().edges.empty()) << "its edge goes with it";
  EXPECT_NE(w->document().graph().node("events_source_1"), nullptr);
  w->document().undoStack()->undo();
  EXPECT_EQ(w->document().graph(), before);
}

TEST(ContextMenu, OnOneOfSeveralSelectedNodesActsOnTheWholeSelection) {
  test::Window w;
  sourceToFilter(*w);
  for (const char* id : {"events_source_1", "filter_1"}) {
    w->scene().nodeItem(id)->setSelected(true);
  }
  ASSERT_TRUE(rightClick(*w, onNode(*w, "filter_1"),
                         [&](QMenu& menu) { entry(menu, "Duplicate")->trigger(); }));
  EXPECT_EQ(w->document().graph().nodes.size(), 4u);
  EXPECT_EQ(w->document().graph().edges.size(), 2u) << "the edge between them is copied too";
  w->document().undoStack()->undo();
  EXPECT_EQ(w->document().graph().nodes.size(), 2u);
}

TEST(ContextMenu, OnAnEdgeOffersDeletePartitioningAndPreview) {
  test::Window w;
  sourceToFilter(*w);
  const graphs::Graph before = w->document().graph();
  ASSERT_TRUE(rightClick(*w, onEdge(*w, 0), [&](QMenu& menu) {
    EXPECT_EQ(entries(menu), (QStringList{"Delete", "Partitioning", "Preview records"}));
    EXPECT_FALSE(entry(menu, "Preview records")->isEnabled()) << "only in monitor mode";
    EXPECT_EQ(w->scene().selectedEdgeIndices(), std::vector<int>{0});
    QAction* forward = entry(menu, "Partitioning/forward");
    ASSERT_TRUE(forward);
    EXPECT_TRUE(forward->isChecked());
    EXPECT_EQ(entries(*entry(menu, "Partitioning")->menu()),
              (QStringList{"forward", "hash", "broadcast", "rebalance"}));
    entry(menu, "Partitioning/rebalance")->trigger();
  }));
  EXPECT_EQ(w->document().graph().edges[0].partitioning.kind, graphs::PartitioningKind::Rebalance);
  w->document().undoStack()->undo();
  EXPECT_EQ(w->document().graph(), before);

  ASSERT_TRUE(
      rightClick(*w, onEdge(*w, 0), [&](QMenu& menu) { entry(menu, "Delete")->trigger(); }));
  EXPECT_TRUE(w->document().graph().edges.empty());
  EXPECT_EQ(w->document().graph().nodes.size(), 2u) << "deleting an edge keeps its nodes";
  w->document().undoStack()->undo();
  EXPECT_EQ(w->document().graph(), before);
}

TEST(ContextMenu, OnEmptyCanvasOffersAddingOperatorsWhereClicked) {
  test::Window w;
  sourceToFilter(*w);
  QGuiApplication::clipboard()->clear();
  w->scene().selectOnly("filter_1");
  const QPoint at = w->view().mapFromScene(QPointF(200, 400));
  const QPointF scene_at = w->view().mapToScene(at);
  ASSERT_TRUE(rightClick(*w, at, [&](QMenu& menu) {
    EXPECT_EQ(entries(menu), (QStringList{"Paste Here", "Add Operator", "Select All", "Zoom to Fit",
                                          "Auto Layout"}));
    EXPECT_TRUE(w->scene().selectedItems().isEmpty()) << "right-click on the canvas deselects";
    EXPECT_FALSE(entry(menu, "Paste Here")->isEnabled()) << "nothing to paste";
    EXPECT_EQ(entries(*entry(menu, "Add Operator")->menu()),
              (QStringList{"keying", "sink", "source", "transform", "window"}));
    // The catalog's description is the tooltip, as in the palette.
    for (const auto& op : test::testCatalog().operators) {
      QAction* a =
          entry(menu, QString::fromStdString("Add Operator/" + op.category + "/" + op.kind));
      ASSERT_TRUE(a) << op.kind;
      EXPECT_EQ(a->toolTip().toStdString(), op.description);
    }
    entry(menu, "Add Operator/window/window_count")->trigger();
  }));
  const graphs::Node* added = w->document().graph().node("window_count_1");
  ASSERT_TRUE(added);
  EXPECT_DOUBLE_EQ(added->position.x, scene_at.x() - NodeItem::kWidth / 2);
  EXPECT_DOUBLE_EQ(added->position.y, scene_at.y() - NodeItem::kHeaderHeight / 2);
  w->document().undoStack()->undo();
  EXPECT_EQ(w->document().graph().node("window_count_1"), nullptr);
}

TEST(ContextMenu, PasteHerePutsTheCopyAtTheClickedPoint) {
  test::Window w;
  sourceToFilter(*w);
  w->scene().selectOnly("filter_1");
  test::action(*w, "actionCopy")->trigger();
  const QPoint at = w->view().mapFromScene(QPointF(100, 300));
  const QPointF scene_at = w->view().mapToScene(at);
  ASSERT_TRUE(rightClick(*w, at, [&](QMenu& menu) {
    QAction* paste = entry(menu, "Paste Here");
    ASSERT_TRUE(paste && paste->isEnabled());
    paste->trigger();
  }));
  const graphs::Node* pasted = w->document().graph().node("filter_2");
  ASSERT_TRUE(pasted);
  EXPECT_EQ(pasted->position, (graphs::Position{scene_at.x(), scene_at.y()}));
  EXPECT_EQ(w->scene().selectedNodeIds(), (std::set<std::string>{"filter_2"}));
  w->document().undoStack()->undo();
  EXPECT_EQ(w->document().graph().nodes.size(), 2u);
}

TEST(ContextMenu, CanvasEntriesRunTheWindowActions) {
  test::Window w;
  sourceToFilter(*w);
  ASSERT_TRUE(rightClick(*w, w->view().mapFromScene(QPointF(200, 500)), [&](QMenu& menu) {
    EXPECT_EQ(entry(menu, "Select All"), test::action(*w, "actionSelectAll"));
    EXPECT_EQ(entry(menu, "Zoom to Fit"), test::action(*w, "actionZoomFit"));
    EXPECT_EQ(entry(menu, "Auto Layout"), test::action(*w, "actionAutoLayout"));
    entry(menu, "Select All")->trigger();
  }));
  EXPECT_EQ(w->scene().selectedNodeIds().size(), 2u);
  EXPECT_EQ(w->scene().selectedEdgeIndices().size(), 1u);
}

}  // namespace
}  // namespace rivulet::editor
