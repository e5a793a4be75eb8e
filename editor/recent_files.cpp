#include "editor/recent_files.hpp"

#include <QSettings>

namespace rivulet::editor {
namespace {
const QString kKey = QStringLiteral("recentFiles");
}

QStringList recentFiles() { return QSettings().value(kKey).toStringList(); }

void addRecentFile(const QString& path) {
  QStringList files = recentFiles();
  files.removeAll(path);
  files.prepend(path);
  while (files.size() > kMaxRecentFiles) files.removeLast();
  QSettings().setValue(kKey, files);
}

void removeRecentFile(const QString& path) {
  QStringList files = recentFiles();
  if (files.removeAll(path) > 0) QSettings().setValue(kKey, files);
}

}  // namespace rivulet::editor
