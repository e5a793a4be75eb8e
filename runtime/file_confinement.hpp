#pragma once
// Where the file operators of a deployed graph may read and write: a graph deployed to a node
// is untrusted input, so its file_source / file_sink paths are confined to one directory the
// node configures (`rivulet node --file-root DIR`, else <data dir>/files). `rivulet run` runs
// the user's own graph and does not confine (OperatorBuildContext::file_root empty).

#include <string>

#include "graphs/result.hpp"

namespace rivulet::runtime {

// The file `path` (relative to `root`, or absolute) names, as an absolute path inside `root`
// with every symlink of its existing part resolved. Refused: a `..` component anywhere, an
// absolute path outside the root, and a path whose symlinks lead outside it. `root` must be an
// existing directory. The error says why and names neither node nor parameter (the caller
// does). Checked when the operator is built: a symlink swapped in later is not caught.
[[nodiscard]] graphs::Result<std::string> confine_to_root(const std::string& root,
                                                          const std::string& path);

}  // namespace rivulet::runtime
