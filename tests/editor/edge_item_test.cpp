// Edges show their partitioning as a label under their middle, and it follows the inspector's
// edits and their undo.
#include "editor/edge_item.hpp"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QTest>

#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

TEST(EdgeLabel, ShowsThePartitioningAndFollowsEditsAndUndo) {
  test::Window w;
  MainWindow& win = *w;
  const std::string source = test::dropFromPalette(win, "events_source", QPoint(200, 200));
  const std::string filter = test::dropFromPalette(win, "filter", QPoint(600, 200));
  ASSERT_FALSE(source.empty());
  ASSERT_FALSE(filter.empty());
  test::clickNode(win, source);
  test::typeIntoParameter(win, "schema", "user: string\namount: float64");
  test::dragBetweenPorts(win, source, "out", filter, "in");
  ASSERT_EQ(win.document().graph().edges.size(), 1u);
  EdgeItem* edge = win.scene().edgeItem(0);
  ASSERT_NE(edge, nullptr);
  EXPECT_EQ(edge->partitioningLabel(), QStringLiteral("forward"));
  EXPECT_TRUE(edge->boundingRect().contains(edge->partitioningLabelRect()));

  // Broadcast from the inspector's drop-down (keyboard), then back with undo.
  win.validation().validateNow();
  win.scene().selectEdge(0);
  QComboBox* kind = win.inspector().partitioningField();
  ASSERT_NE(kind, nullptr);
  kind->setFocus();
  QTest::keyClick(kind, Qt::Key_End);  // rebalance, the last
  EXPECT_EQ(edge->partitioningLabel(), QStringLiteral("rebalance"));
  QTest::keyClick(kind, Qt::Key_Up);  // broadcast
  EXPECT_EQ(edge->partitioningLabel(), QStringLiteral("broadcast"));
  test::action(win, "actionUndo")->trigger();
  EXPECT_EQ(edge->partitioningLabel(), QStringLiteral("rebalance"));

  // Hash keys picked from the records crossing the edge name the label.
  win.scene().selectEdge(0);
  auto* key_picker = win.inspector().findChild<QComboBox*>(QStringLiteral("keyFieldPicker"));
  ASSERT_NE(key_picker, nullptr);
  key_picker->setFocus();
  QTest::keyClick(key_picker, Qt::Key_Down);  // user
  QTest::keyClick(key_picker, Qt::Key_End);   // amount
  EXPECT_EQ(edge->partitioningLabel(), QStringLiteral("hash(user, amount)"));
  while (win.document().undoStack()->canUndo() && win.document().graph().edges.size() == 1 &&
         win.document().graph().edges[0].partitioning.kind != graphs::PartitioningKind::Forward) {
    test::action(win, "actionUndo")->trigger();
  }
  EXPECT_EQ(edge->partitioningLabel(), QStringLiteral("forward"));
}

TEST(EdgeLabel, LongKeyListsAreElided) {
  graphs::Partitioning p;
  p.kind = graphs::PartitioningKind::Hash;
  p.key_fields = {"customer_identifier", "merchant_category_code", "country"};
  const QString text = EdgeItem::partitioningText(p);
  EXPECT_TRUE(text.startsWith(QStringLiteral("hash(customer_identifier, "))) << text.toStdString();
  EXPECT_TRUE(text.endsWith(QStringLiteral("\u2026)"))) << text.toStdString();
  EXPECT_EQ(EdgeItem::partitioningText({}), QStringLiteral("forward"));
}

}  // namespace
}  // namespace rivulet::editor
