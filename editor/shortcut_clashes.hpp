#pragma once
// The platform adds its own bindings to the standard actions (QKeySequence::keyBindings), and
// some collide with ours: on X11, Qt's emacs-style scheme binds Ctrl+D to Delete, which made
// Ctrl+D ambiguous with Duplicate — and an ambiguous shortcut fires neither action. An action's
// first shortcut is its own (the one its menu shows); a later, platform-added one that another
// action already uses is dropped here.

#include <QList>

class QAction;

namespace rivulet::editor {

// Drops every non-primary shortcut of `actions` that another of them already has (its primary,
// or an earlier secondary). Returns how many were dropped.
int dropClashingShortcuts(const QList<QAction*>& actions);

}  // namespace rivulet::editor
