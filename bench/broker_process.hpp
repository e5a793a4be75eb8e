#pragma once
// `rivulet broker` in its own process for the Kafka benchmarks, so the broker's CPU time is not
// attributed to (or stolen from inside) the measured process. RAII: the destructor always ends
// the child — SIGTERM (the broker stops cleanly), then SIGKILL if it is still there after a
// grace period — and reaps it, also when the benchmark throws. PR_SET_PDEATHSIG covers the
// case where the benchmark itself is killed and never runs a destructor.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rivulet::bench {

class BrokerProcess {
 public:
  // Runs `rivulet_cli broker <arguments...>` and waits for its "bootstrap.servers=..." line.
  BrokerProcess(const std::string& rivulet_cli, const std::vector<std::string>& arguments) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    std::vector<std::string> argv{rivulet_cli, "broker"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // Child: only async-signal-safe calls until exec.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
      ::dup2(out[1], STDOUT_FILENO);            // dup2 clears close-on-exec on the copy
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_fd_ = out[0];
    bootstrap_ = read_bootstrap();
  }

  ~BrokerProcess() { stop(); }
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;

  const std::string& bootstrap_servers() const { return bootstrap_; }

  // SIGKILL, as a crash: the broker's data (in memory) is gone; reaped before returning.
  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    stop();
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
          ::kill(pid_, SIGKILL);
          ::waitpid(pid_, nullptr, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      pid_ = -1;
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
  }

 private:
  std::string read_bootstrap() {
    const std::string prefix = "bootstrap.servers=";
    std::string buffer;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto newline = buffer.find('\n'); newline != std::string::npos) {
        std::string line = buffer.substr(0, newline);
        buffer.erase(0, newline + 1);
        if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
        continue;
      }
      pollfd fd{stdout_fd_, POLLIN, 0};
      if (::poll(&fd, 1, 100) <= 0) continue;
      char chunk[512];
      const ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
      if (n <= 0) break;  // the broker exited (bad arguments, ...)
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    stop();
    throw std::runtime_error("rivulet broker did not print its bootstrap address");
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string bootstrap_;
};

}  // namespace rivulet::bench
