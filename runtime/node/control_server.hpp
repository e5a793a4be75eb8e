#pragma once
// The node's control API (graphs/control.capnp) served over Cap'n Proto two-party RPC on TCP.
// It owns one thread with its own kj event loop; every NodeService call runs on a worker pool
// (call_pool.hpp), so a blocking call (stop with a savepoint) never stalls other clients.
//
// Security: a connection reaches nothing but Gateway.login until it presents the token. Without
// a token the server listens only on a loopback address; refused logins are logged with the
// peer's address. Incoming messages are bounded (size, traversal, nesting), connections are
// capped in number, a connection that does not log in soon is closed, and one whose unread
// replies pile up is dropped, so hostile or slow peers cannot exhaust the node.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "graphs/result.hpp"
#include "runtime/node/node_service.hpp"

namespace rivulet::runtime::node {

struct ControlServerConfig {
  std::string listen = "127.0.0.1:7400";  // HOST:PORT; port 0 picks a free port
  std::string token;                      // required at login when not empty
  std::size_t max_connections = 64;
  std::chrono::milliseconds login_timeout{10000};
  // Largest message a client may send; deploy carries whole graphs, so this is generous.
  std::size_t max_message_bytes = std::size_t{64} << 20;
  // Replies and pushes a client has not read yet; above this the connection is dropped.
  std::size_t max_unread_bytes = std::size_t{64} << 20;
  // Where refusals and dropped connections are reported (one line each); default: stderr.
  std::function<void(const std::string&)> log;
};

// True for "localhost", 127.0.0.0/8 and ::1.
bool is_loopback_host(const std::string& host);

class ControlServer {
 public:
  // Listens before it returns, so a bad address or a missing token is an error here. `service`
  // must outlive the server.
  [[nodiscard]] static graphs::Result<std::unique_ptr<ControlServer>> start(
      NodeService& service, ControlServerConfig config);
  // Closes every connection and waits for calls in progress to return.
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  std::uint16_t port() const;

  struct Impl;

 private:
  explicit ControlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rivulet::runtime::node
