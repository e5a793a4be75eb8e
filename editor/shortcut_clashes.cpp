#include "editor/shortcut_clashes.hpp"

#include <QAction>
#include <QKeySequence>

namespace rivulet::editor {

int dropClashingShortcuts(const QList<QAction*>& actions) {
  QList<QKeySequence> taken;
  for (const QAction* action : actions) {
    if (!action->shortcuts().isEmpty()) taken << action->shortcuts().front();
  }
  int dropped = 0;
  for (QAction* action : actions) {
    QList<QKeySequence> shortcuts = action->shortcuts();
    if (shortcuts.size() < 2) continue;
    QList<QKeySequence> kept{shortcuts.front()};
    for (qsizetype i = 1; i < shortcuts.size(); ++i) {
      if (taken.contains(shortcuts[i])) {
        ++dropped;
        continue;
      }
      kept << shortcuts[i];
      taken << shortcuts[i];  // first come: a later action cannot take it either
    }
    if (kept.size() != shortcuts.size()) action->setShortcuts(kept);
  }
  return dropped;
}

}  // namespace rivulet::editor
