// The file workflow as the user drives it — menu actions answered through the window's dialog
// hooks instead of native dialogs: Save As, Open, Export as JSON, Open Recent (kept across
// restarts in QSettings), Revert (asks, then reloads from disk), and closing with unsaved
// changes (asks; Cancel keeps the window, Save saves first).
#include <QAction>
#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

#include <vector>

#include "editor/commands.hpp"
#include "editor/graph_document.hpp"
#include "editor/main_window.hpp"
#include "editor/recent_files.hpp"
#include "editor_test_support.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::editor {
namespace {

using Kind = MainWindow::FileDialogKind;

void addNode(MainWindow& win, const std::string& kind, double x) {
  auto& doc = win.document();
  doc.undoStack()->push(new AddNodeCommand(doc, doc.makeNode(kind, {x, 10})));
}

// Answers file dialogs from a script and records what was asked.
struct ScriptedChooser {
  struct Ask {
    Kind kind;
    QString start;
  };
  std::vector<Ask> asked;
  QStringList answers;
  void install(MainWindow& win) {
    win.setFileChooser([this](Kind kind, const QString& start) {
      asked.push_back({kind, start});
      return answers.isEmpty() ? QString() : answers.takeFirst();
    });
  }
};

QStringList recentMenuPaths(MainWindow& win) {
  QStringList out;
  auto* menu = win.findChild<QMenu*>(QStringLiteral("recentMenu"));
  EXPECT_TRUE(menu);
  if (!menu) return out;
  for (QAction* a : menu->actions()) out << a->data().toString();
  return out;
}

TEST(FileWorkflow, SaveAsAsksForANameAndAddsTheExtension) {
  test::Window w;
  ScriptedChooser chooser;
  chooser.install(*w);
  addNode(*w, "filter", 0);
  QTemporaryDir dir;

  chooser.answers = {QString()};  // the user cancels the dialog
  test::action(*w, "actionSaveAs")->trigger();
  EXPECT_TRUE(w->isWindowModified());
  EXPECT_TRUE(w->document().filePath().isEmpty());

  chooser.answers = {dir.filePath("pipeline")};  // typed without an extension
  test::action(*w, "actionSaveAs")->trigger();
  ASSERT_EQ(chooser.asked.size(), 2u);
  EXPECT_EQ(chooser.asked[1].kind, Kind::Save);
  const QString saved = dir.filePath("pipeline.rgraph");
  ASSERT_TRUE(QFileInfo::exists(saved));
  EXPECT_EQ(w->document().filePath(), saved);
  EXPECT_FALSE(w->isWindowModified());
  EXPECT_TRUE(w->windowTitle().startsWith("pipeline.rgraph"));
  auto back = graphs::load_graph(saved.toStdString());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, w->document().graph());

  // Save (Ctrl+S) on a named document writes it without asking; Save As offers the current name.
  addNode(*w, "print_sink", 300);
  test::action(*w, "actionSave")->trigger();
  EXPECT_EQ(chooser.asked.size(), 2u);
  EXPECT_EQ(*graphs::load_graph(saved.toStdString()), w->document().graph());
  chooser.answers = {dir.filePath("copy.json")};
  test::action(*w, "actionSaveAs")->trigger();
  EXPECT_EQ(chooser.asked.back().start, saved);
  EXPECT_TRUE(QFileInfo::exists(dir.filePath("copy.json")));
  EXPECT_EQ(w->document().filePath(), dir.filePath("copy.json"));
}

TEST(FileWorkflow, SaveOnAnUntitledGraphAsksForAName) {
  test::Window w;
  ScriptedChooser chooser;
  chooser.install(*w);
  addNode(*w, "filter", 0);
  QTemporaryDir dir;
  chooser.answers = {dir.filePath("first.rgraphp")};
  test::action(*w, "actionSave")->trigger();
  ASSERT_EQ(chooser.asked.size(), 1u);
  EXPECT_EQ(chooser.asked[0].kind, Kind::Save);
  EXPECT_TRUE(QFileInfo::exists(dir.filePath("first.rgraphp")));
  EXPECT_FALSE(w->isWindowModified());
}

TEST(FileWorkflow, OpenAsksAboutUnsavedChangesThenForAFile) {
  QTemporaryDir dir;
  const QString path = dir.filePath("other.rgraph");
  {
    test::Window author;
    addNode(*author, "window_count", 50);
    ASSERT_TRUE(author->saveTo(path));
  }
  test::Window w;
  ScriptedChooser chooser;
  chooser.install(*w);
  addNode(*w, "filter", 0);
  const graphs::Graph unsaved = w->document().graph();

  // Cancel at the unsaved-changes question: no file dialog, nothing changes.
  w->setSavePrompt([&] {
    ++w.save_prompts;
    return QMessageBox::Cancel;
  });
  test::action(*w, "actionOpen")->trigger();
  EXPECT_EQ(w.save_prompts, 1);
  EXPECT_TRUE(chooser.asked.empty());
  EXPECT_EQ(w->document().graph(), unsaved);

  // Discard, then cancel the file dialog: still nothing changes.
  w->setSavePrompt([&] {
    ++w.save_prompts;
    return QMessageBox::Discard;
  });
  chooser.answers = {QString()};
  test::action(*w, "actionOpen")->trigger();
  EXPECT_EQ(chooser.asked.size(), 1u);
  EXPECT_EQ(chooser.asked[0].kind, Kind::Open);
  EXPECT_EQ(w->document().graph(), unsaved);

  // Discard and pick the file: it is open, clean, titled.
  chooser.answers = {path};
  test::action(*w, "actionOpen")->trigger();
  EXPECT_EQ(w->document().filePath(), path);
  ASSERT_EQ(w->document().graph().nodes.size(), 1u);
  EXPECT_EQ(w->document().graph().nodes[0].kind, "window_count");
  EXPECT_FALSE(w->isWindowModified());
  EXPECT_TRUE(w->windowTitle().startsWith("other.rgraph"));

  // The next Open starts in that file's directory.
  chooser.answers = {QString()};
  test::action(*w, "actionOpen")->trigger();
  EXPECT_EQ(chooser.asked.back().start, QFileInfo(path).absolutePath());
}

TEST(FileWorkflow, ExportAsJsonIsInTheFileMenuAndWritesTheGraph) {
  test::Window w;
  ScriptedChooser chooser;
  chooser.install(*w);
  QAction* export_json = test::action(*w, "actionExportJson");
  auto* file_menu = w->findChild<QMenu*>(QStringLiteral("fileMenu"));
  ASSERT_TRUE(file_menu);
  EXPECT_TRUE(file_menu->actions().contains(export_json));
  EXPECT_EQ(export_json->text(), "&Export as JSON…");

  addNode(*w, "filter", 7.25);
  QTemporaryDir dir;
  ASSERT_TRUE(w->saveTo(dir.filePath("flow.rgraph")));
  addNode(*w, "print_sink", 300);
  chooser.answers = {dir.filePath("exported")};  // ".json" is added
  export_json->trigger();
  ASSERT_EQ(chooser.asked.size(), 1u);
  EXPECT_EQ(chooser.asked[0].kind, Kind::Export);
  EXPECT_EQ(chooser.asked[0].start, dir.filePath("flow.json")) << "offers the graph's own name";
  const QString out = dir.filePath("exported.json");
  ASSERT_TRUE(QFileInfo::exists(out));
  QFile file(out);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  EXPECT_TRUE(file.readAll().trimmed().startsWith('{')) << "JSON text, not binary";
  auto back = graphs::load_graph(out.toStdString());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, w->document().graph());
  EXPECT_TRUE(w->isWindowModified()) << "exporting is not saving";
  EXPECT_EQ(w->document().filePath(), dir.filePath("flow.rgraph"));
}

TEST(FileWorkflow, RecentFilesUpdatePersistAndOpen) {
  QTemporaryDir dir;
  const QString a = dir.filePath("a.rgraph");
  const QString b = dir.filePath("b.rgraph");
  const QString c = dir.filePath("c.json");
  {
    test::Window w;  // starts from empty settings
    EXPECT_TRUE(recentMenuPaths(*w).isEmpty());
    EXPECT_FALSE(w->findChild<QMenu*>(QStringLiteral("recentMenu"))->isEnabled());
    addNode(*w, "filter", 0);
    ASSERT_TRUE(w->saveTo(a));
    addNode(*w, "print_sink", 300);
    ASSERT_TRUE(w->saveTo(b));
    ASSERT_TRUE(w->saveTo(c));
    ASSERT_TRUE(w->openFile(a));  // opening moves it to the front, without a duplicate
    EXPECT_EQ(recentMenuPaths(*w), (QStringList{a, c, b}));
    EXPECT_TRUE(w->findChild<QMenu*>(QStringLiteral("recentMenu"))->isEnabled());
  }
  // A new window (a restart) reads the same list back from QSettings.
  test::Window w(/*keep_settings=*/true);
  EXPECT_EQ(recentMenuPaths(*w), (QStringList{a, c, b}));
  auto* menu = w->findChild<QMenu*>(QStringLiteral("recentMenu"));
  EXPECT_EQ(menu->actions().at(1)->text(), "c.json");
  EXPECT_EQ(menu->actions().at(1)->toolTip(), c);

  // Choosing an entry opens that file.
  menu->actions().at(2)->trigger();
  EXPECT_EQ(w->document().filePath(), b);
  EXPECT_EQ(w->document().graph().nodes.size(), 2u);
  EXPECT_EQ(recentMenuPaths(*w), (QStringList{b, a, c}));

  // A file that has gone away: the user is told, and the entry is dropped.
  ASSERT_TRUE(QFile::remove(c));
  const int errors = w.errors_reported;
  for (QAction* entry : menu->actions()) {
    if (entry->data().toString() == c) entry->trigger();
  }
  EXPECT_EQ(w.errors_reported, errors + 1);
  EXPECT_EQ(recentMenuPaths(*w), (QStringList{b, a}));
  EXPECT_EQ(w->document().filePath(), b) << "the open document is untouched";

  // At most kMaxRecentFiles entries, newest first.
  for (int i = 0; i < kMaxRecentFiles + 3; ++i) {
    ASSERT_TRUE(w->saveTo(dir.filePath(QStringLiteral("n%1.rgraph").arg(i))));
  }
  const QStringList paths = recentMenuPaths(*w);
  EXPECT_EQ(paths.size(), kMaxRecentFiles);
  EXPECT_EQ(paths.first(), dir.filePath(QStringLiteral("n%1.rgraph").arg(kMaxRecentFiles + 2)));
}

TEST(FileWorkflow, RevertAsksThenReloadsFromDisk) {
  QTemporaryDir dir;
  const QString path = dir.filePath("r.rgraph");
  test::Window w;
  QAction* revert = test::action(*w, "actionRevert");
  EXPECT_FALSE(revert->isEnabled()) << "nothing to revert to";
  addNode(*w, "filter", 0);
  EXPECT_FALSE(revert->isEnabled()) << "never saved";
  ASSERT_TRUE(w->saveTo(path));
  EXPECT_FALSE(revert->isEnabled()) << "no changes";

  // Another program (or a git checkout) changes the file on disk; the user has edits too.
  graphs::Graph on_disk = w->document().graph();
  graphs::Node extra;
  extra.id = "key_by_9";
  extra.kind = "key_by";
  extra.position = {123.5, -40};
  on_disk.nodes.push_back(extra);
  ASSERT_TRUE(graphs::save_graph(on_disk, path.toStdString()).ok());
  addNode(*w, "print_sink", 300);
  ASSERT_TRUE(revert->isEnabled());
  const graphs::Graph edited = w->document().graph();

  int questions = 0;
  w->setConfirmation([&](const QString&, const QString& question) {
    ++questions;
    EXPECT_TRUE(question.contains("r.rgraph")) << question.toStdString();
    return false;  // the user thinks again
  });
  revert->trigger();
  EXPECT_EQ(questions, 1);
  EXPECT_EQ(w->document().graph(), edited);

  w->setConfirmation([&](const QString&, const QString&) {
    ++questions;
    return true;
  });
  revert->trigger();
  EXPECT_EQ(questions, 2);
  EXPECT_EQ(w->document().graph(), on_disk) << "reloaded from disk, not from memory";
  EXPECT_FALSE(w->isWindowModified());
  EXPECT_FALSE(revert->isEnabled());
  EXPECT_EQ(w->document().filePath(), path);

  // A file that became unreadable: reverting reports it and keeps the document.
  addNode(*w, "print_sink", 600);
  const graphs::Graph kept = w->document().graph();
  QFile broken(path);
  ASSERT_TRUE(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
  broken.write("garbage");
  broken.close();
  const int errors = w.errors_reported;
  revert->trigger();
  EXPECT_EQ(w.errors_reported, errors + 1);
  EXPECT_EQ(w->document().graph(), kept);
}

TEST(FileWorkflow, ClosingWithUnsavedChangesAsksAndHonoursTheAnswer) {
  QTemporaryDir dir;
  // Cancel: the window stays open with its edits.
  {
    test::Window w;
    addNode(*w, "filter", 0);
    w->setSavePrompt([&] {
      ++w.save_prompts;
      return QMessageBox::Cancel;
    });
    EXPECT_FALSE(w->close());
    EXPECT_EQ(w.save_prompts, 1);
    EXPECT_TRUE(w->isVisible());
    EXPECT_TRUE(w->isWindowModified());
  }
  // Save on an untitled graph: asks for a name; cancelling that dialog keeps the window open.
  {
    test::Window w;
    ScriptedChooser chooser;
    chooser.install(*w);
    addNode(*w, "filter", 0);
    w->setSavePrompt([] { return QMessageBox::Save; });
    chooser.answers = {QString()};
    EXPECT_FALSE(w->close());
    EXPECT_TRUE(w->isVisible());
    chooser.answers = {dir.filePath("closing.rgraph")};
    EXPECT_TRUE(w->close());
    EXPECT_FALSE(w->isVisible());
    auto saved = graphs::load_graph(dir.filePath("closing.rgraph").toStdString());
    ASSERT_TRUE(saved.ok());
    EXPECT_EQ(saved->nodes.size(), 1u);
  }
  // Discard: closes without writing anything.
  {
    test::Window w;
    ASSERT_TRUE(w->saveTo(dir.filePath("kept.rgraph")));
    addNode(*w, "filter", 0);
    w->setSavePrompt([] { return QMessageBox::Discard; });
    EXPECT_TRUE(w->close());
    EXPECT_TRUE(graphs::load_graph(dir.filePath("kept.rgraph").toStdString())->nodes.empty());
  }
  // New (Ctrl+N) asks the same question.
  {
    test::Window w;
    addNode(*w, "filter", 0);
    w->setSavePrompt([&] {
      ++w.save_prompts;
      return QMessageBox::Cancel;
    });
    test::action(*w, "actionNew")->trigger();
    EXPECT_EQ(w.save_prompts, 1);
    EXPECT_EQ(w->document().graph().nodes.size(), 1u);
  }
}

}  // namespace
}  // namespace rivulet::editor
