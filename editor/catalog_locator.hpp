#pragma once
// Where the editor finds the operator catalog file (written by `rivulet catalog export`), so it
// never links the runtime: --catalog FILE, else catalog.json next to the executable, else
// ../share/rivulet/catalog.json (installed layout), else $RIVULET_CATALOG.

#include <QString>

namespace rivulet::editor {

// The first existing candidate, or empty. `explicit_path` (from --catalog) wins even if missing,
// so a typo is reported instead of silently using another file.
QString locateCatalog(const QString& explicit_path, const QString& application_dir);

}  // namespace rivulet::editor
