#include "editor/catalog_locator.hpp"

#include <QDir>
#include <QFileInfo>

namespace rivulet::editor {

QString locateCatalog(const QString& explicit_path, const QString& application_dir) {
  if (!explicit_path.isEmpty()) return explicit_path;
  const QDir dir(application_dir);
  for (const QString& candidate : {dir.filePath(QStringLiteral("catalog.json")),
                                   dir.filePath(QStringLiteral("../share/rivulet/catalog.json"))}) {
    if (QFileInfo::exists(candidate)) return QDir::cleanPath(candidate);
  }
  const QString env = qEnvironmentVariable("RIVULET_CATALOG");
  if (!env.isEmpty()) return env;
  return {};
}

}  // namespace rivulet::editor
