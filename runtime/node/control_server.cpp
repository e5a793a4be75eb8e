#include "runtime/node/control_server.hpp"

#include <arpa/inet.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <future>
#include <iostream>
#include <thread>
#include <utility>

#include "graphs/control_token.hpp"
#include "graphs/control_wire.hpp"
#include "graphs/graph_wire.hpp"
#include "runtime/node/call_pool.hpp"
#include "runtime/node/control_session.hpp"

namespace rivulet::runtime::node {
namespace {

using graphs::wire_convert::str;
using graphs::wire_convert::text;
namespace control = graphs::control;
namespace wire = graphs::wire;

// How often a connection's unread replies are measured.
constexpr auto kQueueCheck = 500 * kj::MILLISECONDS;

// "HOST" of "HOST:PORT" or "[V6]:PORT".
std::string host_of(const std::string& address) {
  if (!address.empty() && address.front() == '[') {
    auto close = address.find(']');
    return close == std::string::npos ? address : address.substr(1, close - 1);
  }
  auto colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

std::string peer_address(kj::AsyncIoStream& stream) {
  sockaddr_storage storage{};
  uint length = sizeof storage;
  try {
    stream.getpeername(reinterpret_cast<sockaddr*>(&storage), &length);
  } catch (const kj::Exception&) {
    return "an unknown peer";
  }
  char host[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (storage.ss_family == AF_INET6) {
    auto* in = reinterpret_cast<sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in->sin6_port));
  }
  return "a local peer";
}

void log_to_stderr(const std::string& line) {
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::cerr << stamp << " rivulet node: " << line << std::endl;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

struct ControlServer::Impl {
  Impl(NodeService& service, ControlServerConfig config)
      : service(service),
        config(std::move(config)),
        queries("queries", 2, 256),
        operations("operations", 4, 64) {}

  NodeService& service;
  ControlServerConfig config;
  CallPool queries;
  CallPool operations;
  std::thread thread;
  std::atomic<std::uint16_t> port{0};
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop;

  void log(const std::string& line) const {
    if (config.log) {
      config.log(line);
    } else {
      log_to_stderr(line);
    }
  }

  void run(std::promise<graphs::Status>& started);
};

namespace {

// The bootstrap capability of one connection: only login, which checks version and token.
class Gateway final : public wire::Gateway::Server {
 public:
  Gateway(ControlServer::Impl& server, SessionContext& sessions, std::string peer, bool& logged_in)
      : server_(server), sessions_(sessions), peer_(std::move(peer)), logged_in_(logged_in) {}

 protected:
  kj::Promise<void> login(LoginContext call) override {
    auto params = call.getParams();
    auto results = call.getResults();
    results.setServerVersion(control::kCurrentControlVersion);
    auto version = control::check_client_version(params.getClientVersion());
    if (!version) {
      server_.log("refused a login from " + peer_ + ": " + version.error().message);
      results.setError(text(version.error().message));
      return kj::READY_NOW;
    }
    const std::string& expected = server_.config.token;
    if (!expected.empty()) {
      std::string given = str(params.getToken());
      if (given.empty()) {
        server_.log("refused a login from " + peer_ + ": no token");
        results.setError(text("this node requires a token (--token-file)"));
        return kj::READY_NOW;
      }
      if (!control::tokens_equal(given, expected)) {
        server_.log("refused a login from " + peer_ + ": wrong token");
        results.setError(text("wrong token"));
        return kj::READY_NOW;
      }
    }
    logged_in_ = true;
    results.setNode(make_session(sessions_));
    return kj::READY_NOW;
  }

 private:
  ControlServer::Impl& server_;
  SessionContext& sessions_;
  std::string peer_;
  bool& logged_in_;
};

// One client connection: its RPC system, and the rules that drop it.
class Connection {
 public:
  Connection(ControlServer::Impl& server, SessionContext& sessions, kj::Timer& timer,
             kj::Own<kj::AsyncIoStream> stream)
      : server_(server),
        timer_(timer),
        peer_(peer_address(*stream)),
        stream_(kj::mv(stream)),
        network_(*stream_, capnp::rpc::twoparty::Side::SERVER, reader_options(server.config)),
        rpc_(capnp::makeRpcServer(network_,
                                  kj::heap<Gateway>(server, sessions, peer_, logged_in_))) {}

  const std::string& peer() const { return peer_; }

  // Resolves when the connection should go: the peer left, or broke a rule.
  kj::Promise<void> run() {
    auto login_deadline =
        timer_.afterDelay(server_.config.login_timeout.count() * kj::MILLISECONDS)
            .then([this]() -> kj::Promise<void> {
              if (logged_in_) return kj::NEVER_DONE;
              server_.log("closed the connection from " + peer_ + ": no login within the timeout");
              return kj::READY_NOW;
            });
    return network_.onDisconnect()
        .exclusiveJoin(kj::mv(login_deadline))
        .exclusiveJoin(watch_unread());
  }

 private:
  static capnp::ReaderOptions reader_options(const ControlServerConfig& config) {
    capnp::ReaderOptions options;
    options.traversalLimitInWords = config.max_message_bytes / sizeof(capnp::word);
    options.nestingLimit = 32;
    return options;
  }

  kj::Promise<void> watch_unread() {
    return timer_.afterDelay(kQueueCheck).then([this]() -> kj::Promise<void> {
      if (network_.getCurrentQueueSize() > server_.config.max_unread_bytes) {
        server_.log("dropped the connection from " + peer_ + ": it does not read its replies");
        return kj::READY_NOW;
      }
      return watch_unread();
    });
  }

  ControlServer::Impl& server_;
  kj::Timer& timer_;
  std::string peer_;
  bool logged_in_ = false;
  kj::Own<kj::AsyncIoStream> stream_;
  capnp::TwoPartyVatNetwork network_;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc_;
};

class Acceptor final : public kj::TaskSet::ErrorHandler {
 public:
  Acceptor(ControlServer::Impl& server, SessionContext& sessions, kj::Timer& timer,
           kj::ConnectionReceiver& listener)
      : server_(server), sessions_(sessions), timer_(timer), listener_(listener) {}

  kj::Promise<void> accept_loop() {
    return listener_.accept().then([this](kj::Own<kj::AsyncIoStream> stream) {
      if (open_ >= server_.config.max_connections) {
        server_.log("refused a connection from " + peer_address(*stream) + ": already " +
                    std::to_string(open_) + " connections");
      } else {
        ++open_;
        auto connection = kj::heap<Connection>(server_, sessions_, timer_, kj::mv(stream));
        auto done = connection->run();
        tasks_.add(done.attach(kj::defer([this] { --open_; }), kj::mv(connection)));
      }
      return accept_loop();
    });
  }

  void taskFailed(kj::Exception&& exception) override {
    // A protocol error ends one connection (already closed by now); the node keeps serving.
    server_.log(std::string("dropped a connection: ") + exception.getDescription().cStr());
  }

 private:
  ControlServer::Impl& server_;
  SessionContext& sessions_;
  kj::Timer& timer_;
  kj::ConnectionReceiver& listener_;
  std::size_t open_ = 0;
  kj::TaskSet tasks_{*this};
};

}  // namespace

void ControlServer::Impl::run(std::promise<graphs::Status>& started) {
  // A client that closed its socket makes the next write raise SIGPIPE, which would kill the
  // node; blocked on this thread, the write fails with EPIPE and only that connection ends.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  kj::Maybe<kj::AsyncIoContext> maybe_io;
  kj::Own<kj::ConnectionReceiver> listener;
  try {
    maybe_io = kj::setupAsyncIo();
    auto& io = KJ_ASSERT_NONNULL(maybe_io);
    auto address = io.provider->getNetwork()
                       .parseAddress(kj::StringPtr(config.listen.c_str()))
                       .wait(io.waitScope);
    listener = address->listen();
    port = static_cast<std::uint16_t>(listener->getPort());
  } catch (const kj::Exception& e) {
    started.set_value(
        graphs::Error{"cannot listen on " + config.listen + ": " + e.getDescription().cStr()});
    return;
  }
  auto& io = KJ_ASSERT_NONNULL(maybe_io);
  auto stop_pair = kj::newPromiseAndCrossThreadFulfiller<void>();
  stop = kj::mv(stop_pair.fulfiller);
  SessionContext sessions{service, queries, operations, io.provider->getTimer()};
  {
    Acceptor acceptor(*this, sessions, io.provider->getTimer(), *listener);
    auto serving = acceptor.accept_loop().eagerlyEvaluate([this](kj::Exception&& e) {
      log(std::string("stopped accepting connections: ") + e.getDescription().cStr());
    });
    started.set_value(graphs::Ok{});
    stop_pair.promise.wait(io.waitScope);
  }
}

graphs::Result<std::unique_ptr<ControlServer>> ControlServer::start(NodeService& service,
                                                                    ControlServerConfig config) {
  if (config.token.empty() && !is_loopback_host(host_of(config.listen))) {
    return graphs::Error{"listening on " + config.listen +
                         " (not a loopback address) requires a token file (--token-file)"};
  }
  auto impl = std::make_unique<Impl>(service, std::move(config));
  std::promise<graphs::Status> started;
  auto result = started.get_future();
  impl->thread = std::thread([raw = impl.get(), &started] { raw->run(started); });
  auto status = result.get();
  if (!status) {
    impl->thread.join();
    return status.error();
  }
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(impl)));
}

ControlServer::ControlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ControlServer::~ControlServer() {
  impl_->stop->fulfill();
  impl_->thread.join();
}

std::uint16_t ControlServer::port() const { return impl_->port; }

}  // namespace rivulet::runtime::node
