#include "runtime/state/state_directory.hpp"

#include <fcntl.h>
#include <stdlib.h>  // mkdtemp
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "runtime/checkpoint/names.hpp"

namespace rivulet::runtime::state {

namespace fs = std::filesystem;

graphs::Result<fs::path> make_unique_directory(const fs::path& parent, std::string_view prefix) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return graphs::Error{"cannot create " + parent.string() + ": " + ec.message()};
  std::string pattern = (parent / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return graphs::Error{"cannot create a directory like " + pattern + ": " + std::strerror(errno)};
  }
  return fs::path(pattern);
}

graphs::Result<std::shared_ptr<StateDirectory>> StateDirectory::create_temporary(
    std::string_view prefix) {
  std::error_code ec;
  const fs::path tmp = fs::temp_directory_path(ec);
  if (ec) return graphs::Error{"no temporary directory: " + ec.message()};
  return create_under(tmp, prefix);
}

namespace {

constexpr const char* kLockFile = "owner.lock";

// Removes <parent>/<prefix>* directories whose owner.lock can be locked: their process is gone.
// Directories without a lock file are left alone (one may be being created right now).
void remove_abandoned(const fs::path& parent, std::string_view prefix) {
  std::error_code ec;
  for (fs::directory_iterator it{parent, ec}, end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix) || !it->is_directory(ec)) continue;
    const fs::path lock = it->path() / kLockFile;
    const int fd = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
    ::close(fd);
  }
}

}  // namespace

graphs::Result<std::shared_ptr<StateDirectory>> StateDirectory::create_under(
    const fs::path& parent, std::string_view prefix) {
  remove_abandoned(parent, prefix);
  auto path = make_unique_directory(parent, prefix);
  if (!path) return path.error();
  // Locked under another name, then renamed: a sweeping process never sees it unlocked.
  const fs::path lock = *path / kLockFile;
  const fs::path fresh = *path / (std::string(kLockFile) + ".new");
  int fd = ::open(fresh.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0 &&
      (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::rename(fresh.c_str(), lock.c_str()) != 0)) {
    ::close(fd);
    fd = -1;
  }
  return std::shared_ptr<StateDirectory>(new StateDirectory(std::move(*path), fd));
}

StateDirectory::~StateDirectory() {
  std::error_code ec;
  fs::remove_all(path_, ec);
  if (lock_ >= 0) ::close(lock_);
}

fs::path StateDirectory::instance_path(std::string_view task_name) {
  const std::uint64_t n = next_instance_.fetch_add(1, std::memory_order_relaxed);
  return path_ / (checkpoint::escape_name(task_name) + "." + std::to_string(n));
}

}  // namespace rivulet::runtime::state
