// The whole authoring loop through simulated user actions only: drop operators from the palette,
// wire them by dragging between ports, type parameters into the inspector, save, reopen and
// compare; then undo back to empty and redo to the same graph.
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/parameter_editors.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::editor {
namespace {

using test::clickNode;
using test::dragBetweenPorts;
using test::dropFromPalette;
using test::typeIntoParameter;

// What the user builds below, positions aside (those come from where the drops landed).
graphs::Graph expectedGraph() {
  graphs::Graph g;
  graphs::Node source;
  source.id = "events_source_1";
  source.kind = "events_source";
  source.label = "payments";
  source.set_parameter("schema", graphs::Schema{{"user", graphs::FieldType::String, false},
                                                {"amount", graphs::FieldType::Float64, false}});
  source.set_parameter("rate", std::int64_t{250});
  graphs::Node filter;
  filter.id = "filter_1";
  filter.kind = "filter";
  filter.set_parameter("condition", graphs::Expression{"amount > 100"});
  filter.parallelism = 2;
  graphs::Node key_by;
  key_by.id = "key_by_1";
  key_by.kind = "key_by";
  key_by.set_parameter("keys", graphs::StringList{"user"});
  graphs::Node window;
  window.id = "window_count_1";
  window.kind = "window_count";
  window.set_parameter("size", graphs::Duration{5 * 60 * 1000});
  graphs::Node sink;
  sink.id = "print_sink_1";
  sink.kind = "print_sink";
  g.nodes = {source, filter, key_by, window, sink};
  auto edge = [](std::string a, std::string b, graphs::PartitioningKind kind) {
    graphs::Edge e;
    e.from = {std::move(a), "out"};
    e.to = {std::move(b), "in"};
    e.partitioning.kind = kind;
    return e;
  };
  // The filter runs twice as wide, so records are rebalanced into it and out of it.
  using PK = graphs::PartitioningKind;
  g.edges = {edge("events_source_1", "filter_1", PK::Rebalance),
             edge("filter_1", "key_by_1", PK::Rebalance),
             edge("key_by_1", "window_count_1", PK::Forward),
             edge("window_count_1", "print_sink_1", PK::Forward)};
  return g;
}

graphs::Graph withoutPositions(graphs::Graph g) {
  for (auto& n : g.nodes) n.position = {};
  return g;
}

TEST(Authoring, BuildSaveReopenUndoRedoThroughUserActions) {
  test::Window w;
  MainWindow& win = *w;
  // Drop five operators left to right.
  const char* kinds[] = {"events_source", "filter", "key_by", "window_count", "print_sink"};
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(dropFromPalette(win, kinds[i], QPoint(140 + i * 230, 250 + (i % 2) * 60)));
    ASSERT_FALSE(ids.back().empty()) << kinds[i];
  }
  // Wire them port to port.
  for (int i = 0; i + 1 < 5; ++i) dragBetweenPorts(win, ids[i], "out", ids[i + 1], "in");
  ASSERT_EQ(win.document().graph().edges.size(), 4u);

  // Parameters, label and parallelism through the inspector.
  clickNode(win, ids[0]);
  ASSERT_EQ(win.inspector().nodeId(), ids[0]);
  typeIntoParameter(win, "schema", "user: string\namount: float64");
  typeIntoParameter(win, "rate", "250");
  win.inspector().labelField()->setFocus();
  QTest::keyClicks(win.inspector().labelField(), "payments");
  QTest::keyClick(win.inspector().labelField(), Qt::Key_Return);

  win.validation().validateNow();  // the debounced run, now: filter's input schema is known
  clickNode(win, ids[1]);
  ASSERT_EQ(win.inspector().nodeId(), ids[1]);
  typeIntoParameter(win, "condition", "amount > 100");
  EXPECT_EQ(win.inspector().parameterEditor("condition")->errorText(), QString());
  QSpinBox* parallelism = win.inspector().parallelismField();
  parallelism->setFocus();
  QTest::keyClick(parallelism, Qt::Key_Up);  // 1 → 2

  win.validation().validateNow();
  clickNode(win, ids[2]);
  typeIntoParameter(win, "keys", "user");
  clickNode(win, ids[3]);
  typeIntoParameter(win, "size", "5");
  auto* units = win.inspector().parameterEditor("size")->findChild<QComboBox*>();
  ASSERT_TRUE(units);
  // Pick "min" as a user would: open the drop-down with the keyboard and choose.
  units->setFocus();
  QTest::keyClick(units, Qt::Key_End);  // h
  QTest::keyClick(units, Qt::Key_Up);   // min

  // Edges into and out of the wider filter: rebalance, picked in the edge inspector.
  for (int edge : {0, 1}) {
    win.scene().selectEdge(edge);
    QComboBox* partitioning = win.inspector().partitioningField();
    ASSERT_TRUE(partitioning);
    partitioning->setFocus();
    QTest::keyClick(partitioning, Qt::Key_End);  // rebalance, the last entry
  }

  const graphs::Graph built = win.document().graph();
  EXPECT_EQ(withoutPositions(built), expectedGraph());
  win.validation().validateNow();
  for (const auto& problem : win.validation().report().problems) {
    ADD_FAILURE() << problem.to_string();
  }

  // Save, reopen in a second window, compare — positions included, exactly.
  QTemporaryDir dir;
  const QString path = dir.filePath("built.rgraph");
  ASSERT_TRUE(win.saveTo(path));
  EXPECT_FALSE(win.isWindowModified());
  test::Window other;
  ASSERT_TRUE(other->openFile(path));
  EXPECT_EQ(other->document().graph(), built);
  auto from_disk = graphs::load_graph(path.toStdString());
  ASSERT_TRUE(from_disk.ok());
  EXPECT_EQ(*from_disk, built);

  // Undo back to empty, redo to the same graph.
  QUndoStack* stack = win.document().undoStack();
  while (stack->canUndo()) stack->undo();
  EXPECT_EQ(win.document().graph(), graphs::Graph{});
  EXPECT_TRUE(win.scene().items().isEmpty());
  while (stack->canRedo()) stack->redo();
  EXPECT_EQ(win.document().graph(), built);
  EXPECT_FALSE(win.isWindowModified());  // back at the saved state
}

TEST(Authoring, IncompatiblePortsRefuseToConnect) {
  test::Window w;
  MainWindow& win = *w;
  const std::string source = dropFromPalette(win, "events_source", QPoint(200, 200));
  const std::string window = dropFromPalette(win, "window_count", QPoint(600, 200));
  QSignalSpy refused(&win.scene(), &GraphScene::connectionRefused);
  dragBetweenPorts(win, source, "out", window, "in");  // records into a keyed input
  EXPECT_TRUE(win.document().graph().edges.empty());
  ASSERT_EQ(refused.count(), 1);
  EXPECT_TRUE(refused.front().front().toString().contains("keyed"));
}

TEST(Authoring, DeleteKeyRemovesSelectionAndUndoBringsItBack) {
  test::Window w;
  MainWindow& win = *w;
  const std::string a = dropFromPalette(win, "events_source", QPoint(200, 200));
  const std::string b = dropFromPalette(win, "print_sink", QPoint(600, 200));
  dragBetweenPorts(win, a, "out", b, "in");
  const graphs::Graph before = win.document().graph();
  clickNode(win, a);
  win.view().setFocus();
  QTest::keyClick(&win.view(), Qt::Key_Delete);
  EXPECT_EQ(win.document().graph().nodes.size(), 1u);
  EXPECT_TRUE(win.document().graph().edges.empty());
  QTest::keyClick(&win.view(), Qt::Key_Z, Qt::ControlModifier);
  EXPECT_EQ(win.document().graph(), before);
}

TEST(Authoring, DraggingANodeIsOneUndoableMove) {
  test::Window w;
  MainWindow& win = *w;
  const std::string a = dropFromPalette(win, "filter", QPoint(300, 300));
  const graphs::Position start = win.document().graph().nodes[0].position;
  NodeItem* item = win.scene().nodeItem(a);
  const QPoint grab = win.view().mapFromScene(item->mapToScene(QPointF(NodeItem::kWidth / 2, 10)));
  QWidget* vp = win.view().viewport();
  QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, grab);
  QTest::mouseMove(vp, grab + QPoint(40, 20));
  QTest::mouseMove(vp, grab + QPoint(100, 50));
  QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, grab + QPoint(100, 50));
  const graphs::Position end = win.document().graph().nodes[0].position;
  EXPECT_NE(end, start);
  win.document().undoStack()->undo();
  EXPECT_EQ(win.document().graph().nodes[0].position, start);
}

TEST(Authoring, CopyPasteAndDuplicate) {
  test::Window w;
  MainWindow& win = *w;
  const std::string a = dropFromPalette(win, "filter", QPoint(300, 300));
  clickNode(win, a);
  win.view().setFocus();
  QTest::keyClick(&win.view(), Qt::Key_C, Qt::ControlModifier);
  QTest::keyClick(&win.view(), Qt::Key_V, Qt::ControlModifier);
  QTest::keyClick(&win.view(), Qt::Key_D, Qt::ControlModifier);
  const auto& nodes = win.document().graph().nodes;
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[1].id, "filter_2");
  EXPECT_EQ(nodes[2].id, "filter_3");
  win.document().undoStack()->undo();
  win.document().undoStack()->undo();
  EXPECT_EQ(win.document().graph().nodes.size(), 1u);
}

TEST(Authoring, EdgeInspectorSetsHashPartitioning) {
  test::Window w;
  MainWindow& win = *w;
  const std::string a = dropFromPalette(win, "events_source", QPoint(200, 200));
  const std::string b = dropFromPalette(win, "print_sink", QPoint(700, 200));
  dragBetweenPorts(win, a, "out", b, "in");
  win.scene().selectEdge(0);
  QComboBox* kind = win.inspector().partitioningField();
  ASSERT_TRUE(kind);
  kind->setFocus();
  QTest::keyClick(kind, Qt::Key_Down);  // forward → hash
  QLineEdit* keys = win.inspector().keyFieldsField();
  keys->setFocus();
  QTest::keyClicks(keys, "user, region");
  QTest::keyClick(keys, Qt::Key_Return);
  const graphs::Partitioning& p = win.document().graph().edges[0].partitioning;
  EXPECT_EQ(p.kind, graphs::PartitioningKind::Hash);
  EXPECT_EQ(p.key_fields, (std::vector<std::string>{"user", "region"}));
}

}  // namespace
}  // namespace rivulet::editor
