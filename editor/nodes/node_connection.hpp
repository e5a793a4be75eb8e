#pragma once
// One runtime node as the editor sees it: a NodeClient (client/node_client.hpp) kept connected,
// with every RPC off the GUI thread. Lives on the GUI thread; calls return at once and their
// results arrive later as signals (and, when given, a reply callback) on the GUI thread.
//
// Health: open() connects; a lost connection (or a node that cannot be reached) is retried with
// exponential backoff (0.5 s doubling up to 10 s, reset by a success); a node that refuses the
// login (wrong token, other protocol version) is not retried until reconnectNow(). While
// connected, jobs() is polled every 2 s, which is also how a silent loss is noticed.
// Metric subscriptions and event watches are remembered and re-opened after a reconnect.

#include <QObject>
#include <QString>
#include <QTimer>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/node_client.hpp"
#include "editor/control_metatypes.hpp"
#include "graphs/result.hpp"

namespace rivulet::editor {

namespace control = graphs::control;
class Mailbox;
class HandleSlot;
class PreviewTap;

class NodeConnection : public QObject {
  Q_OBJECT
 public:
  enum class State { Idle, Connecting, Connected, Lost, Refused };
  Q_ENUM(State)

  struct Timing {
    std::chrono::milliseconds first_retry{500};
    std::chrono::milliseconds max_retry{10000};
    std::chrono::milliseconds poll_interval{2000};
    std::chrono::milliseconds call_timeout{10000};
    std::chrono::milliseconds operation_timeout{150000};
  };

  NodeConnection(QString address, std::string token, QObject* parent = nullptr);
  NodeConnection(QString address, std::string token, Timing timing, QObject* parent = nullptr);
  ~NodeConnection() override;
  NodeConnection(const NodeConnection&) = delete;
  NodeConnection& operator=(const NodeConnection&) = delete;

  const QString& address() const { return address_; }
  State state() const { return state_; }
  // Why the node is Lost or Refused (the client's message, naming the address).
  const QString& stateMessage() const { return state_message_; }
  const std::vector<control::JobSummary>& jobs() const { return jobs_; }
  const std::optional<control::NodeInfo>& info() const { return info_; }
  // The delay of the retry now pending, 0 when none is.
  int retryDelayMs() const { return retry_timer_.isActive() ? retry_delay_ms_ : 0; }

  void open();          // connect, and keep reconnecting; does nothing while open
  void close();         // disconnect and stop retrying
  void reconnectNow();  // after a refusal, or to skip a pending backoff

  template <class T>
  using Reply = std::function<void(const graphs::Result<T>&)>;

  // Each also emits its signal below (or requestFailed) when the node answers.
  void deploy(control::DeployRequest request, Reply<control::DeployOutcome> reply = {});
  void stop(const control::JobId& job, const std::string& savepoint_dir, bool drain,
            Reply<std::string> reply = {});
  void cancel(const control::JobId& job, Reply<graphs::Ok> reply = {});
  void savepoint(const control::JobId& job, Reply<std::string> reply = {});
  void status(const control::JobId& job, Reply<control::JobDetail> reply = {});
  void catalog(Reply<graphs::Catalog> reply = {});
  void refreshJobs();

  // Metrics pushed every `interval_ms` (the node's minimum is 100) → metricsArrived, until
  // unsubscribe(job) or the job ends (subscriptionEnded).
  void subscribe(const control::JobId& job, std::uint32_t interval_ms = 500);
  void unsubscribe(const control::JobId& job);
  // Every event of the job from the first, then as they happen → eventsArrived.
  void watchEvents(const control::JobId& job);
  void unwatchEvents(const control::JobId& job);
  // A rate-limited tap on one edge; destroying the returned object removes it.
  std::unique_ptr<PreviewTap> preview(const control::JobId& job, const control::EdgeRef& edge,
                                      std::uint32_t max_records_per_second);

 signals:
  void stateChanged(rivulet::editor::NodeConnection::State state, const QString& message);
  void connecting();
  void connected(const rivulet::graphs::control::NodeInfo& info);
  void lost(const QString& reason);
  void refused(const QString& message);
  void retrying(int delay_ms);
  void jobsChanged(const std::vector<rivulet::graphs::control::JobSummary>& jobs);
  void deployed(const rivulet::graphs::control::DeployOutcome& outcome);
  void stopped(const QString& job, const QString& savepoint);
  void cancelled(const QString& job);
  void savepointTaken(const QString& job, const QString& path);
  void statusArrived(const rivulet::graphs::control::JobDetail& detail);
  void catalogArrived(const rivulet::graphs::Catalog& catalog);
  // `what` names the request ("stop job-1"); `message` is the node's or the client's error.
  void requestFailed(const QString& what, const QString& message);
  void metricsArrived(const rivulet::graphs::control::JobMetrics& metrics);
  void eventsArrived(const std::vector<rivulet::graphs::control::JobEvent>& events);
  void subscriptionEnded(const QString& job, const QString& reason);

 private:
  struct Stream {
    std::uint32_t interval_ms = 0;
    std::shared_ptr<HandleSlot> slot;
  };

  // Runs `call(client)` on an RPC thread; `done(result)` then runs here, after the loss check.
  template <class T, class Call, class Done>
  void run(QString what, Call call, Done done);
  void setState(State state, const QString& message);
  void attempt();
  void onConnectResult(std::uint64_t generation, std::shared_ptr<client::NodeClient> client,
                       std::optional<control::NodeInfo> info, const QString& error);
  void scheduleRetry(const QString& reason);
  void noteLost(const client::NodeClient* client, const QString& reason);
  void dropClient();
  void openSubscription(const control::JobId& job);
  void openEventWatch(const control::JobId& job);
  void onStreamEnded(const control::JobId& job, const std::shared_ptr<HandleSlot>& slot,
                     bool events, const QString& reason);

  QString address_;
  std::string token_;
  Timing timing_;
  std::shared_ptr<Mailbox> mailbox_;
  std::shared_ptr<client::NodeClient> client_;
  std::uint64_t generation_ = 0;  // bumped per connect attempt and close(): stale answers lose
  State state_ = State::Idle;
  QString state_message_;
  bool wanted_open_ = false;
  bool poll_in_flight_ = false;
  std::optional<control::NodeInfo> info_;
  std::vector<control::JobSummary> jobs_;
  QTimer retry_timer_;
  QTimer poll_timer_;
  int retry_delay_ms_ = 0;
  std::chrono::milliseconds next_retry_;
  std::map<control::JobId, Stream> subscriptions_;
  std::map<control::JobId, Stream> event_watches_;
  std::map<control::JobId, std::uint64_t> last_event_;  // resume after this sequence
};

// A live preview of one edge (NodeConnection::preview): emits recordsArrived as the node samples,
// ended once when the tap stops (job ended, connection lost, or refused). Destroying it removes
// the tap on the node.
class PreviewTap : public QObject {
  Q_OBJECT
 public:
  ~PreviewTap() override;
  PreviewTap(const PreviewTap&) = delete;
  PreviewTap& operator=(const PreviewTap&) = delete;

 signals:
  void recordsArrived(const rivulet::graphs::control::PreviewRecords& records);
  void ended(const QString& reason);

 private:
  friend class NodeConnection;
  PreviewTap();
  std::shared_ptr<Mailbox> mailbox_;
  std::shared_ptr<HandleSlot> slot_;
};

}  // namespace rivulet::editor
