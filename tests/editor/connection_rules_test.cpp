// A new edge into a keyed input starts hash-partitioned on the keys the upstream key_by declares
// (PortSpec::keyed_by), and a forward edge into a keyed input from unkeyed records is reported
// in the Problems panel (by the validator, named by edge and field).
#include "editor/connection_rules.hpp"

#include <gtest/gtest.h>

#include <QFile>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/problems_panel.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

TEST(ConnectionDefaults, AnEdgeIntoAKeyedInputHashesOnTheUpstreamKeys) {
  test::Window w;
  MainWindow& win = *w;
  const std::string source = test::dropFromPalette(win, "events_source", QPoint(150, 200));
  const std::string keys = test::dropFromPalette(win, "key_by", QPoint(450, 200));
  const std::string window = test::dropFromPalette(win, "window_count", QPoint(750, 200));
  const std::string sink = test::dropFromPalette(win, "print_sink", QPoint(1050, 200));
  ASSERT_FALSE(source.empty() || keys.empty() || window.empty() || sink.empty());
  test::clickNode(win, source);
  test::typeIntoParameter(win, "schema", "user: string\namount: float64");
  test::dragBetweenPorts(win, source, "out", keys, "in");
  test::clickNode(win, keys);
  test::typeIntoParameter(win, "keys", "user");
  test::dragBetweenPorts(win, keys, "out", window, "in");
  test::dragBetweenPorts(win, window, "out", sink, "in");
  const auto& edges = win.document().graph().edges;
  ASSERT_EQ(edges.size(), 3u);
  // Records into a records input: forward. Keyed by key_by into a keyed input: hash(user).
  EXPECT_EQ(edges[0].partitioning.kind, graphs::PartitioningKind::Forward);
  EXPECT_EQ(edges[1].partitioning.kind, graphs::PartitioningKind::Hash);
  EXPECT_EQ(edges[1].partitioning.key_fields, std::vector<std::string>{"user"});
  EXPECT_EQ(edges[2].partitioning.kind, graphs::PartitioningKind::Forward);
  EXPECT_EQ(win.scene().edgeItem(1)->partitioningLabel(), QStringLiteral("hash(user)"));
  win.validation().validateNow();
  for (const auto& p : win.validation().report().problems) {
    EXPECT_FALSE(p.edge.has_value()) << p.to_string();
  }
  // Changing key_by's keys in the inspector takes the hash edge along, in the same undo step.
  test::clickNode(win, keys);
  test::typeIntoParameter(win, "keys", "amount");
  EXPECT_EQ(edges[1].partitioning.key_fields, std::vector<std::string>{"amount"});
  EXPECT_EQ(win.scene().edgeItem(1)->partitioningLabel(), QStringLiteral("hash(amount)"));
  test::action(win, "actionUndo")->trigger();
  EXPECT_EQ(edges[1].partitioning.key_fields, std::vector<std::string>{"user"});
  EXPECT_EQ(win.scene().edgeItem(1)->partitioningLabel(), QStringLiteral("hash(user)"));
  test::action(win, "actionRedo")->trigger();
  EXPECT_EQ(edges[1].partitioning.key_fields, std::vector<std::string>{"amount"});
  test::action(win, "actionUndo")->trigger();
  // A hash edge the user keyed otherwise is left alone.
  win.scene().selectEdge(1);
  QLineEdit* key_fields = win.inspector().keyFieldsField();
  ASSERT_NE(key_fields, nullptr);
  key_fields->setFocus();
  QTest::keyClick(key_fields, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(key_fields, QStringLiteral("user, amount"));
  QTest::keyClick(key_fields, Qt::Key_Return);
  ASSERT_EQ(edges[1].partitioning.key_fields, (std::vector<std::string>{"user", "amount"}));
  test::clickNode(win, keys);
  test::typeIntoParameter(win, "keys", "amount");
  EXPECT_EQ(edges[1].partitioning.key_fields, (std::vector<std::string>{"user", "amount"}));
  test::action(win, "actionUndo")->trigger();
  test::action(win, "actionUndo")->trigger();
  EXPECT_EQ(edges[1].partitioning.key_fields, std::vector<std::string>{"user"});

  // One undo takes the connection away, partitioning and all.
  test::action(win, "actionUndo")->trigger();
  test::action(win, "actionUndo")->trigger();
  ASSERT_EQ(edges.size(), 1u);
}

TEST(ConnectionDefaults, KeysAreFollowedThroughAKeyedOutputThatKeepsThem) {
  graphs::Catalog catalog = test::testCatalog();
  // A keyed pass-through (keyed in, keyed out without keyed_by: it keeps its input's keys).
  graphs::OperatorSpec pass;
  pass.kind = "keyed_pass";
  graphs::PortSpec in;
  in.name = "in";
  in.kind = graphs::PortKind::Keyed;
  graphs::PortSpec out;
  out.name = "out";
  out.kind = graphs::PortKind::Keyed;
  pass.inputs.push_back(in);
  pass.outputs.push_back(out);
  catalog.operators.push_back(pass);
  graphs::Graph g;
  graphs::Node k;
  k.id = "k";
  k.kind = "key_by";
  k.set_parameter("keys", graphs::StringList{"a", "b"});
  graphs::Node p;
  p.id = "p";
  p.kind = "keyed_pass";
  graphs::Node win;
  win.id = "w";
  win.kind = "window_count";
  g.nodes = {k, p, win};
  g.edges.push_back(graphs::Edge{{"k", "out"}, {"p", "in"}, {}});  // forward: keys of key_by
  EXPECT_EQ(upstreamKeys(g, catalog, {"p", "out"}), (std::vector<std::string>{"a", "b"}));
  const graphs::Partitioning d = defaultPartitioning(g, catalog, {"p", "out"}, {"w", "in"});
  EXPECT_EQ(d.kind, graphs::PartitioningKind::Hash);
  EXPECT_EQ(d.key_fields, (std::vector<std::string>{"a", "b"}));
  // An explicit hash edge wins; an unkeyed output gives no keys.
  g.edges[0].partitioning = {graphs::PartitioningKind::Hash, {"b"}};
  EXPECT_EQ(upstreamKeys(g, catalog, {"p", "out"}), std::vector<std::string>{"b"});
  EXPECT_TRUE(upstreamKeys(g, catalog, {"w", "out"}).empty());
  EXPECT_EQ(defaultPartitioning(g, catalog, {"w", "out"}, {"p", "in"}).kind,
            graphs::PartitioningKind::Forward);
}

TEST(ConnectionDefaults, AForwardEdgeIntoAKeyedInputIsReportedInTheProblemsPanel) {
  // The canvas refuses such a drag; a file can still hold one. Opened through File → Open.
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("forward-into-keyed.json"));
  {
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({
  "formatVersion": 1, "name": "forward-into-keyed",
  "nodes": [
    {"id": "events", "kind": "events_source", "parameters": [
      {"name": "schema", "value": {"schema": [{"name": "user", "type": "string"}]}}],
     "parallelism": 1, "position": {"x": 0, "y": 0}},
    {"id": "counts", "kind": "window_count", "parameters": [
      {"name": "size", "value": {"durationMs": "60000"}}],
     "parallelism": 1, "position": {"x": 300, "y": 0}}
  ],
  "edges": [
    {"from": {"node": "events", "port": "out"}, "to": {"node": "counts", "port": "in"},
     "partitioning": {"forward": null}}
  ]
})");
  }
  test::Window w;
  MainWindow& win = *w;
  win.setFileChooser([&](MainWindow::FileDialogKind, const QString&) { return path; });
  test::action(win, "actionOpen")->trigger();
  ASSERT_EQ(win.document().graph().edges.size(), 1u);
  win.validation().validateNow();
  QTreeWidget* problems = win.problems().list();
  bool reported = false;
  QString rows;
  for (int i = 0; i < problems->topLevelItemCount(); ++i) {
    const QTreeWidgetItem* row = problems->topLevelItem(i);
    rows += row->text(0) + " | " + row->text(1) + " | " + row->text(2) + "\n";
    reported = reported || (row->text(0).contains(QStringLiteral("needs a keyed stream")) &&
                            row->text(2) == QStringLiteral("to.port"));
  }
  EXPECT_TRUE(reported) << rows.toStdString();
  EXPECT_EQ(win.scene().edgeItem(0)->badge(), Badge::Error);
  EXPECT_EQ(win.scene().edgeItem(0)->partitioningLabel(), QStringLiteral("forward"));
}

}  // namespace
}  // namespace rivulet::editor
