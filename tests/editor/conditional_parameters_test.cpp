// Parameters that apply only for some values of another (ParameterSpec::applies_when), driven
// as a user would: the inspector shows a row only while it applies, switching the controlling
// drop-down shows or hides it at once, a switched-off setting leaves the graph (and the saved
// file) in the same undo step, and undo brings it back.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "editor/graph_document.hpp"
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
using test::dropFromPalette;
using test::typeIntoParameter;

QComboBox* modeCombo(MainWindow& win) {
  ParameterEditor* mode = win.inspector().parameterEditor("mode");
  return mode ? qobject_cast<QComboBox*>(mode->input()) : nullptr;
}

// Picks the next (Down) or previous (Up) entry with the keyboard, as a user would.
void stepCombo(QComboBox* combo, Qt::Key key) {
  combo->setFocus();
  QTest::keyClick(combo, key);
}

TEST(ConditionalParameters, RowsFollowTheControllingValueAndOnlyWhatAppliesIsSaved) {
  test::Window w;
  MainWindow& win = *w;
  const std::string id = dropFromPalette(win, "window_count", QPoint(300, 250));
  ASSERT_FALSE(id.empty());
  clickNode(win, id);
  ASSERT_EQ(win.inspector().nodeId(), id);

  // Tumbling (the default): no slide row.
  ASSERT_NE(win.inspector().parameterEditor("slide"), nullptr);
  EXPECT_FALSE(win.inspector().parameterRowShown("slide"));
  EXPECT_FALSE(win.inspector().parameterEditor("slide")->isVisible());
  EXPECT_TRUE(win.inspector().parameterRowShown("mode"));

  // Sliding: the row appears and takes a value.
  QComboBox* mode = modeCombo(win);
  ASSERT_TRUE(mode);
  stepCombo(mode, Qt::Key_Down);
  ASSERT_EQ(mode->currentText(), QStringLiteral("sliding"));
  const graphs::Node* node = win.document().graph().node(id);
  ASSERT_TRUE(node->parameter("mode"));
  EXPECT_EQ(*node->parameter("mode"), graphs::Value(std::string("sliding")));
  EXPECT_TRUE(win.inspector().parameterRowShown("slide"));
  EXPECT_TRUE(win.inspector().parameterEditor("slide")->isVisible());
  typeIntoParameter(win, "slide", "30");
  ASSERT_TRUE(win.document().graph().node(id)->parameter("slide"));
  const graphs::Value slide = *win.document().graph().node(id)->parameter("slide");

  // Back to tumbling: the row goes, and so does the setting the window would ignore.
  stepCombo(mode, Qt::Key_Up);
  ASSERT_EQ(mode->currentText(), QStringLiteral("tumbling"));
  EXPECT_FALSE(win.inspector().parameterRowShown("slide"));
  EXPECT_EQ(win.document().graph().node(id)->parameter("slide"), nullptr);

  // The validator agrees: nothing is ignored, nothing is missing.
  win.validation().validateNow();
  for (const auto& problem : win.validation().report().problems) {
    EXPECT_EQ(problem.field.find("slide"), std::string::npos) << problem.to_string();
  }

  // The saved file holds only what applies.
  QTemporaryDir dir;
  const QString path = dir.filePath("tumbling.rgraph");
  ASSERT_TRUE(win.saveTo(path));
  auto saved = graphs::load_graph(path.toStdString());
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  ASSERT_NE(saved->node(id), nullptr);
  EXPECT_EQ(saved->node(id)->parameter("slide"), nullptr);

  // One undo: sliding again, with the slide the user typed, and its row back.
  win.view().setFocus();
  QTest::keyClick(&win.view(), Qt::Key_Z, Qt::ControlModifier);
  node = win.document().graph().node(id);
  ASSERT_TRUE(node->parameter("slide"));
  EXPECT_EQ(*node->parameter("slide"), slide);
  EXPECT_EQ(*node->parameter("mode"), graphs::Value(std::string("sliding")));
  EXPECT_TRUE(win.inspector().parameterRowShown("slide"));
}

// A graph written by hand (or by an older editor) that sets a parameter which does not apply
// opens as it is: the row stays hidden and the Problems panel's report says it is ignored and
// why — nothing disappears without a word.
TEST(ConditionalParameters, AnIgnoredSettingInAFileIsReportedNotDropped) {
  test::Window w;
  MainWindow& win = *w;
  const std::string id = dropFromPalette(win, "window_count", QPoint(300, 250));
  ASSERT_FALSE(id.empty());
  graphs::Graph graph = win.document().graph();
  graph.node(id)->set_parameter("slide", graphs::Duration{5000});
  QTemporaryDir dir;
  const QString path = dir.filePath("ignored.rgraph");
  ASSERT_TRUE(graphs::save_graph(graph, path.toStdString()).ok());
  ASSERT_TRUE(win.openFile(path));
  clickNode(win, id);
  EXPECT_FALSE(win.inspector().parameterRowShown("slide"));
  ASSERT_TRUE(win.document().graph().node(id)->parameter("slide"));
  win.validation().validateNow();
  bool warned = false;
  for (const auto& problem : win.validation().report().problems) {
    if (problem.field == "parameters.slide") {
      warned = true;
      EXPECT_EQ(problem.severity, graphs::Severity::Warning);
      EXPECT_EQ(problem.message,
                "parameter 'slide' is ignored: it applies only when mode is 'sliding' (mode is "
                "'tumbling')");
    }
  }
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace rivulet::editor
