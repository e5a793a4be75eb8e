#pragma once
// Working directories for keyed state that lives on disk (RocksDB databases, the in-memory
// checkpoint store's unpacked state directories).
//
// A job gets one StateDirectory (a fresh temporary directory, or a named one); every stateful
// operator instance of the job takes a unique subdirectory of it for its own backend. The
// StateDirectory is shared by the instances and removed with everything in it when the last
// one lets go, so nothing outlives the job, whichever order tasks end in.
//
// A process killed with SIGKILL cannot clean up, so a StateDirectory holds an flock on
// <path>/owner.lock for its lifetime, and creating one under a parent first removes the
// sibling directories with the same prefix whose lock nobody holds any more.

#include <atomic>
#include <filesystem>
#include <memory>
#include <string_view>

#include "graphs/result.hpp"

namespace rivulet::runtime::state {

// Creates a new directory <parent>/<prefix>XXXXXX (mkdtemp); parent is created if needed.
graphs::Result<std::filesystem::path> make_unique_directory(const std::filesystem::path& parent,
                                                            std::string_view prefix);

class StateDirectory {
 public:
  // A new directory under the system's temporary directory ($TMPDIR, else /tmp).
  static graphs::Result<std::shared_ptr<StateDirectory>> create_temporary(
      std::string_view prefix = "rivulet-state-");
  // A new unique directory under `parent` (after removing abandoned siblings, see above).
  static graphs::Result<std::shared_ptr<StateDirectory>> create_under(
      const std::filesystem::path& parent, std::string_view prefix = "rivulet-state-");

  ~StateDirectory();  // removes the directory and everything in it (best effort)
  StateDirectory(const StateDirectory&) = delete;
  StateDirectory& operator=(const StateDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // A path for one backend instance that no other instance gets: <path>/<escaped task>.<n>.
  // Not created (backends create and wipe their own directory).
  std::filesystem::path instance_path(std::string_view task_name);

 private:
  StateDirectory(std::filesystem::path path, int lock) : path_(std::move(path)), lock_(lock) {}
  const std::filesystem::path path_;
  const int lock_;  // flocked owner.lock, -1 if it could not be created
  std::atomic<std::uint64_t> next_instance_{0};
};

}  // namespace rivulet::runtime::state
