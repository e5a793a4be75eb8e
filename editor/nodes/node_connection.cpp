#include "editor/nodes/node_connection.hpp"

#include <algorithm>
#include <utility>

#include "editor/nodes/rpc_threads.hpp"

namespace rivulet::editor {
namespace {

QString qs(const std::string& text) { return QString::fromStdString(text); }

// The client's message for a login the node turned down ("node ADDR: refused: ..."), as
// opposed to a node that cannot be reached: retrying the first cannot help.
bool is_refusal(const QString& address, const QString& error) {
  return error.startsWith(QStringLiteral("node %1: refused: ").arg(address));
}

}  // namespace

NodeConnection::NodeConnection(QString address, std::string token, QObject* parent)
    : NodeConnection(std::move(address), std::move(token), Timing{}, parent) {}

NodeConnection::NodeConnection(QString address, std::string token, Timing timing, QObject* parent)
    : QObject(parent),
      address_(std::move(address)),
      token_(std::move(token)),
      timing_(timing),
      mailbox_(std::make_shared<Mailbox>(this)),
      next_retry_(timing.first_retry) {
  registerControlMetaTypes();
  qRegisterMetaType<NodeConnection*>();  // DeployController's and NodesPanel's signals carry it
  retry_timer_.setSingleShot(true);
  connect(&retry_timer_, &QTimer::timeout, this, &NodeConnection::attempt);
  poll_timer_.setInterval(static_cast<int>(timing_.poll_interval.count()));
  connect(&poll_timer_, &QTimer::timeout, this, &NodeConnection::refreshJobs);
}

NodeConnection::~NodeConnection() {
  mailbox_->close();
  for (auto& [job, stream] : subscriptions_) {
    if (stream.slot) stream.slot->cancel();
  }
  for (auto& [job, stream] : event_watches_) {
    if (stream.slot) stream.slot->cancel();
  }
  releaseOffGuiThread(std::move(client_));
}

void NodeConnection::setState(State state, const QString& message) {
  state_ = state;
  state_message_ = message;
  emit stateChanged(state, message);
}

void NodeConnection::open() {
  if (wanted_open_) return;
  wanted_open_ = true;
  next_retry_ = timing_.first_retry;
  attempt();
}

void NodeConnection::close() {
  wanted_open_ = false;
  ++generation_;
  retry_timer_.stop();
  dropClient();
  setState(State::Idle, {});
}

void NodeConnection::reconnectNow() {
  wanted_open_ = true;
  if (state_ == State::Connected || state_ == State::Connecting) return;
  retry_timer_.stop();
  next_retry_ = timing_.first_retry;
  attempt();
}

void NodeConnection::attempt() {
  if (!wanted_open_) return;
  const std::uint64_t generation = ++generation_;
  setState(State::Connecting, {});
  emit connecting();
  client::ClientConfig config;
  config.address = address_.toStdString();
  config.token = token_;
  config.timeout = timing_.call_timeout;
  config.operation_timeout = timing_.operation_timeout;
  auto mailbox = mailbox_;
  runOffGuiThread([this, mailbox, config, generation] {
    auto connected = client::NodeClient::connect(config);
    std::shared_ptr<client::NodeClient> client;
    std::optional<control::NodeInfo> info;
    QString error;
    if (connected) {
      client = std::move(connected.value());
      if (auto answer = client->info()) info = std::move(answer.value());
    } else {
      error = qs(connected.error().message);
    }
    mailbox->post([this, generation, client = std::move(client), info, error]() mutable {
      onConnectResult(generation, std::move(client), info, error);
    });
  });
}

void NodeConnection::onConnectResult(std::uint64_t generation,
                                     std::shared_ptr<client::NodeClient> client,
                                     std::optional<control::NodeInfo> info, const QString& error) {
  if (generation != generation_ || !wanted_open_) {
    releaseOffGuiThread(std::move(client));  // closed or superseded meanwhile
    return;
  }
  if (!client) {
    if (is_refusal(address_, error)) {
      setState(State::Refused, error);
      emit refused(error);
      return;
    }
    scheduleRetry(error);
    return;
  }
  client_ = std::move(client);
  info_ = std::move(info);
  next_retry_ = timing_.first_retry;
  setState(State::Connected, {});
  emit connected(info_.value_or(control::NodeInfo{}));
  poll_timer_.start();
  refreshJobs();
  for (const auto& [job, stream] : subscriptions_) openSubscription(job);
  for (const auto& [job, stream] : event_watches_) openEventWatch(job);
}

void NodeConnection::scheduleRetry(const QString& reason) {
  setState(State::Lost, reason);
  emit lost(reason);
  retry_delay_ms_ = static_cast<int>(next_retry_.count());
  next_retry_ = std::min(next_retry_ * 2, timing_.max_retry);
  retry_timer_.start(retry_delay_ms_);
  emit retrying(retry_delay_ms_);
}

void NodeConnection::dropClient() {
  poll_timer_.stop();
  poll_in_flight_ = false;
  for (auto& [job, stream] : subscriptions_) {
    if (stream.slot) stream.slot->cancel();
    stream.slot.reset();
  }
  for (auto& [job, stream] : event_watches_) {
    if (stream.slot) stream.slot->cancel();
    stream.slot.reset();
  }
  releaseOffGuiThread(std::move(client_));
  client_.reset();
}

void NodeConnection::noteLost(const client::NodeClient* client, const QString& reason) {
  // Only the current client's loss counts: an answer from an older one is history.
  if (client == nullptr || client != client_.get() || state_ != State::Connected) return;
  dropClient();
  scheduleRetry(reason);
}

template <class T, class Call, class Done>
void NodeConnection::run(QString what, Call call, Done done) {
  if (!client_) {
    const graphs::Result<T> error =
        graphs::Error{"node " + address_.toStdString() + ": not connected"};
    // Still asynchronous, so callers see one behaviour whatever the state.
    QMetaObject::invokeMethod(
        this,
        [this, what, error, done] {
          emit requestFailed(what, qs(error.error().message));
          done(error);
        },
        Qt::QueuedConnection);
    return;
  }
  auto client = client_;
  auto mailbox = mailbox_;
  runOffGuiThread([this, what, client, mailbox, call, done] {
    graphs::Result<T> result = call(*client);
    const bool lost = !client->connected();
    // Only the address goes back: the last reference to the client must die here, on an RPC
    // thread, not in the GUI thread's copy of this lambda.
    const client::NodeClient* from = client.get();
    mailbox->post([this, what, from, result, done, lost] {
      if (!result) emit requestFailed(what, qs(result.error().message));
      done(result);
      if (lost) noteLost(from, result ? tr("lost the connection") : qs(result.error().message));
    });
  });
}

void NodeConnection::refreshJobs() {
  if (!client_ || poll_in_flight_) return;
  poll_in_flight_ = true;
  run<std::vector<control::JobSummary>>(
      tr("list jobs"), [](client::NodeClient& c) { return c.jobs(); },
      [this](const graphs::Result<std::vector<control::JobSummary>>& result) {
        poll_in_flight_ = false;
        if (!result) return;
        jobs_ = result.value();
        emit jobsChanged(jobs_);
      });
}

void NodeConnection::deploy(control::DeployRequest request, Reply<control::DeployOutcome> reply) {
  run<control::DeployOutcome>(
      tr("deploy"), [request](client::NodeClient& c) { return c.deploy(request); },
      [this, reply](const graphs::Result<control::DeployOutcome>& result) {
        if (result) emit deployed(result.value());
        if (reply) reply(result);
        if (result && result->job) refreshJobs();
      });
}

void NodeConnection::stop(const control::JobId& job, const std::string& savepoint_dir, bool drain,
                          Reply<std::string> reply) {
  run<std::string>(
      tr("stop %1").arg(qs(job)),
      [job, savepoint_dir, drain](client::NodeClient& c) {
        return c.stop(job, savepoint_dir, drain);
      },
      [this, job, reply](const graphs::Result<std::string>& result) {
        if (result) emit stopped(qs(job), qs(result.value()));
        if (reply) reply(result);
        refreshJobs();
      });
}

void NodeConnection::cancel(const control::JobId& job, Reply<graphs::Ok> reply) {
  run<graphs::Ok>(
      tr("cancel %1").arg(qs(job)), [job](client::NodeClient& c) { return c.cancel(job); },
      [this, job, reply](const graphs::Result<graphs::Ok>& result) {
        if (result) emit cancelled(qs(job));
        if (reply) reply(result);
        refreshJobs();
      });
}

void NodeConnection::savepoint(const control::JobId& job, Reply<std::string> reply) {
  run<std::string>(
      tr("savepoint %1").arg(qs(job)), [job](client::NodeClient& c) { return c.savepoint(job); },
      [this, job, reply](const graphs::Result<std::string>& result) {
        if (result) emit savepointTaken(qs(job), qs(result.value()));
        if (reply) reply(result);
      });
}

void NodeConnection::status(const control::JobId& job, Reply<control::JobDetail> reply) {
  run<control::JobDetail>(
      tr("status %1").arg(qs(job)), [job](client::NodeClient& c) { return c.status(job); },
      [this, reply](const graphs::Result<control::JobDetail>& result) {
        if (result) emit statusArrived(result.value());
        if (reply) reply(result);
      });
}

void NodeConnection::catalog(Reply<graphs::Catalog> reply) {
  run<graphs::Catalog>(
      tr("catalog"), [](client::NodeClient& c) { return c.catalog(); },
      [this, reply](const graphs::Result<graphs::Catalog>& result) {
        if (result) emit catalogArrived(result.value());
        if (reply) reply(result);
      });
}

// --- streams ---------------------------------------------------------------------------------

void NodeConnection::subscribe(const control::JobId& job, std::uint32_t interval_ms) {
  auto& stream = subscriptions_[job];
  if (stream.slot && stream.interval_ms == interval_ms) return;
  if (stream.slot) stream.slot->cancel();
  stream.slot.reset();
  stream.interval_ms = interval_ms;
  if (client_) openSubscription(job);
}

void NodeConnection::unsubscribe(const control::JobId& job) {
  auto it = subscriptions_.find(job);
  if (it == subscriptions_.end()) return;
  if (it->second.slot) it->second.slot->cancel();
  subscriptions_.erase(it);
}

void NodeConnection::watchEvents(const control::JobId& job) {
  auto& stream = event_watches_[job];
  if (stream.slot) return;
  if (client_) openEventWatch(job);
}

void NodeConnection::unwatchEvents(const control::JobId& job) {
  auto it = event_watches_.find(job);
  if (it == event_watches_.end()) return;
  if (it->second.slot) it->second.slot->cancel();
  event_watches_.erase(it);
  last_event_.erase(job);  // a later watch starts from the job's first event again
}

void NodeConnection::openSubscription(const control::JobId& job) {
  auto& stream = subscriptions_[job];
  auto slot = std::make_shared<HandleSlot>();
  stream.slot = slot;
  auto client = client_;
  auto mailbox = mailbox_;
  const std::uint32_t interval = stream.interval_ms;
  runOffGuiThread([this, job, interval, client, mailbox, slot] {
    auto handle = client->subscribe(
        job, interval,
        [this, mailbox](control::JobMetrics metrics, std::uint32_t /*skipped*/) {
          mailbox->post([this, metrics = std::move(metrics)] { emit metricsArrived(metrics); });
        },
        [this, mailbox, job, slot](const std::string& reason) {
          mailbox->post([this, job, slot, reason] { onStreamEnded(job, slot, false, qs(reason)); });
        });
    if (handle) {
      slot->fill(std::move(handle.value()));
      return;
    }
    const QString error = qs(handle.error().message);
    mailbox->post([this, job, slot, error] { onStreamEnded(job, slot, false, error); });
  });
}

void NodeConnection::openEventWatch(const control::JobId& job) {
  auto& stream = event_watches_[job];
  auto slot = std::make_shared<HandleSlot>();
  stream.slot = slot;
  auto client = client_;
  auto mailbox = mailbox_;
  const std::uint64_t after = last_event_[job];
  runOffGuiThread([this, job, after, client, mailbox, slot] {
    auto handle = client->watch_events(
        job, after,
        [this, mailbox, job, slot](std::vector<control::JobEvent> events) {
          mailbox->post([this, job, slot, events = std::move(events)] {
            if (events.empty()) return;
            // Batches still queued from a watch that was cancelled or replaced are stale.
            auto current = event_watches_.find(job);
            if (current == event_watches_.end() || current->second.slot != slot) return;
            auto& last = last_event_[job];
            last = std::max(last, events.back().sequence);
            emit eventsArrived(events);
          });
        },
        [this, mailbox, job, slot](const std::string& reason) {
          mailbox->post([this, job, slot, reason] { onStreamEnded(job, slot, true, qs(reason)); });
        });
    if (handle) {
      slot->fill(std::move(handle.value()));
      return;
    }
    const QString error = qs(handle.error().message);
    mailbox->post([this, job, slot, error] { onStreamEnded(job, slot, true, error); });
  });
}

void NodeConnection::onStreamEnded(const control::JobId& job,
                                   const std::shared_ptr<HandleSlot>& slot, bool events,
                                   const QString& reason) {
  auto& streams = events ? event_watches_ : subscriptions_;
  auto it = streams.find(job);
  if (it == streams.end() || it->second.slot != slot) return;  // replaced or cancelled already
  if (!client_ || !client_->connected()) {
    // The connection went: keep the stream registered, the reconnect re-opens it.
    it->second.slot.reset();
    slot->cancel();
    noteLost(client_.get(), reason);
    return;
  }
  slot->cancel();
  streams.erase(it);
  if (!events) emit subscriptionEnded(qs(job), reason);
}

std::unique_ptr<PreviewTap> NodeConnection::preview(const control::JobId& job,
                                                    const control::EdgeRef& edge,
                                                    std::uint32_t max_records_per_second) {
  std::unique_ptr<PreviewTap> tap(new PreviewTap());
  auto mailbox = tap->mailbox_;
  auto slot = tap->slot_;
  PreviewTap* receiver = tap.get();
  if (!client_) {
    const QString reason = tr("node %1: not connected").arg(address_);
    mailbox->post([receiver, reason] { emit receiver->ended(reason); });
    return tap;
  }
  auto client = client_;
  runOffGuiThread([receiver, client, mailbox, slot, job, edge, max_records_per_second] {
    auto handle = client->preview(
        job, edge, max_records_per_second,
        [receiver, mailbox](control::PreviewRecords records) {
          mailbox->post(
              [receiver, records = std::move(records)] { emit receiver->recordsArrived(records); });
        },
        [receiver, mailbox](const std::string& reason) {
          mailbox->post([receiver, reason = qs(reason)] { emit receiver->ended(reason); });
        });
    if (handle) {
      slot->fill(std::move(handle.value()));
      return;
    }
    mailbox->post(
        [receiver, reason = qs(handle.error().message)] { emit receiver->ended(reason); });
  });
  return tap;
}

PreviewTap::PreviewTap()
    : mailbox_(std::make_shared<Mailbox>(this)), slot_(std::make_shared<HandleSlot>()) {}

PreviewTap::~PreviewTap() {
  mailbox_->close();
  slot_->cancel();
}

}  // namespace rivulet::editor
