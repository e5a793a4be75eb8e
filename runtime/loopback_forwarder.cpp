#include "runtime/loopback_forwarder.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <list>
#include <string>

namespace rivulet::runtime {
namespace {

constexpr std::size_t kBufferSize = 64 * 1024;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  return address;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Kafka requests are small and latency-sensitive; do not let Nagle batch them.
void set_nodelay(int fd) {
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// One direction of a relayed connection: bytes read from `from` wait in `buffer` until written
// to `to`. After `from` reaches end of file and the buffer is drained, `to` is half-closed so the
// peer sees the same end of stream.
struct Direction {
  int from = -1;
  int to = -1;
  std::array<char, kBufferSize> buffer{};
  std::size_t begin = 0;
  std::size_t end = 0;
  bool eof = false;
  bool shut = false;

  bool pending() const { return begin < end; }
  bool finished() const { return shut; }
};

struct Link {
  int client;
  int upstream;
  Direction up;    // client → upstream
  Direction down;  // upstream → client
  bool failed = false;

  Link(int c, int u) : client(c), upstream(u) {
    up.from = c;
    up.to = u;
    down.from = u;
    down.to = c;
  }
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;
  ~Link() {
    ::close(client);
    ::close(upstream);
  }
  bool done() const { return failed || (up.finished() && down.finished()); }
};

// Returns false on a connection error.
bool pump_read(Direction& d) {
  ssize_t n = ::recv(d.from, d.buffer.data(), d.buffer.size(), 0);
  if (n > 0) {
    d.begin = 0;
    d.end = static_cast<std::size_t>(n);
  } else if (n == 0) {
    d.eof = true;
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    return false;
  }
  return true;
}

bool pump_write(Direction& d) {
  ssize_t n = ::send(d.to, d.buffer.data() + d.begin, d.end - d.begin, MSG_NOSIGNAL);
  if (n > 0) {
    d.begin += static_cast<std::size_t>(n);
  } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    return false;
  }
  return true;
}

void maybe_half_close(Direction& d) {
  if (d.eof && !d.pending() && !d.shut) {
    ::shutdown(d.to, SHUT_WR);
    d.shut = true;
  }
}

}  // namespace

graphs::Result<std::unique_ptr<LoopbackForwarder>> LoopbackForwarder::start(
    std::uint16_t port, std::vector<std::uint16_t> targets) {
  auto fail = [port](const std::string& what) {
    return graphs::Error{"cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + what};
  };
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(std::strerror(errno));
  // SO_REUSEADDR lets a restarted `rivulet broker --port N` rebind while old connections linger
  // in TIME_WAIT; it does not allow two live listeners on the same port.
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address = loopback(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    std::string reason = std::strerror(errno);
    ::close(fd);
    return fail(reason);
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  set_nonblocking(fd);

  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    std::string reason = std::strerror(errno);
    ::close(fd);
    return fail(reason);
  }
  std::unique_ptr<LoopbackForwarder> forwarder(
      new LoopbackForwarder(fd, ntohs(address.sin_port), wake[0], wake[1], std::move(targets)));
  forwarder->thread_ = std::thread([f = forwarder.get()] { f->run(); });
  return forwarder;
}

LoopbackForwarder::LoopbackForwarder(int listen_fd, std::uint16_t port, int wake_read,
                                     int wake_write, std::vector<std::uint16_t> targets)
    : listen_fd_(listen_fd),
      port_(port),
      wake_read_(wake_read),
      wake_write_(wake_write),
      targets_(std::move(targets)) {}

LoopbackForwarder::~LoopbackForwarder() { stop(); }

void LoopbackForwarder::stop() {
  if (!thread_.joinable()) return;
  char byte = 0;
  [[maybe_unused]] auto ignored = ::write(wake_write_, &byte, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

int LoopbackForwarder::connect_upstream() const {
  // Loopback connects complete or are refused immediately, so a blocking connect here does not
  // stall the relay loop noticeably.
  for (std::uint16_t target : targets_) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in address = loopback(target);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      set_nonblocking(fd);
      set_nodelay(fd);
      return fd;
    }
    ::close(fd);
  }
  return -1;
}

void LoopbackForwarder::run() {
  std::list<Link> links;
  // What each pollfd entry stands for, so results can be routed back.
  struct Watch {
    Link* link;
    Direction* direction;
    bool reading;
  };
  std::vector<pollfd> fds;
  std::vector<Watch> watches;

  for (;;) {
    fds.assign({{wake_read_, POLLIN, 0}, {listen_fd_, POLLIN, 0}});
    watches.assign(2, Watch{nullptr, nullptr, false});
    for (Link& link : links) {
      for (Direction* d : {&link.up, &link.down}) {
        if (d->pending()) {
          fds.push_back({d->to, POLLOUT, 0});
          watches.push_back({&link, d, false});
        } else if (!d->eof) {
          fds.push_back({d->from, POLLIN, 0});
          watches.push_back({&link, d, true});
        }
      }
    }

    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) break;  // stop() was called

    if (fds[1].revents & POLLIN) {
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client >= 0) {
        int upstream = connect_upstream();
        if (upstream < 0) {
          ::close(client);  // no broker up: the client sees a closed connection and retries
        } else {
          set_nodelay(client);
          links.emplace_back(client, upstream);
        }
      }
    }

    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Watch& w = watches[i];
      bool ok = w.reading ? pump_read(*w.direction) : pump_write(*w.direction);
      if (!ok) w.link->failed = true;
      maybe_half_close(*w.direction);
    }
    links.remove_if([](const Link& link) { return link.done(); });
  }
  links.clear();  // closes every relayed connection
}

}  // namespace rivulet::runtime
