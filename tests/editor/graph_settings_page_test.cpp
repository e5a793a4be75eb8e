// The graph's own settings are edited in the inspector when nothing is selected: typed and
// picked with the keyboard, one undo step each, saved in the file.
#include "editor/graph_settings_page.hpp"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "editor/graph_document.hpp"
#include "editor/graph_view.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor_test_support.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::editor {
namespace {

void typeNumber(QSpinBox* spin, const QString& text) {
  spin->setFocus();
  QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(spin, text);
  QTest::keyClick(spin, Qt::Key_Return);
}

TEST(GraphSettingsPage, NameDescriptionCheckpointsBackendAndRestartsAreEditable) {
  test::Window w;
  MainWindow& win = *w;
  GraphSettingsPage* page = win.inspector().graphSettings();
  ASSERT_TRUE(page) << "nothing is selected: the inspector shows the graph";

  page->nameField()->setFocus();
  QTest::keyClicks(page->nameField(), "payments");
  QTest::keyClick(page->nameField(), Qt::Key_Return);
  page->descriptionField()->setFocus();
  QTest::keyClicks(page->descriptionField(), "Flags bursts of card payments.");
  win.view().setFocus();  // the description commits when focus leaves
  QApplication::processEvents();
  typeNumber(page->checkpointIntervalField(), "5000");
  page->stateBackendField()->setFocus();
  QTest::keyClick(page->stateBackendField(), Qt::Key_Down);  // rocksdb

  // Restart details appear for the strategy that uses them.
  EXPECT_FALSE(page->rowShown(page->restartAttemptsField()));
  page->restartField()->setFocus();
  QTest::keyClick(page->restartField(), Qt::Key_Down);  // fixed_delay
  EXPECT_TRUE(page->rowShown(page->restartAttemptsField()));
  EXPECT_TRUE(page->rowShown(page->restartDelayField()));
  typeNumber(page->restartAttemptsField(), "3");
  typeNumber(page->restartDelayField(), "2000");

  const graphs::Graph& g = win.document().graph();
  EXPECT_EQ(g.name, "payments");
  EXPECT_EQ(g.description, "Flags bursts of card payments.");
  EXPECT_EQ(g.runtime.checkpoint_interval_ms, 5000);
  EXPECT_EQ(g.runtime.state_backend, graphs::StateBackend::RocksDb);
  EXPECT_EQ(g.runtime.restart.kind, graphs::RestartKind::FixedDelay);
  EXPECT_EQ(g.runtime.restart.attempts, 3u);
  EXPECT_EQ(g.runtime.restart.delay_ms, 2000);

  QTemporaryDir dir;
  const QString path = dir.filePath("settings.rgraph");
  ASSERT_TRUE(win.saveTo(path));
  auto saved = graphs::load_graph(path.toStdString());
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_EQ(saved->name, "payments");
  EXPECT_EQ(saved->runtime, g.runtime);

  // One undo step per edit, flowing back into the fields.
  win.view().setFocus();
  QTest::keyClick(&win.view(), Qt::Key_Z, Qt::ControlModifier);
  EXPECT_EQ(win.document().graph().runtime.restart.delay_ms, 0);
  page = win.inspector().graphSettings();
  ASSERT_TRUE(page);
  EXPECT_EQ(page->restartDelayField()->value(), 0);
  EXPECT_EQ(win.document().graph().runtime.restart.attempts, 3u);
}

}  // namespace
}  // namespace rivulet::editor
