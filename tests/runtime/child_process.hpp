#pragma once
// Runs the real `rivulet` binary from tests. ChildProcess owns the child: its destructor
// SIGKILLs and reaps it if the test did not, so a failing assertion never leaks a process (or
// the ports it holds). Timeouts only keep a broken test from hanging; none is asserted on.

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace rivulet::runtime::processtest {

using namespace std::chrono_literals;

class ChildProcess {
 public:
  // Starts `argv` (argv[0] is the executable path) with stdout and stderr piped to us.
  explicit ChildProcess(const std::vector<std::string>& argv) {
    int out[2];
    int err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: the child is SIGKILLed when
    // the test process dies, even by a signal that runs no destructor (a stopped ctest run).
    // Between fork and exec only async-signal-safe calls (the test process has threads).
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the test died before prctl took effect
      // dup2 clears close-on-exec on the copies; every other descriptor of ours stays closed.
      if (::dup2(out[1], STDOUT_FILENO) < 0 || ::dup2(err[1], STDERR_FILENO) < 0) ::_exit(127);
      ::execve(args[0], args.data(), environ);
      ::_exit(127);
    }
    const int rc = pid_ < 0 ? errno : 0;
    ::close(out[1]);
    ::close(err[1]);
    stdout_fd_ = out[0];
    stderr_fd_ = err[0];
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("cannot start " + argv[0]);
    }
  }

  ~ChildProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(stdout_fd_);
    ::close(stderr_fd_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int number) const {
    if (pid_ > 0) ::kill(pid_, number);
  }

  // The next line of stdout (without '\n'), or nullopt at end of file or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto newline = out_.find('\n'); newline != std::string::npos) {
        std::string line = out_.substr(0, newline);
        out_.erase(0, newline + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(stdout_fd_, out_, static_cast<int>(left.count()))) {
        return std::nullopt;
      }
    }
  }

  // Waits for the exit and drains both pipes. Returns the exit code (128 + signal number if
  // killed by a signal), or nullopt after `timeout`, leaving the child to the destructor.
  std::optional<int> wait(std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool out_open = true;
    bool err_open = true;
    // Drain the pipes while waiting, or a chatty child could block on a full pipe.
    while (out_open || err_open) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd fds[2] = {{out_open ? stdout_fd_ : -1, POLLIN, 0},
                       {err_open ? stderr_fd_ : -1, POLLIN, 0}};
      if (::poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
      if (fds[0].revents != 0) out_open = read_some(stdout_fd_, out_, 0);
      if (fds[1].revents != 0) err_open = read_some(stderr_fd_, err_, 0);
    }
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(5ms);
    }
    return std::nullopt;
  }

  // Reads stderr until it contains `text` (true) or `timeout` passed or it closed (false).
  // Stdout is drained meanwhile, so a chatty child cannot block on a full pipe.
  bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool out_open = true;
    while (err_.find(text) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd fds[2] = {{out_open ? stdout_fd_ : -1, POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
      if (::poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
      if (fds[0].revents != 0) out_open = read_some(stdout_fd_, out_, 0);
      if (fds[1].revents != 0 && !read_some(stderr_fd_, err_, 0)) {
        return err_.find(text) != std::string::npos;
      }
    }
    return true;
  }

  // Output not yet consumed by read_line (stdout) and everything read from stderr.
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  // Appends what is available on `fd` (waiting up to timeout_ms); false at end of file/error.
  static bool read_some(int fd, std::string& into, int timeout_ms) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) return true;
    char buffer[4096];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    into.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string out_;
  std::string err_;
};

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `rivulet args...` to completion.
inline Outcome run_rivulet(const std::vector<std::string>& args) {
  std::vector<std::string> argv{RIVULET_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess child(argv);
  auto code = child.wait(30s);
  return {code.value_or(-1), child.out(), child.err()};
}

}  // namespace rivulet::runtime::processtest
