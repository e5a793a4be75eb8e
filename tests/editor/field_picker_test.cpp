// Field-list parameters are filled by picking from the fields that arrive at the input (the
// validator's edge schemas), with the keyboard, instead of typing names from memory.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTest>

#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/parameter_editors.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

using test::clickNode;
using test::dragBetweenPorts;
using test::dropFromPalette;
using test::typeIntoParameter;

TEST(FieldPicker, KeysArePickedFromTheUpstreamSchema) {
  test::Window w;
  MainWindow& win = *w;
  const std::string source = dropFromPalette(win, "events_source", QPoint(200, 200));
  const std::string keys = dropFromPalette(win, "key_by", QPoint(600, 200));
  ASSERT_FALSE(source.empty());
  ASSERT_FALSE(keys.empty());

  // Not connected yet: nothing to pick from.
  clickNode(win, keys);
  auto picker = [&] {
    ParameterEditor* editor = win.inspector().parameterEditor("keys");
    return editor ? editor->findChild<QComboBox*>(QStringLiteral("fieldPicker")) : nullptr;
  };
  ASSERT_TRUE(picker());
  EXPECT_FALSE(picker()->isEnabled());

  clickNode(win, source);
  typeIntoParameter(win, "schema", "user: string\namount: float64");
  dragBetweenPorts(win, source, "out", keys, "in");
  win.validation().validateNow();
  clickNode(win, keys);
  ASSERT_TRUE(picker());
  ASSERT_TRUE(picker()->isEnabled());
  ASSERT_EQ(picker()->count(), 3);  // the prompt, then user and amount
  EXPECT_EQ(picker()->itemText(1), QStringLiteral("user (string)"));
  EXPECT_EQ(picker()->itemText(2), QStringLiteral("amount (float64)"));

  picker()->setFocus();
  QTest::keyClick(picker(), Qt::Key_Down);  // user
  ASSERT_NE(win.document().graph().node(keys)->parameter("keys"), nullptr);
  EXPECT_EQ(*win.document().graph().node(keys)->parameter("keys"),
            graphs::Value(graphs::StringList{"user"}));
  QTest::keyClick(picker(), Qt::Key_Down);  // user again: already there, nothing changes
  QTest::keyClick(picker(), Qt::Key_End);   // amount
  EXPECT_EQ(*win.document().graph().node(keys)->parameter("keys"),
            graphs::Value(graphs::StringList{"user", "amount"}));
  auto* text = qobject_cast<QPlainTextEdit*>(win.inspector().parameterEditor("keys")->input());
  ASSERT_TRUE(text);
  EXPECT_EQ(text->toPlainText(), QStringLiteral("user\namount"));
  EXPECT_EQ(picker()->currentIndex(), 0) << "the picker is ready for the next field";

  // An edge's hash keys come from the records crossing it; picking one makes it a hash edge.
  win.scene().selectEdge(0);
  auto* key_picker = win.inspector().findChild<QComboBox*>(QStringLiteral("keyFieldPicker"));
  ASSERT_TRUE(key_picker);
  ASSERT_TRUE(key_picker->isEnabled());
  key_picker->setFocus();
  QTest::keyClick(key_picker, Qt::Key_End);  // amount
  const graphs::Partitioning& p = win.document().graph().edges.at(0).partitioning;
  EXPECT_EQ(p.kind, graphs::PartitioningKind::Hash);
  EXPECT_EQ(p.key_fields, std::vector<std::string>{"amount"});
  EXPECT_EQ(win.inspector().keyFieldsField()->text(), QStringLiteral("amount"));
}

// A source's event-time field is picked from the timestamp and int64 fields of the records it
// declares (the real kafka_source); a field of another type is named as the problem.
TEST(FieldPicker, TheEventTimeFieldIsPickedFromTheSourcesRecords) {
  const auto& catalog = test::realCatalog();
  ASSERT_TRUE(catalog.has_value());
  test::Window w(*catalog);
  MainWindow& win = *w;
  const std::string source = dropFromPalette(win, "kafka_source", QPoint(250, 250));
  ASSERT_FALSE(source.empty());
  clickNode(win, source);
  auto picker = [&] {
    ParameterEditor* editor = win.inspector().parameterEditor("event_time_field");
    return editor ? editor->findChild<QComboBox*>(QStringLiteral("eventTimePicker")) : nullptr;
  };
  ASSERT_TRUE(picker());
  EXPECT_FALSE(picker()->isEnabled()) << "no schema declared yet";

  typeIntoParameter(win, "schema", "card: string\nts: timestamp\nseq: int64\namount: float64");
  win.validation().validateNow();
  ASSERT_TRUE(picker());
  ASSERT_TRUE(picker()->isEnabled());
  ASSERT_EQ(picker()->count(), 4);  // the prompt, ts, seq, then "none"
  EXPECT_EQ(picker()->itemText(1), QStringLiteral("ts (timestamp)"));
  EXPECT_EQ(picker()->itemText(2), QStringLiteral("seq (int64)"));

  picker()->setFocus();
  QTest::keyClick(picker(), Qt::Key_Down);  // ts
  const graphs::Value* value = win.document().graph().node(source)->parameter("event_time_field");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, graphs::Value(std::string("ts")));
  auto* line =
      qobject_cast<QLineEdit*>(win.inspector().parameterEditor("event_time_field")->input());
  ASSERT_TRUE(line);
  EXPECT_EQ(line->text(), QStringLiteral("ts"));
  EXPECT_EQ(picker()->currentIndex(), 0);

  // "none" clears it (the Kafka timestamp then); a float field typed by hand is named.
  picker()->setFocus();
  QTest::keyClick(picker(), Qt::Key_End);
  EXPECT_EQ(win.document().graph().node(source)->parameter("event_time_field"), nullptr);
  typeIntoParameter(win, "event_time_field", "amount");
  EXPECT_TRUE(win.inspector()
                  .parameterEditor("event_time_field")
                  ->errorText()
                  .contains(QStringLiteral("must be a timestamp or int64 field")))
      << win.inspector().parameterEditor("event_time_field")->errorText().toStdString();
  test::action(win, "actionUndo")->trigger();
  EXPECT_EQ(win.document().graph().node(source)->parameter("event_time_field"), nullptr);
}

}  // namespace
}  // namespace rivulet::editor
