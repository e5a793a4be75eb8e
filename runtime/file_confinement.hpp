#pragma once
// Where the file operators of a graph may read and write: a graph file is untrusted input (it
// may come from someone else, or be deployed to a node from another machine), so its
// file_source / file_sink paths are confined to one directory: the node's (`rivulet node
// --file-root DIR`, else <data dir>/files), or for `rivulet run` its --file-root, else the
// working directory. An empty OperatorBuildContext::file_root (unit tests that build operators
// directly) does not confine.

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
