// The file workflow: title and modified mark, corrupt or newer files refused with a reason while
// the open document stays untouched, revert, JSON export, and the unsaved-changes prompt.
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

#include "editor/commands.hpp"
#include "editor/graph_document.hpp"
#include "editor/main_window.hpp"
#include "editor_test_support.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::editor {
namespace {

void addNode(MainWindow& win, const std::string& kind, double x) {
  auto& doc = win.document();
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode(kind, {x, 10})));
}

TEST(Files, TitleShowsFileNameAndModifiedMark) {
  test::Window w;
  EXPECT_TRUE(w->windowTitle().startsWith("untitled[*]"));
  EXPECT_FALSE(w->isWindowModified());
  addNode(*w, "filter", 0);
  EXPECT_TRUE(w->isWindowModified());
  QTemporaryDir dir;
  ASSERT_TRUE(w->saveTo(dir.filePath("pipeline.rgraph")));
  EXPECT_TRUE(w->windowTitle().startsWith("pipeline.rgraph[*]"));
  EXPECT_FALSE(w->isWindowModified());
}

TEST(Files, CorruptFileIsRefusedAndTheDocumentIsUntouched) {
  test::Window w;
  addNode(*w, "filter", 0);
  const graphs::Graph before = w->document().graph();
  QTemporaryDir dir;
  const QString path = dir.filePath("broken.rgraph");
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write("this is not a Cap'n Proto message at all");
  file.close();
  EXPECT_FALSE(w->openFile(path));
  EXPECT_EQ(w.errors_reported, 1);
  EXPECT_EQ(w->document().graph(), before);
  EXPECT_TRUE(w->isWindowModified());
  EXPECT_FALSE(w->openFile(dir.filePath("missing.rgraph")));
  EXPECT_EQ(w.errors_reported, 2);
}

TEST(Files, NewerFormatVersionIsRefused) {
  // Written by a future Rivulet: take today's JSON text and bump its format version.
  auto text = graphs::encode_graph(graphs::Graph{}, graphs::GraphFormat::Json);
  ASSERT_TRUE(text.ok());
  QString json = QString::fromStdString(*text);
  const QRegularExpression version(QStringLiteral("(\"formatVersion\"\\s*:\\s*)\\d+"));
  ASSERT_TRUE(json.contains(version)) << text.value();
  json.replace(version, QStringLiteral("\\1%1").arg(graphs::kCurrentFormatVersion + 1));
  QTemporaryDir dir;
  const QString path = dir.filePath("future.json");
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(json.toUtf8());
  file.close();
  test::Window w;
  addNode(*w, "filter", 0);
  const graphs::Graph before = w->document().graph();
  EXPECT_FALSE(w->openFile(path));
  EXPECT_EQ(w.errors_reported, 1);
  EXPECT_EQ(w->document().graph(), before);
}

TEST(Files, RevertReloadsTheSavedFile) {
  test::Window w;
  addNode(*w, "filter", 0);
  QTemporaryDir dir;
  ASSERT_TRUE(w->saveTo(dir.filePath("a.rgraph")));
  const graphs::Graph saved = w->document().graph();
  addNode(*w, "print_sink", 300);
  ASSERT_TRUE(w->revert());
  EXPECT_EQ(w->document().graph(), saved);
  EXPECT_FALSE(w->isWindowModified());
}

TEST(Files, ExportAsJsonWritesTheLosslessTextForm) {
  test::Window w;
  addNode(*w, "filter", 12.5);
  QTemporaryDir dir;
  const QString path = dir.filePath("export.json");
  ASSERT_TRUE(w->exportJson(path));
  auto back = graphs::load_graph(path.toStdString());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, w->document().graph());
  EXPECT_TRUE(w->isWindowModified());  // exporting is not saving
}

TEST(Files, ClosingWithUnsavedChangesAsks) {
  test::Window w;
  EXPECT_TRUE(w->close());  // nothing to save: no question
  EXPECT_EQ(w.save_prompts, 0);
  w->show();
  addNode(*w, "filter", 0);
  w->setSavePrompt([&] {
    ++w.save_prompts;
    return QMessageBox::Cancel;
  });
  EXPECT_FALSE(w->close());
  EXPECT_EQ(w.save_prompts, 1);
  EXPECT_TRUE(w->isVisible());
}

TEST(Files, PositionsRoundTripExactlyInEveryFormat) {
  test::Window w;
  auto& doc = w->document();
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode("filter", {0.1 + 0.2, -1e-7})));
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode("filter", {123456.789, 1.0 / 3})));
  QTemporaryDir dir;
  for (const char* name : {"p.rgraph", "p.rgraphp", "p.json"}) {
    ASSERT_TRUE(w->saveTo(dir.filePath(name))) << name;
    test::Window other;
    ASSERT_TRUE(other->openFile(dir.filePath(name))) << name;
    EXPECT_EQ(other->document().graph(), doc.graph()) << name;
  }
}

}  // namespace
}  // namespace rivulet::editor
