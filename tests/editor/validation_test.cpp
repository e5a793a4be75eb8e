// Live validation: a parameter error shows a badge on its node and a row in the Problems panel;
// clicking the row selects the node; expressions are checked as the user types, with the error
// position marked; out-of-range numbers show an error instead of being committed.
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>
#include <QTreeWidget>
#include <gtest/gtest.h>

#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/node_item.hpp"
#include "editor/parameter_editors.hpp"
#include "editor/problems_panel.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

using test::clickNode;
using test::dragBetweenPorts;
using test::dropFromPalette;
using test::typeIntoParameter;

struct Pipeline {
  std::string source, filter, sink;
};

Pipeline buildSourceFilterSink(MainWindow& win) {
  Pipeline p;
  p.source = dropFromPalette(win, "events_source", QPoint(150, 250));
  p.filter = dropFromPalette(win, "filter", QPoint(450, 250));
  p.sink = dropFromPalette(win, "print_sink", QPoint(750, 250));
  dragBetweenPorts(win, p.source, "out", p.filter, "in");
  dragBetweenPorts(win, p.filter, "out", p.sink, "in");
  clickNode(win, p.source);
  typeIntoParameter(win, "schema", "user: string\namount: float64");
  win.validation().validateNow();
  return p;
}

TEST(Validation, ParameterErrorShowsBadgeAndProblemRow) {
  test::Window w;
  MainWindow& win = *w;
  Pipeline p = buildSourceFilterSink(win);
  clickNode(win, p.filter);
  typeIntoParameter(win, "condition", "amout > 100");  // typo: no such field
  // The debounce timer fires on its own.
  QTRY_VERIFY_WITH_TIMEOUT(win.scene().nodeItem(p.filter)->toolTip().contains("amout"), 2000);
  EXPECT_EQ(win.scene().nodeItem(p.filter)->badge(), Badge::Error);
  EXPECT_TRUE(win.scene().nodeItem(p.filter)->toolTip().contains("amout"))
      << win.scene().nodeItem(p.filter)->toolTip().toStdString();
  EXPECT_EQ(win.scene().nodeItem(p.source)->badge(), Badge::None);
  QTreeWidget* rows = win.problems().list();
  ASSERT_GE(rows->topLevelItemCount(), 1);
  QTreeWidgetItem* row = nullptr;
  for (int i = 0; i < rows->topLevelItemCount(); ++i) {
    if (rows->topLevelItem(i)->text(1).toStdString() == p.filter) row = rows->topLevelItem(i);
  }
  ASSERT_TRUE(row);
  // Click the problem: the node becomes the selection.
  win.scene().clearSelection();
  rows->scrollToItem(row);
  QTest::mouseClick(rows->viewport(), Qt::LeftButton, Qt::NoModifier,
                    rows->visualItemRect(row).center());
  EXPECT_EQ(win.scene().selectedNodeIds(), std::set<std::string>{p.filter});

  // Fixing it clears the badge.
  clickNode(win, p.filter);
  typeIntoParameter(win, "condition", "amount > 100");
  win.validation().validateNow();
  EXPECT_EQ(win.scene().nodeItem(p.filter)->badge(), Badge::None);
}

TEST(Validation, ExpressionIsCheckedWhileTypingWithThePositionMarked) {
  test::Window w;
  MainWindow& win = *w;
  Pipeline p = buildSourceFilterSink(win);
  clickNode(win, p.filter);
  ParameterEditor* editor = win.inspector().parameterEditor("condition");
  ASSERT_TRUE(editor);
  auto* field = qobject_cast<QLineEdit*>(editor->input());
  ASSERT_TRUE(field);
  field->setFocus();
  QTest::keyClicks(field, "amount > 5 AND usr = 'x'");  // not committed: no Return
  const QString error = editor->errorText();
  EXPECT_TRUE(error.contains("usr")) << "error: " << error.toStdString() << " schema known: " << (win.validation().inputSchema(p.filter, "in") != nullptr);
  // The caret line points at column 16, where "usr" starts.
  EXPECT_TRUE(error.contains("\n" + QString(15, ' ') + "^")) << error.toStdString();
  EXPECT_EQ(win.document().graph().node(p.filter)->parameter("condition"), nullptr);
}

TEST(Validation, OutOfRangeNumberShowsTheErrorAndIsNotCommitted) {
  test::Window w;
  MainWindow& win = *w;
  const std::string source = dropFromPalette(win, "events_source", QPoint(200, 200));
  clickNode(win, source);
  ParameterEditor* editor = win.inspector().parameterEditor("rate");
  ASSERT_TRUE(editor);
  auto* spin = qobject_cast<QSpinBox*>(editor->input());
  ASSERT_TRUE(spin);
  spin->setFocus();
  QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(spin, "0");  // below the minimum of 1
  EXPECT_TRUE(editor->errorText().contains("between 1 and 100000"))
      << editor->errorText().toStdString() << " text: " << spin->text().toStdString();
  QTest::keyClick(spin, Qt::Key_Return);
  EXPECT_EQ(win.document().graph().node(source)->parameter("rate"), nullptr);
}

TEST(Validation, EdgeTooltipShowsThePropagatedSchema) {
  test::Window w;
  MainWindow& win = *w;
  buildSourceFilterSink(win);
  EdgeItem* edge = win.scene().edgeItem(0);
  ASSERT_TRUE(edge);
  EXPECT_TRUE(edge->toolTip().contains("user: string")) << edge->toolTip().toStdString();
  EXPECT_TRUE(edge->toolTip().contains("amount: float64"));
}

}  // namespace
}  // namespace rivulet::editor
