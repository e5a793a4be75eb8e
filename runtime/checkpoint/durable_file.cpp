#include "runtime/checkpoint/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace rivulet::runtime::checkpoint {

namespace fs = std::filesystem;

namespace {

graphs::Error os_error(const char* what, const fs::path& path, int err) {
  return graphs::Error{std::string(what) + " " + path.string() + ": " + std::strerror(err)};
}

// Closes the descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // close() can report a deferred write error; a durable write must see it.
  int release_and_close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

graphs::Status write_all(int fd, std::span<const std::byte> bytes, const fs::path& path) {
  const std::byte* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("cannot write", path, errno);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return graphs::Ok{};
}

graphs::Status write_file(const fs::path& path, std::span<const std::byte> bytes, int flags,
                          bool sync) {
  Fd fd{::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644)};
  if (fd.get() < 0) return os_error("cannot create", path, errno);
  if (auto st = write_all(fd.get(), bytes, path); !st) return st;
  if (sync && ::fsync(fd.get()) != 0) return os_error("cannot fsync", path, errno);
  if (fd.release_and_close() != 0) return os_error("cannot close", path, errno);
  return graphs::Ok{};
}

}  // namespace

FileDigest digest_bytes(std::span<const std::byte> bytes) {
  return FileDigest{bytes.size(), XXH3_64bits(bytes.data(), bytes.size())};
}

graphs::Result<FileDigest> digest_file(const fs::path& path) {
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) return os_error("cannot open", path, errno);
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state{XXH3_createState(),
                                                                 &XXH3_freeState};
  XXH3_64bits_reset(state.get());
  std::vector<char> buffer(1 << 20);
  std::uint64_t size = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("cannot read", path, errno);
    }
    if (n == 0) break;
    XXH3_64bits_update(state.get(), buffer.data(), static_cast<std::size_t>(n));
    size += static_cast<std::uint64_t>(n);
  }
  return FileDigest{size, XXH3_64bits_digest(state.get())};
}

graphs::Status write_new_file_synced(const fs::path& path, std::span<const std::byte> bytes) {
  return write_file(path, bytes, O_EXCL, true);
}

graphs::Status write_new_file(const fs::path& path, std::span<const std::byte> bytes) {
  return write_file(path, bytes, O_EXCL, false);
}

graphs::Status write_file_atomically(const fs::path& path, std::span<const std::byte> bytes) {
  fs::path temp = path;
  temp += ".tmp";
  if (auto st = write_file(temp, bytes, O_TRUNC, true); !st) return st;
  if (::rename(temp.c_str(), path.c_str()) != 0) return os_error("cannot rename to", path, errno);
  return sync_path(path.parent_path());
}

graphs::Status sync_path(const fs::path& path) {
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) return os_error("cannot open", path, errno);
  if (::fsync(fd.get()) != 0) return os_error("cannot fsync", path, errno);
  return graphs::Ok{};
}

graphs::Result<std::vector<std::byte>> read_whole_file(const fs::path& path) {
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) return os_error("cannot open", path, errno);
  std::vector<std::byte> out;
  std::byte buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("cannot read", path, errno);
    }
    if (n == 0) break;
    out.insert(out.end(), buffer, buffer + n);
  }
  return out;
}

}  // namespace rivulet::runtime::checkpoint
