// Graphs with parameters or kinds the catalog does not know (typos, renamed or retired
// parameters, a plugin this catalog lacks) can be fixed inside the editor: the inspector renames
// or removes an unknown parameter and changes an unknown kind, keeping the parameters; every fix
// is one undo step. Driven by clicks on the inspector's own buttons.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/node_item.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::editor {
namespace {

using test::clickNode;
using test::waitFor;

graphs::Node node(std::string id, std::string kind, graphs::Position at) {
  graphs::Node n;
  n.id = std::move(id);
  n.kind = std::move(kind);
  n.position = at;
  return n;
}

// Saves `graph` and opens it in the window, as a user opens a file someone else wrote.
void openGraph(MainWindow& win, const graphs::Graph& graph, QTemporaryDir& dir) {
  const QString path = dir.filePath("given.rgraph");
  ASSERT_TRUE(graphs::save_graph(graph, path.toStdString()).ok());
  ASSERT_TRUE(win.openFile(path));
}

QWidget* unknownRow(MainWindow& win, const QString& name) {
  return win.inspector().findChild<QWidget*>(QStringLiteral("unknown_") + name);
}

// The node's parameter problems (its unconnected input is not what these tests are about).
std::vector<std::string> problemsAbout(MainWindow& win, const std::string& node_id) {
  win.validation().validateNow();
  std::vector<std::string> out;
  for (const auto& p : win.validation().report().problems) {
    if (p.node_id == node_id && p.field.rfind("parameters.", 0) == 0) {
      out.push_back(p.to_string());
    }
  }
  return out;
}

TEST(InspectorFixes, UnknownParametersAreRenamedOrRemovedInOneUndoStepEach) {
  test::Window w;
  MainWindow& win = *w;
  graphs::Graph graph;
  graphs::Node window = node("counts", "window_count", {100, 100});
  window.set_parameter("sise", graphs::Duration{5 * 60 * 1000});  // a typo for size
  window.set_parameter("colour", std::string("red"));             // not a parameter at all
  graph.nodes = {window};
  QTemporaryDir dir;
  openGraph(win, graph, dir);
  clickNode(win, "counts");
  ASSERT_EQ(win.inspector().nodeId(), "counts");
  EXPECT_EQ(problemsAbout(win, "counts").size(), 3u);  // sise, colour unknown; size missing

  QWidget* sise = unknownRow(win, "sise");
  ASSERT_TRUE(sise);
  auto* target = sise->findChild<QComboBox*>(QStringLiteral("renameTo"));
  ASSERT_TRUE(target);
  EXPECT_EQ(target->currentText(), QStringLiteral("size")) << "the likeliest name comes first";
  QTest::mouseClick(sise->findChild<QPushButton*>(QStringLiteral("rename")), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return unknownRow(win, "sise") == nullptr; }));
  const graphs::Node* fixed = win.document().graph().node("counts");
  ASSERT_NE(fixed->parameter("size"), nullptr);
  EXPECT_EQ(*fixed->parameter("size"), graphs::Value(graphs::Duration{5 * 60 * 1000}));
  EXPECT_EQ(fixed->parameter("sise"), nullptr);
  ASSERT_NE(win.inspector().parameterEditor("size"), nullptr);

  QWidget* colour = unknownRow(win, "colour");
  ASSERT_TRUE(colour);
  QTest::mouseClick(colour->findChild<QPushButton*>(QStringLiteral("remove")), Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return unknownRow(win, "colour") == nullptr; }));
  EXPECT_EQ(win.document().graph().node("counts")->parameter("colour"), nullptr);
  EXPECT_EQ(problemsAbout(win, "counts"), std::vector<std::string>{});

  // Each fix is one undo step; undoing brings the rows back.
  win.view().setFocus();
  QTest::keyClick(&win.view(), Qt::Key_Z, Qt::ControlModifier);
  ASSERT_TRUE(waitFor([&] { return unknownRow(win, "colour") != nullptr; }));
  EXPECT_EQ(unknownRow(win, "sise"), nullptr);
  QTest::keyClick(&win.view(), Qt::Key_Z, Qt::ControlModifier);
  ASSERT_TRUE(waitFor([&] { return unknownRow(win, "sise") != nullptr; }));
  EXPECT_EQ(win.document().graph(), graph);
}

TEST(InspectorFixes, AnUnknownKindIsChangedKeepingItsParametersAndEdges) {
  test::Window w;
  MainWindow& win = *w;
  graphs::Graph graph;
  graphs::Node keys = node("keys", "key_by", {100, 100});
  keys.set_parameter("keys", graphs::StringList{"user"});
  graphs::Node counts = node("counts", "window_cnt", {400, 100});  // a typo for window_count
  counts.set_parameter("size", graphs::Duration{60000});
  counts.set_parameter("mode", std::string("sliding"));
  counts.set_parameter("bogus", std::int64_t{1});
  graphs::Edge edge;
  edge.from = {"keys", "out"};
  edge.to = {"counts", "in"};
  graph.nodes = {keys, counts};
  graph.edges = {edge};
  QTemporaryDir dir;
  openGraph(win, graph, dir);
  clickNode(win, "counts");
  ASSERT_EQ(win.inspector().nodeId(), "counts");
  auto* kind = win.inspector().findChild<QComboBox*>(QStringLiteral("changeKind"));
  ASSERT_TRUE(kind);
  EXPECT_EQ(kind->currentText(), QStringLiteral("window_count"));
  QTest::mouseClick(win.inspector().findChild<QPushButton*>(QStringLiteral("applyKind")),
                    Qt::LeftButton);
  ASSERT_TRUE(
      waitFor([&] { return win.document().graph().node("counts")->kind == "window_count"; }));

  const graphs::Graph& now = win.document().graph();
  EXPECT_EQ(now.node("counts")->parameters, counts.parameters) << "every parameter is kept";
  EXPECT_EQ(now.edges, graph.edges);
  EXPECT_EQ(now.nodes[1].id, "counts") << "the node keeps its place";
  // The canvas draws the new kind's ports, the inspector shows it, with 'bogus' to fix.
  ASSERT_TRUE(waitFor([&] { return win.inspector().nodeId() == "counts"; }));
  EXPECT_NE(win.inspector().parameterEditor("size"), nullptr);
  EXPECT_NE(unknownRow(win, "bogus"), nullptr);
  ASSERT_NE(win.scene().nodeItem("counts"), nullptr);
  EXPECT_TRUE(win.scene().nodeItem("counts")->isSelected());
  EXPECT_NE(win.scene().edgeItem(0), nullptr);

  win.view().setFocus();
  QTest::keyClick(&win.view(), Qt::Key_Z, Qt::ControlModifier);
  EXPECT_EQ(win.document().graph(), graph);
}

}  // namespace
}  // namespace rivulet::editor
