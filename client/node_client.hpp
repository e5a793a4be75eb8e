#pragma once
// A client of a runtime node's control API (graphs/control.capnp): connect, log in, and call it
// as plain C++ (graphs/control_types.hpp). Used by the `rivulet` CLI and, because it links only
// graphs/ and Cap'n Proto RPC, by the editor.
//
// Threading: the client runs its own thread with a kj event loop. Every method may be called
// from any thread and blocks its caller until the node answers or the call's timeout passes.
// Stream callbacks (subscribe, preview, watch_events) run on the client's thread: keep them
// short, and never destroy a handle or the client from inside one.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/control_types.hpp"
#include "graphs/result.hpp"

namespace rivulet::client {

using graphs::Result;
using graphs::Status;
namespace control = graphs::control;

struct ClientConfig {
  std::string address = "127.0.0.1:7400";  // HOST:PORT
  std::string token;                       // the node's token; empty when it has none
  // Connecting, logging in and every quick call.
  std::chrono::milliseconds timeout{10000};
  // deploy, stop, cancel and savepoint, which wait for the job (the node's own savepoint
  // timeout is two minutes).
  std::chrono::milliseconds operation_timeout{150000};
};

// Alive while held: destroying it ends the subscription, preview or event watch on the node.
using StreamHandle = control::Handle;

class NodeClient {
 public:
  // Connects and logs in. Errors name the address: unreachable, timed out, refused (wrong or
  // missing token), or a protocol version the node does not speak.
  [[nodiscard]] static Result<std::unique_ptr<NodeClient>> connect(ClientConfig config);
  ~NodeClient();
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;

  const std::string& address() const;
  // False once the connection is lost; every call then fails at once.
  bool connected() const;

  [[nodiscard]] Result<control::NodeInfo> info();
  [[nodiscard]] Result<control::DeployOutcome> deploy(const control::DeployRequest& request);
  [[nodiscard]] Result<std::vector<control::JobSummary>> jobs();
  [[nodiscard]] Result<control::JobDetail> status(const control::JobId& job);
  [[nodiscard]] Result<std::string> stop(const control::JobId& job,
                                         const std::string& savepoint_dir, bool drain);
  [[nodiscard]] Status cancel(const control::JobId& job);
  [[nodiscard]] Result<std::string> savepoint(const control::JobId& job);
  [[nodiscard]] Result<graphs::Catalog> catalog();
  // One sample; rates since this client's previous metrics() call.
  [[nodiscard]] Result<control::JobMetrics> metrics(const control::JobId& job);
  [[nodiscard]] Result<std::vector<control::JobEvent>> events(const control::JobId& job,
                                                              std::uint64_t after);

  // `on_ended` gets the node's reason (job ended, job unknown, ...) or the lost connection.
  using OnEnded = std::function<void(const std::string& reason)>;

  [[nodiscard]] Result<std::unique_ptr<StreamHandle>> subscribe(
      const control::JobId& job, std::uint32_t interval_ms,
      std::function<void(control::JobMetrics, std::uint32_t skipped_samples)> on_sample,
      OnEnded on_ended);
  [[nodiscard]] Result<std::unique_ptr<StreamHandle>> preview(
      const control::JobId& job, const control::EdgeRef& edge, std::uint32_t max_records_per_second,
      std::function<void(control::PreviewRecords)> on_records, OnEnded on_ended);
  [[nodiscard]] Result<std::unique_ptr<StreamHandle>> watch_events(
      const control::JobId& job, std::uint64_t after,
      std::function<void(std::vector<control::JobEvent>)> on_events, OnEnded on_ended);

  struct Loop;

 private:
  explicit NodeClient(std::shared_ptr<Loop> loop);
  std::shared_ptr<Loop> loop_;
};

}  // namespace rivulet::client
