// Ctrl+D duplicates on every platform: the X11 key scheme binds Ctrl+D to Delete too, and an
// ambiguous shortcut fires neither action. The actions here carry the bindings X11 gives them;
// the keys are pressed on a real window.
#include "editor/shortcut_clashes.hpp"

#include <gtest/gtest.h>

#include <QAction>
#include <QSignalSpy>
#include <QTest>
#include <QWidget>

#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

struct Actions {
  Actions() {
    window.resize(200, 100);
    remove = new QAction(QStringLiteral("Delete"), &window);
    // As on X11: our Delete key plus the platform's emacs-style Ctrl+D.
    remove->setShortcuts({QKeySequence(Qt::Key_Delete), QKeySequence(Qt::CTRL | Qt::Key_D)});
    duplicate = new QAction(QStringLiteral("Duplicate"), &window);
    duplicate->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_D)});
    window.addAction(remove);
    window.addAction(duplicate);
    window.show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(&window));
    QApplication::setActiveWindow(&window);
    window.setFocus();
  }
  QApplication& app = test::app();  // first: the window needs it
  QWidget window;
  QAction* remove;
  QAction* duplicate;
};

TEST(ShortcutClashes, APlatformBindingThatClashesIsDroppedSoCtrlDDuplicates) {
  {
    // Without the fix the clash is real: Ctrl+D fires neither action.
    Actions clash;
    QSignalSpy removed(clash.remove, &QAction::triggered);
    QSignalSpy duplicated(clash.duplicate, &QAction::triggered);
    QTest::keyClick(&clash.window, Qt::Key_D, Qt::ControlModifier);
    EXPECT_EQ(removed.count() + duplicated.count(), 0);
  }
  Actions fixed;
  EXPECT_EQ(dropClashingShortcuts(fixed.window.actions()), 1);
  EXPECT_EQ(fixed.remove->shortcuts(), QList<QKeySequence>{QKeySequence(Qt::Key_Delete)});
  EXPECT_EQ(fixed.duplicate->shortcuts(), QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_D)});
  QSignalSpy removed(fixed.remove, &QAction::triggered);
  QSignalSpy duplicated(fixed.duplicate, &QAction::triggered);
  QTest::keyClick(&fixed.window, Qt::Key_D, Qt::ControlModifier);
  EXPECT_EQ(duplicated.count(), 1);
  EXPECT_EQ(removed.count(), 0);
  QTest::keyClick(&fixed.window, Qt::Key_Delete);
  EXPECT_EQ(removed.count(), 1);
  EXPECT_EQ(dropClashingShortcuts(fixed.window.actions()), 0) << "nothing left to drop";
}

}  // namespace
}  // namespace rivulet::editor
