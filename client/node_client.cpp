#include "client/node_client.hpp"

#include <capnp/message.h>
#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <kj/debug.h>
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <exception>
#include <future>
#include <optional>
#include <thread>
#include <utility>

#include "graphs/control_wire.hpp"
#include "graphs/graph_wire.hpp"

namespace rivulet::client {

using graphs::wire_convert::str;
using graphs::wire_convert::text;
namespace wire = graphs::wire;

namespace {

// What a node may send back: generous for a catalog or a status with its graphs, bounded so a
// hostile peer cannot make the client allocate without limit.
capnp::ReaderOptions reader_options() {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = (std::size_t{64} << 20) / sizeof(capnp::word);
  options.nestingLimit = 32;
  return options;
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

// `was_connected`: whether a login had succeeded, so a DISCONNECTED is a loss, not a failure
// to reach the node at all.
std::string describe(const kj::Exception& e, bool was_connected) {
  std::string text = one_line(e.getDescription().cStr());
  if (!was_connected) return "cannot reach the node: " + text;
  if (e.getType() == kj::Exception::Type::DISCONNECTED) return "lost the connection: " + text;
  return text;
}

// A peer that closed its socket makes the next write raise SIGPIPE, which would kill the whole
// process; blocked on this thread, the write fails with EPIPE and the call gets an error.
void block_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

struct NodeClient::Loop {
  explicit Loop(ClientConfig c) : config(std::move(c)) {}

  ~Loop() {
    if (stop) stop->fulfill();
    if (thread.joinable()) thread.join();
  }

  ClientConfig config;
  std::thread thread;
  kj::Own<const kj::Executor> executor;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> stop;
  std::atomic<bool> connected{false};

  // Used on the loop's thread only.
  kj::AsyncIoContext* io = nullptr;
  kj::Own<kj::AsyncIoStream> stream;
  kj::Own<capnp::TwoPartyVatNetwork> network;
  kj::Own<capnp::RpcSystem<capnp::rpc::twoparty::VatId>> rpc;
  std::optional<wire::RuntimeNode::Client> node;

  void start() {
    std::promise<void> started;
    auto ready = started.get_future();
    thread = std::thread([this, &started] {
      block_sigpipe();
      auto context = kj::setupAsyncIo();
      io = &context;
      executor = kj::getCurrentThreadExecutor().addRef();
      auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
      stop = kj::mv(paf.fulfiller);
      started.set_value();
      paf.promise.wait(context.waitScope);
      // Capabilities before the RPC system that hosts them, that before its stream.
      node.reset();
      rpc = nullptr;
      network = nullptr;
      stream = nullptr;
      io = nullptr;
    });
    ready.wait();
  }

  // Runs `call(error)` on the loop's thread and waits for the promise it returns, at most
  // `timeout`. `call` reports a refusal by the node by setting `error`.
  template <class Call>
  Status run(Call&& call, std::chrono::milliseconds timeout) {
    std::string error;
    try {
      executor->executeSync([&]() -> kj::Promise<void> {
        auto deadline =
            io->provider->getTimer().afterDelay(timeout.count() * kj::MILLISECONDS).then([&] {
              error = "no answer within " + std::to_string(timeout.count()) + " ms";
            });
        return kj::evalNow([&] { return call(error); })
            .exclusiveJoin(kj::mv(deadline))
            .catch_([&](kj::Exception&& e) { error = describe(e, connected); });
      });
    } catch (const kj::Exception& e) {
      error = describe(e, connected);
    }
    if (error.empty()) return graphs::Ok{};
    return graphs::Error{"node " + config.address + ": " + error};
  }

  // A call on the logged-in interface; fails at once when there is none any more.
  template <class Call>
  Status call(Call&& body, std::chrono::milliseconds timeout) {
    if (!connected) {
      return graphs::Error{"node " + config.address + ": lost the connection"};
    }
    return run([&](std::string& error) { return body(*node, error); }, timeout);
  }

  kj::Promise<void> connect(std::string& error) {
    return io->provider->getNetwork()
        .parseAddress(kj::StringPtr(config.address.c_str()))
        .then([](kj::Own<kj::NetworkAddress> address) {
          return address->connect().attach(kj::mv(address));
        })
        .then([this, &error](kj::Own<kj::AsyncIoStream> connection) {
          stream = kj::mv(connection);
          network = kj::heap<capnp::TwoPartyVatNetwork>(*stream, capnp::rpc::twoparty::Side::CLIENT,
                                                        reader_options());
          rpc = kj::heap<capnp::RpcSystem<capnp::rpc::twoparty::VatId>>(
              capnp::makeRpcClient(*network));
          network->onDisconnect()
              .then([this] { connected = false; })
              .detach([this](kj::Exception&&) { connected = false; });
          capnp::MallocMessageBuilder vat;
          auto host = vat.initRoot<capnp::rpc::twoparty::VatId>();
          host.setSide(capnp::rpc::twoparty::Side::SERVER);
          auto gateway = rpc->bootstrap(host).castAs<wire::Gateway>();
          auto request = gateway.loginRequest();
          request.setClientVersion(graphs::control::kCurrentControlVersion);
          request.setToken(text(config.token));
          return request.send().then([this, &error](auto response) {
            if (response.getError().size() > 0) {
              error = "refused: " + str(response.getError());
              return;
            }
            node.emplace(response.getNode());
            connected = true;
          });
        });
  }
};

namespace {

// Ends the stream on the node by dropping the capability, on the loop's thread.
class RemoteHandle final : public StreamHandle {
 public:
  RemoteHandle(std::shared_ptr<NodeClient::Loop> loop, wire::Handle::Client handle)
      : loop_(std::move(loop)), handle_(kj::mv(handle)) {}
  ~RemoteHandle() override {
    try {
      loop_->executor->executeSync([this] { handle_.reset(); });
    } catch (const kj::Exception&) {
      // The loop is gone, and with it the capability.
    }
  }

 private:
  std::shared_ptr<NodeClient::Loop> loop_;
  std::optional<wire::Handle::Client> handle_;
};

template <class Fn, class... Args>
void call_quietly(const Fn& fn, Args&&... args) {
  if (!fn) return;
  try {
    fn(std::forward<Args>(args)...);
  } catch (...) {
    // A callback's failure is the caller's; it must not break the client's loop.
  }
}

class MetricsListener final : public wire::MetricsListener::Server {
 public:
  MetricsListener(std::function<void(control::JobMetrics, std::uint32_t)> on_sample,
                  NodeClient::OnEnded on_ended)
      : on_sample_(std::move(on_sample)), on_ended_(std::move(on_ended)) {}

 protected:
  kj::Promise<void> push(PushContext call) override {
    auto params = call.getParams();
    call_quietly(on_sample_, control::from_wire(params.getMetrics()), params.getSkippedSamples());
    return kj::READY_NOW;
  }
  kj::Promise<void> ended(EndedContext call) override {
    call_quietly(on_ended_, str(call.getParams().getReason()));
    return kj::READY_NOW;
  }

 private:
  std::function<void(control::JobMetrics, std::uint32_t)> on_sample_;
  NodeClient::OnEnded on_ended_;
};

class PreviewListener final : public wire::PreviewListener::Server {
 public:
  PreviewListener(std::function<void(control::PreviewRecords)> on_records,
                  NodeClient::OnEnded on_ended)
      : on_records_(std::move(on_records)), on_ended_(std::move(on_ended)) {}

 protected:
  kj::Promise<void> push(PushContext call) override {
    call_quietly(on_records_, control::from_wire(call.getParams().getRecords()));
    return kj::READY_NOW;
  }
  kj::Promise<void> ended(EndedContext call) override {
    call_quietly(on_ended_, str(call.getParams().getReason()));
    return kj::READY_NOW;
  }

 private:
  std::function<void(control::PreviewRecords)> on_records_;
  NodeClient::OnEnded on_ended_;
};

class EventListener final : public wire::EventListener::Server {
 public:
  EventListener(std::function<void(std::vector<control::JobEvent>)> on_events,
                NodeClient::OnEnded on_ended)
      : on_events_(std::move(on_events)), on_ended_(std::move(on_ended)) {}

 protected:
  kj::Promise<void> push(PushContext call) override {
    call_quietly(on_events_, control::from_wire(call.getParams().getEvents()));
    return kj::READY_NOW;
  }
  kj::Promise<void> ended(EndedContext call) override {
    call_quietly(on_ended_, str(call.getParams().getReason()));
    return kj::READY_NOW;
  }

 private:
  std::function<void(std::vector<control::JobEvent>)> on_events_;
  NodeClient::OnEnded on_ended_;
};

// Sets a result's value, or the node's `error` text.
template <class T, class Response, class Convert>
void take(std::optional<T>& out, std::string& error, Response& response, Convert&& convert) {
  if (response.getError().size() > 0) {
    error = str(response.getError());
    return;
  }
  out.emplace(convert(response));
}

template <class T>
Result<T> finish(Status status, std::optional<T>& value) {
  if (!status) return status.error();
  return std::move(*value);
}

}  // namespace

Result<std::unique_ptr<NodeClient>> NodeClient::connect(ClientConfig config) {
  auto loop = std::make_shared<Loop>(std::move(config));
  loop->start();
  auto status =
      loop->run([&](std::string& error) { return loop->connect(error); }, loop->config.timeout);
  if (!status) return status.error();
  return std::unique_ptr<NodeClient>(new NodeClient(std::move(loop)));
}

NodeClient::NodeClient(std::shared_ptr<Loop> loop) : loop_(std::move(loop)) {}

NodeClient::~NodeClient() {
  // The capability first, on the loop's thread; handles still held keep the loop running.
  try {
    loop_->executor->executeSync([this] { loop_->node.reset(); });
  } catch (const kj::Exception&) {
  }
}

const std::string& NodeClient::address() const { return loop_->config.address; }
bool NodeClient::connected() const { return loop_->connected; }

Result<control::NodeInfo> NodeClient::info() {
  std::optional<control::NodeInfo> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string&) {
        return node.infoRequest().send().then(
            [&](auto response) { out.emplace(control::from_wire(response.getInfo())); });
      },
      loop_->config.timeout);
  return finish(status, out);
}

Result<control::DeployOutcome> NodeClient::deploy(const control::DeployRequest& request) {
  std::optional<control::DeployOutcome> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string&) {
        auto call = node.deployRequest();
        control::to_wire(request.graphs, call.initGraphs(request.graphs.size()));
        control::to_wire(request.options, call.initOptions());
        return call.send().then([&](auto response) {
          control::DeployOutcome outcome;
          if (response.getJob().size() > 0) outcome.job = str(response.getJob());
          outcome.problems = control::from_wire(response.getProblems());
          out.emplace(std::move(outcome));
        });
      },
      loop_->config.operation_timeout);
  return finish(status, out);
}

Result<std::vector<control::JobSummary>> NodeClient::jobs() {
  std::optional<std::vector<control::JobSummary>> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string&) {
        return node.jobsRequest().send().then(
            [&](auto response) { out.emplace(control::from_wire(response.getJobs())); });
      },
      loop_->config.timeout);
  return finish(status, out);
}

Result<control::JobDetail> NodeClient::status(const control::JobId& job) {
  std::optional<control::JobDetail> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.statusRequest();
        call.setJob(text(job));
        return call.send().then([&](auto response) {
          if (response.getError().size() > 0) {
            error = str(response.getError());
            return;
          }
          auto detail = control::from_wire(response.getDetail());
          if (!detail) {
            error = detail.error().message;
            return;
          }
          out.emplace(std::move(detail).value());
        });
      },
      loop_->config.timeout);
  return finish(status, out);
}

Result<std::string> NodeClient::stop(const control::JobId& job, const std::string& savepoint_dir,
                                     bool drain) {
  std::optional<std::string> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.stopRequest();
        call.setJob(text(job));
        call.setSavepointDir(text(savepoint_dir));
        call.setDrain(drain);
        return call.send().then([&](auto response) {
          take(out, error, response, [](auto& r) { return str(r.getSavepoint()); });
        });
      },
      loop_->config.operation_timeout);
  return finish(status, out);
}

Status NodeClient::cancel(const control::JobId& job) {
  return loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.cancelRequest();
        call.setJob(text(job));
        return call.send().then([&](auto response) {
          if (response.getError().size() > 0) error = str(response.getError());
        });
      },
      loop_->config.operation_timeout);
}

Result<std::string> NodeClient::savepoint(const control::JobId& job) {
  std::optional<std::string> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.savepointRequest();
        call.setJob(text(job));
        return call.send().then([&](auto response) {
          take(out, error, response, [](auto& r) { return str(r.getSavepoint()); });
        });
      },
      loop_->config.operation_timeout);
  return finish(status, out);
}

Result<graphs::Catalog> NodeClient::catalog() {
  std::optional<graphs::Catalog> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        return node.catalogRequest().send().then([&](auto response) {
          if (response.getError().size() > 0) {
            error = str(response.getError());
            return;
          }
          auto catalog = control::from_wire(response.getCatalog());
          if (!catalog) {
            error = catalog.error().message;
            return;
          }
          out.emplace(std::move(catalog).value());
        });
      },
      loop_->config.timeout);
  return finish(status, out);
}

Result<control::JobMetrics> NodeClient::metrics(const control::JobId& job) {
  std::optional<control::JobMetrics> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.metricsRequest();
        call.setJob(text(job));
        return call.send().then([&](auto response) {
          take(out, error, response, [](auto& r) { return control::from_wire(r.getMetrics()); });
        });
      },
      loop_->config.timeout);
  return finish(status, out);
}

Result<std::vector<control::JobEvent>> NodeClient::events(const control::JobId& job,
                                                          std::uint64_t after) {
  std::optional<std::vector<control::JobEvent>> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.eventsRequest();
        call.setJob(text(job));
        call.setAfter(after);
        return call.send().then([&](auto response) {
          take(out, error, response, [](auto& r) { return control::from_wire(r.getEvents()); });
        });
      },
      loop_->config.timeout);
  return finish(status, out);
}

Result<std::unique_ptr<StreamHandle>> NodeClient::subscribe(
    const control::JobId& job, std::uint32_t interval_ms,
    std::function<void(control::JobMetrics, std::uint32_t)> on_sample, OnEnded on_ended) {
  std::optional<std::unique_ptr<StreamHandle>> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.subscribeRequest();
        call.setJob(text(job));
        call.setIntervalMs(interval_ms);
        call.setListener(kj::heap<MetricsListener>(std::move(on_sample), std::move(on_ended)));
        return call.send().then([&](auto response) {
          take(out, error, response, [&](auto& r) -> std::unique_ptr<StreamHandle> {
            return std::make_unique<RemoteHandle>(loop_, r.getHandle());
          });
        });
      },
      loop_->config.timeout);
  return finish(status, out);
}

Result<std::unique_ptr<StreamHandle>> NodeClient::preview(
    const control::JobId& job, const control::EdgeRef& edge, std::uint32_t max_records_per_second,
    std::function<void(control::PreviewRecords)> on_records, OnEnded on_ended) {
  std::optional<std::unique_ptr<StreamHandle>> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.previewRequest();
        call.setJob(text(job));
        control::to_wire(edge, call.initEdge());
        call.setMaxRecordsPerSecond(max_records_per_second);
        call.setListener(kj::heap<PreviewListener>(std::move(on_records), std::move(on_ended)));
        return call.send().then([&](auto response) {
          take(out, error, response, [&](auto& r) -> std::unique_ptr<StreamHandle> {
            return std::make_unique<RemoteHandle>(loop_, r.getHandle());
          });
        });
      },
      loop_->config.operation_timeout);
  return finish(status, out);
}

Result<std::unique_ptr<StreamHandle>> NodeClient::watch_events(
    const control::JobId& job, std::uint64_t after,
    std::function<void(std::vector<control::JobEvent>)> on_events, OnEnded on_ended) {
  std::optional<std::unique_ptr<StreamHandle>> out;
  auto status = loop_->call(
      [&](wire::RuntimeNode::Client& node, std::string& error) {
        auto call = node.watchEventsRequest();
        call.setJob(text(job));
        call.setAfter(after);
        call.setListener(kj::heap<EventListener>(std::move(on_events), std::move(on_ended)));
        return call.send().then([&](auto response) {
          take(out, error, response, [&](auto& r) -> std::unique_ptr<StreamHandle> {
            return std::make_unique<RemoteHandle>(loop_, r.getHandle());
          });
        });
      },
      loop_->config.timeout);
  return finish(status, out);
}

}  // namespace rivulet::client
