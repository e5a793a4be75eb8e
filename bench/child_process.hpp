#pragma once
// A child process for the fault-tolerance bench (`rivulet run ...` to be killed with SIGKILL and
// restarted). RAII like broker_process.hpp: the destructor always ends and reaps the child
// (SIGKILL), PR_SET_PDEATHSIG ends it if the bench itself dies. stdout goes to /dev/null; stderr
// is read by a thread and kept as lines with their arrival time (so the bench can time the
// CLI's "rivulet: running ..." line) and for error messages.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rivulet::bench {

class ChildProcess {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ChildProcess(std::vector<std::string> argv) {
    int err[2];
    if (::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    started_ = Clock::now();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // Child: only async-signal-safe calls until exec.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) ::dup2(null, STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(err[1]);
    stderr_fd_ = err[0];
    reader_ = std::thread([this] { read_stderr(); });
  }

  ~ChildProcess() { kill_now(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  Clock::time_point started() const { return started_; }
  pid_t pid() const { return pid_; }

  // SIGKILL and reap; returns when the process is gone.
  void kill_now() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    join_reader();
  }

  // SIGTERM (the CLI stops gracefully), SIGKILL after `grace`; reaps.
  void terminate(std::chrono::milliseconds grace) {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      const auto deadline = Clock::now() + grace;
      while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
        if (Clock::now() > deadline) {
          ::kill(pid_, SIGKILL);
          ::waitpid(pid_, nullptr, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      pid_ = -1;
    }
    join_reader();
  }

  // True while the process has not exited (reaps it if it has).
  bool alive() {
    if (pid_ <= 0) return false;
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  // When the first stderr line containing `text` arrived, if one did.
  std::optional<Clock::time_point> line_time(const std::string& text) const {
    std::lock_guard lock(mutex_);
    for (const auto& [time, line] : lines_) {
      if (line.find(text) != std::string::npos) return time;
    }
    return std::nullopt;
  }

  std::string stderr_text() const {
    std::lock_guard lock(mutex_);
    std::string all;
    for (const auto& entry : lines_) all += entry.second + '\n';
    return all;
  }

 private:
  void read_stderr() {
    std::string buffer;
    char chunk[1024];
    for (;;) {
      const ssize_t n = ::read(stderr_fd_, chunk, sizeof chunk);
      if (n <= 0) break;
      const auto now = Clock::now();
      buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t newline;
      while ((newline = buffer.find('\n')) != std::string::npos) {
        std::lock_guard lock(mutex_);
        lines_.emplace_back(now, buffer.substr(0, newline));
        buffer.erase(0, newline + 1);
      }
    }
  }

  void join_reader() {
    if (reader_.joinable()) reader_.join();  // EOF once the child (the pipe's only writer) is gone
    if (stderr_fd_ >= 0) ::close(stderr_fd_);
    stderr_fd_ = -1;
  }

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  Clock::time_point started_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::vector<std::pair<Clock::time_point, std::string>> lines_;
};

}  // namespace rivulet::bench
