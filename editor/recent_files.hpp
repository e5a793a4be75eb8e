#pragma once
// The "Open Recent" list: most recent first, no duplicates, at most kMaxRecentFiles entries.
// Kept in QSettings (key "recentFiles") rather than in a window, so it survives restarts and
// every window sees the same list.

#include <QString>
#include <QStringList>

namespace rivulet::editor {

inline constexpr int kMaxRecentFiles = 8;

QStringList recentFiles();
// Moves (or adds) an absolute path to the front.
void addRecentFile(const QString& path);
// Drops a path that can no longer be opened, so the menu stops offering it.
void removeRecentFile(const QString& path);

}  // namespace rivulet::editor
