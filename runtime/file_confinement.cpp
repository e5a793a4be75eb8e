#include "runtime/file_confinement.hpp"

#include <filesystem>
#include <system_error>

namespace rivulet::runtime {
namespace fs = std::filesystem;

namespace {

// True if `inner` is `outer` or below it (both absolute and normalized).
bool is_within(const fs::path& outer, const fs::path& inner) {
  auto o = outer.begin();
  auto i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator of the root
    if (i == inner.end() || *o != *i) return false;
  }
  return true;
}

}  // namespace

graphs::Result<std::string> confine_to_root(const std::string& root, const std::string& path) {
  if (path.empty()) return graphs::Error{"the path is empty"};
  const fs::path requested(path);
  for (const fs::path& part : requested) {
    if (part == "..") {
      return graphs::Error{"'" + path + "' contains '..': paths must stay inside the file root"};
    }
  }
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec || !fs::is_directory(base, ec)) {
    return graphs::Error{"the file root '" + root + "' is not a directory"};
  }
  const fs::path joined = requested.is_absolute() ? requested : base / requested;
  if (!is_within(base, joined.lexically_normal())) {
    return graphs::Error{"'" + path + "' is outside the file root " + base.string()};
  }
  // Resolves the symlinks of the part that exists (the file itself need not exist for a sink).
  const fs::path resolved = fs::weakly_canonical(joined, ec);
  if (ec) return graphs::Error{"'" + path + "': " + ec.message()};
  if (!is_within(base, resolved) || resolved == base) {
    return graphs::Error{"'" + path + "' leads outside the file root " + base.string() +
                         (resolved == base ? " (it is the root itself)" : " (through a symlink)")};
  }
  return resolved.string();
}

}  // namespace rivulet::runtime
