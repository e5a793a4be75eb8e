// The inspector keeps what the user typed: text a field refuses stays there as a draft per node
// and field when the selection moves away and back, and the Problems panel names the real cause;
// the mouse wheel over a field scrolls the form and never changes a value. Driven by keys,
// clicks and wheel events on the real widgets.
#include "editor/inspector.hpp"

#include <gtest/gtest.h>

#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QTest>
#include <QTreeWidget>
#include <QWheelEvent>

#include "editor/graph_document.hpp"
#include "editor/main_window.hpp"
#include "editor/parameter_editors.hpp"
#include "editor/problems_panel.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

using test::clickNode;
using test::dropFromPalette;
using test::typeIntoParameter;

// Every problem the Problems panel lists, as its rows read.
QStringList panelRows(MainWindow& win) {
  QStringList rows;
  QTreeWidget* list = win.problems().list();
  for (int i = 0; i < list->topLevelItemCount(); ++i) {
    QStringList columns;
    for (int c = 0; c < list->columnCount(); ++c) columns << list->topLevelItem(i)->text(c);
    rows << columns.join(QLatin1Char(' '));
  }
  return rows;
}

bool anyRowContains(const QStringList& rows, const QString& text) {
  for (const QString& row : rows) {
    if (row.contains(text)) return true;
  }
  return false;
}

QString fieldText(MainWindow& win, const std::string& parameter) {
  QWidget* input = win.inspector().parameterEditor(parameter)->input();
  if (auto* lines = qobject_cast<QPlainTextEdit*>(input)) return lines->toPlainText();
  if (auto* spin = qobject_cast<QAbstractSpinBox*>(input)) return spin->text();
  return {};
}

TEST(InspectorDrafts, RefusedTextSurvivesSelectionChangesAndTheProblemsPanelSaysWhy) {
  test::Window w;
  MainWindow& win = *w;
  const std::string source = dropFromPalette(win, "events_source", QPoint(200, 200));
  const std::string filter = dropFromPalette(win, "filter", QPoint(600, 200));
  ASSERT_FALSE(source.empty());
  ASSERT_FALSE(filter.empty());

  clickNode(win, source);
  typeIntoParameter(win, "rate", "0");  // below the minimum 1: shown, not committed
  typeIntoParameter(win, "schema", "user: string\namount: flot");  // does not parse
  const graphs::Node* node = win.document().graph().node(source);
  EXPECT_EQ(node->parameter("rate"), nullptr);
  EXPECT_EQ(node->parameter("schema"), nullptr);
  EXPECT_FALSE(win.inspector().parameterEditor("schema")->errorText().isEmpty());

  // Away and back: both drafts are still in their fields, errors shown.
  clickNode(win, filter);
  ASSERT_EQ(win.inspector().nodeId(), filter);
  clickNode(win, source);
  ASSERT_EQ(win.inspector().nodeId(), source);
  EXPECT_EQ(fieldText(win, "schema"), QStringLiteral("user: string\namount: flot"));
  EXPECT_EQ(fieldText(win, "rate"), QStringLiteral("0"));
  EXPECT_TRUE(win.inspector().parameterEditor("rate")->errorText().contains("between 1 and"));
  EXPECT_TRUE(win.inspector().parameterEditor("schema")->errorText().contains("flot"));

  // The Problems panel names the typed text's problem, not "schema is missing".
  win.validation().validateNow();
  QStringList rows = panelRows(win);
  EXPECT_TRUE(anyRowContains(rows, QStringLiteral("unknown type 'flot'")))
      << rows.join('\n').toStdString();
  EXPECT_TRUE(anyRowContains(rows, QStringLiteral("must be between 1 and 100000")))
      << rows.join('\n').toStdString();
  EXPECT_FALSE(anyRowContains(rows, QStringLiteral("required parameter 'schema' is missing")))
      << rows.join('\n').toStdString();

  // Another edit of the node reloads its fields: the drafts stay.
  QSpinBox* parallelism = win.inspector().parallelismField();
  parallelism->setFocus();
  QTest::keyClick(parallelism, Qt::Key_Up);
  ASSERT_EQ(win.document().graph().node(source)->parallelism, 2u);
  EXPECT_EQ(fieldText(win, "schema"), QStringLiteral("user: string\namount: flot"));
  EXPECT_EQ(fieldText(win, "rate"), QStringLiteral("0"));

  // Fixing the text commits it, and the draft problems go.
  typeIntoParameter(win, "schema", "user: string\namount: float64");
  typeIntoParameter(win, "rate", "250");
  node = win.document().graph().node(source);
  ASSERT_NE(node->parameter("schema"), nullptr);
  ASSERT_NE(node->parameter("rate"), nullptr);
  EXPECT_EQ(*node->parameter("rate"), graphs::Value(std::int64_t{250}));
  win.validation().validateNow();
  rows = panelRows(win);
  EXPECT_FALSE(anyRowContains(rows, QStringLiteral("flot"))) << rows.join('\n').toStdString();
  EXPECT_FALSE(anyRowContains(rows, QStringLiteral("between 1 and")))
      << rows.join('\n').toStdString();
  clickNode(win, filter);
  clickNode(win, source);
  EXPECT_EQ(fieldText(win, "rate"), QStringLiteral("250"));
}

// A wheel turn with the pointer over the widget's centre, delivered to the child under the
// pointer as the window system would (a sent event does not propagate to the parent, so the
// spin box's line edit must stop it itself).
void turnWheelOver(QWidget* widget, int notches) {
  QWidget* target = widget;
  const QPoint centre = widget->rect().center();
  if (QWidget* child = widget->childAt(centre)) target = child;
  const QPointF at = target->mapFrom(widget, centre);
  QWheelEvent event(at, target->mapToGlobal(at), QPoint(), QPoint(0, -120 * notches), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(target, &event);
}

TEST(InspectorWheel, TheWheelOverAFieldScrollsTheFormAndChangesNoValue) {
  test::Window w;
  MainWindow& win = *w;
  win.resize(1400, 420);  // a form taller than the dock, so there is something to scroll
  const std::string source = dropFromPalette(win, "events_source", QPoint(200, 150));
  ASSERT_FALSE(source.empty());
  clickNode(win, source);
  auto* scroll = win.inspector().findChild<QScrollArea*>(QStringLiteral("inspectorScroll"));
  ASSERT_TRUE(scroll);
  QScrollBar* bar = scroll->verticalScrollBar();
  ASSERT_TRUE(test::waitFor([&] { return bar->maximum() > 0; }))
      << "the form fits; the test needs a scrolling inspector";
  const graphs::Graph before = win.document().graph();

  auto* rate = qobject_cast<QSpinBox*>(win.inspector().parameterEditor("rate")->input());
  auto* units = win.inspector().parameterEditor("interval")->findChild<QComboBox*>();
  QSpinBox* parallelism = win.inspector().parallelismField();
  ASSERT_TRUE(rate && units && parallelism);
  const int rate_value = rate->value();
  const int units_index = units->currentIndex();

  bar->setValue(0);
  turnWheelOver(rate, 1);
  EXPECT_GT(bar->value(), 0) << "the wheel over a field did not scroll the inspector";
  bar->setValue(0);
  turnWheelOver(units, 1);
  EXPECT_GT(bar->value(), 0);
  bar->setValue(0);
  turnWheelOver(parallelism, -1);  // up: the form is at the top already, nothing moves
  EXPECT_EQ(bar->value(), 0);

  // Focused fields too: the wheel never edits (keys and typing do).
  QTest::mouseClick(rate->findChild<QLineEdit*>(), Qt::LeftButton);
  ASSERT_TRUE(rate->hasFocus());
  turnWheelOver(rate, 3);
  turnWheelOver(rate, -3);
  units->setFocus();
  turnWheelOver(units, 1);
  parallelism->setFocus();
  turnWheelOver(parallelism, -2);

  EXPECT_EQ(rate->value(), rate_value);
  EXPECT_EQ(units->currentIndex(), units_index);
  EXPECT_EQ(parallelism->value(), 1);
  EXPECT_EQ(win.document().graph(), before);
}

}  // namespace
}  // namespace rivulet::editor
