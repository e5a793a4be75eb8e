#include "runtime/node/control_session.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "graphs/control_wire.hpp"
#include "graphs/graph_wire.hpp"

namespace rivulet::runtime::node {
namespace {

using graphs::wire_convert::str;
using graphs::wire_convert::text;
namespace control = graphs::control;
namespace wire = graphs::wire;

constexpr std::uint32_t kMinIntervalMs = 100;
constexpr std::uint32_t kMaxIntervalMs = 3600 * 1000;
constexpr std::int64_t kEventPollMs = 250;
// Preview rows waiting for a slow listener; more are counted as skipped, never queued.
constexpr std::size_t kMaxPendingPreviewRows = 1000;

bool ended(JobState state) {
  return state == JobState::Finished || state == JobState::Failed || state == JobState::Cancelled;
}

// Whether the job has ended, asked on a worker together with the call it belongs to.
bool job_ended(const NodeService& service, const JobId& job) {
  auto detail = service.status(job);
  return !detail || ended(detail->summary.state);
}

template <class Listener>
void tell_ended(Listener& listener, const std::string& reason) {
  auto request = listener.endedRequest();
  request.setReason(text(reason));
  request.send().detach([](kj::Exception&&) {});
}

// --- metrics subscription -----------------------------------------------------------------

class MetricsStream final : public wire::Handle::Server {
 public:
  MetricsStream(SessionContext& context, JobId job, std::uint64_t sampler,
                wire::MetricsListener::Client listener, std::uint32_t interval_ms, JobMetrics first)
      : context_(context),
        job_(std::move(job)),
        sampler_(sampler),
        listener_(kj::mv(listener)),
        interval_(interval_ms * kj::MILLISECONDS),
        next_tick_(context.timer.now() + interval_),
        loop_(push(std::move(first), false).eagerlyEvaluate([](kj::Exception&&) {})) {}

 private:
  struct Sample {
    graphs::Result<JobMetrics> metrics;
    bool ended;
  };

  kj::Promise<void> push(JobMetrics metrics, bool last) {
    auto request = listener_.pushRequest();
    control::to_wire(metrics, request.initMetrics());
    request.setSkippedSamples(skipped_);
    skipped_ = 0;
    return request.send().then([this, last](auto&&) -> kj::Promise<void> {
      if (last) {
        tell_ended(listener_, "job " + job_ + " ended");
        return kj::READY_NOW;
      }
      // Ticks that passed while the listener had not acknowledged are skipped, not queued.
      auto now = context_.timer.now();
      if (now >= next_tick_) {
        auto missed = (now - next_tick_) / interval_ + 1;
        skipped_ += static_cast<std::uint32_t>(std::min<std::int64_t>(missed, 1 << 30));
        next_tick_ += missed * interval_;
      }
      auto at = next_tick_;
      next_tick_ += interval_;
      return context_.timer.atTime(at).then([this] { return sample(); });
    });
  }

  kj::Promise<void> sample() {
    return context_.queries
        .run([&service = context_.service, job = job_, sampler = sampler_] {
          auto metrics = service.metrics(job, sampler);
          bool ended = job_ended(service, job);
          return Sample{std::move(metrics), ended};
        })
        .then([this](Sample s) -> kj::Promise<void> {
          if (!s.metrics) {
            tell_ended(listener_, s.metrics.error().message);
            return kj::READY_NOW;
          }
          return push(std::move(s.metrics).value(), s.ended);
        });
  }

  SessionContext& context_;
  JobId job_;
  std::uint64_t sampler_;
  wire::MetricsListener::Client listener_;
  kj::Duration interval_;
  kj::TimePoint next_tick_;
  std::uint32_t skipped_ = 0;
  kj::Promise<void> loop_;
};

// --- job events ---------------------------------------------------------------------------

class EventStream final : public wire::Handle::Server {
 public:
  EventStream(SessionContext& context, JobId job, std::uint64_t after,
              wire::EventListener::Client listener)
      : context_(context),
        job_(std::move(job)),
        after_(after),
        listener_(kj::mv(listener)),
        loop_(poll().eagerlyEvaluate([](kj::Exception&&) {})) {}

 private:
  struct Poll {
    graphs::Result<std::vector<JobEvent>> events;
    bool ended;
  };

  kj::Promise<void> poll() {
    return context_.queries
        .run([&service = context_.service, job = job_, after = after_] {
          // Ended first: events that arrive between the two calls are then still sent.
          bool ended = job_ended(service, job);
          return Poll{service.events(job, after), ended};
        })
        .then([this](Poll p) -> kj::Promise<void> {
          if (!p.events) {
            tell_ended(listener_, p.events.error().message);
            return kj::READY_NOW;
          }
          if (p.events->empty()) {
            if (p.ended) {
              tell_ended(listener_, "job " + job_ + " ended");
              return kj::READY_NOW;
            }
            return context_.timer.afterDelay(kEventPollMs * kj::MILLISECONDS).then([this] {
              return poll();
            });
          }
          after_ = p.events->back().sequence;
          auto request = listener_.pushRequest();
          control::to_wire(*p.events, request.initEvents(p.events->size()));
          return request.send().then([this](auto&&) { return poll(); });
        });
  }

  SessionContext& context_;
  JobId job_;
  std::uint64_t after_;
  wire::EventListener::Client listener_;
  kj::Promise<void> loop_;
};

// --- edge preview -------------------------------------------------------------------------

// Filled by the node's threads, drained by the loop; the cross-thread fulfiller wakes the loop.
class PreviewQueue {
 public:
  void add(PreviewRecords records) {
    std::lock_guard lock(mutex_);
    if (!has_) pending_.schema = std::move(records.schema);
    has_ = true;
    pending_.skipped += records.skipped;
    for (auto& row : records.rows) {
      if (pending_.rows.size() < kMaxPendingPreviewRows) {
        pending_.rows.push_back(std::move(row));
      } else {
        ++pending_.skipped;
      }
    }
    if (waiter_) {
      waiter_->fulfill();
      waiter_ = nullptr;
    }
  }

  kj::Promise<void> ready() {
    std::lock_guard lock(mutex_);
    if (has_) return kj::READY_NOW;
    auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
    waiter_ = kj::mv(paf.fulfiller);
    return kj::mv(paf.promise);
  }

  PreviewRecords take() {
    std::lock_guard lock(mutex_);
    has_ = false;
    PreviewRecords out = std::move(pending_);
    pending_ = {};
    return out;
  }

 private:
  std::mutex mutex_;
  PreviewRecords pending_;
  bool has_ = false;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> waiter_;
};

class PreviewStream final : public wire::Handle::Server {
 public:
  PreviewStream(std::shared_ptr<PreviewQueue> queue, std::unique_ptr<Handle> tap,
                wire::PreviewListener::Client listener)
      : queue_(std::move(queue)),
        tap_(std::move(tap)),
        listener_(kj::mv(listener)),
        loop_(forward().eagerlyEvaluate([](kj::Exception&&) {})) {}

  ~PreviewStream() {
    loop_ = nullptr;  // before the tap, so nothing waits on a queue the node stops filling
    tap_.reset();
  }

 private:
  kj::Promise<void> forward() {
    return queue_->ready().then([this] {
      auto request = listener_.pushRequest();
      control::to_wire(queue_->take(), request.initRecords());
      return request.send().then([this](auto&&) { return forward(); });
    });
  }

  std::shared_ptr<PreviewQueue> queue_;
  std::unique_ptr<Handle> tap_;
  wire::PreviewListener::Client listener_;
  kj::Promise<void> loop_;
};

// --- the interface ------------------------------------------------------------------------

// Runs `decode` (a conversion of an untrusted message) and reports what does not make sense
// as a value instead of an exception.
template <class Decode>
auto decoded(Decode&& decode) -> graphs::Result<decltype(decode())> {
  try {
    return decode();
  } catch (const kj::Exception& e) {
    return graphs::Error{std::string("malformed request: ") + e.getDescription().cStr()};
  } catch (const std::exception& e) {
    return graphs::Error{std::string("malformed request: ") + e.what()};
  }
}

class Session final : public wire::RuntimeNode::Server {
 public:
  explicit Session(SessionContext& context)
      : context_(context), sampler_(context.next_sampler_id++) {}

 private:
  template <class Call>
  auto queries(Call call) {
    return context_.queries.run(
        [&service = context_.service, call = std::move(call)]() mutable { return call(service); });
  }

  template <class Call>
  auto operations(Call call) {
    return context_.operations.run(
        [&service = context_.service, call = std::move(call)]() mutable { return call(service); });
  }

 protected:
  kj::Promise<void> info(InfoContext call) override {
    return queries([](NodeService& s) { return s.info(); }).then([call](NodeInfo info) mutable {
      control::to_wire(info, call.getResults().initInfo());
    });
  }

  kj::Promise<void> deploy(DeployContext call) override {
    auto params = call.getParams();
    auto graphs = control::from_wire(params.getGraphs());
    auto options = decoded([&] { return control::from_wire(params.getOptions()); });
    if (!graphs || !options) {
      const std::string& why = !graphs ? graphs.error().message : options.error().message;
      graphs::Problem problem;
      problem.message = why;
      control::to_wire({problem}, call.getResults().initProblems(1));
      return kj::READY_NOW;
    }
    DeployRequest request{std::move(graphs).value(), std::move(options).value()};
    return operations([request = std::move(request)](NodeService& s) mutable {
             return s.deploy(std::move(request));
           })
        .then([call](DeployOutcome outcome) mutable {
          auto results = call.getResults();
          if (outcome.job) results.setJob(text(*outcome.job));
          control::to_wire(outcome.problems, results.initProblems(outcome.problems.size()));
        });
  }

  kj::Promise<void> jobs(JobsContext call) override {
    return queries([](NodeService& s) { return s.jobs(); })
        .then([call](std::vector<JobSummary> jobs) mutable {
          control::to_wire(jobs, call.getResults().initJobs(jobs.size()));
        });
  }

  kj::Promise<void> status(StatusContext call) override {
    JobId job = str(call.getParams().getJob());
    return queries([job](NodeService& s) { return s.status(job); })
        .then([call](graphs::Result<JobDetail> detail) mutable {
          auto results = call.getResults();
          if (!detail) return results.setError(text(detail.error().message));
          control::to_wire(*detail, results.initDetail());
        });
  }

  kj::Promise<void> stop(StopContext call) override {
    auto params = call.getParams();
    JobId job = str(params.getJob());
    std::string dir = str(params.getSavepointDir());
    bool drain = params.getDrain();
    return operations([job, dir, drain](NodeService& s) { return s.stop(job, dir, drain); })
        .then([call](graphs::Result<std::string> savepoint) mutable {
          set_path(call.getResults(), savepoint);
        });
  }

  kj::Promise<void> cancel(CancelContext call) override {
    JobId job = str(call.getParams().getJob());
    return operations([job](NodeService& s) { return s.cancel(job); })
        .then([call](graphs::Status done) mutable {
          if (!done) call.getResults().setError(text(done.error().message));
        });
  }

  kj::Promise<void> savepoint(SavepointContext call) override {
    JobId job = str(call.getParams().getJob());
    return operations([job](NodeService& s) { return s.savepoint(job); })
        .then([call](graphs::Result<std::string> savepoint) mutable {
          set_path(call.getResults(), savepoint);
        });
  }

  kj::Promise<void> catalog(CatalogContext call) override {
    return queries([](NodeService& s) { return control::WireCatalog::encode(s.catalog()); })
        .then([call](graphs::Result<control::WireCatalog> catalog) mutable {
          auto results = call.getResults();
          if (!catalog) return results.setError(text(catalog.error().message));
          results.setCatalog(catalog->root());
        });
  }

  kj::Promise<void> metrics(MetricsContext call) override {
    JobId job = str(call.getParams().getJob());
    return queries([job, sampler = sampler_](NodeService& s) { return s.metrics(job, sampler); })
        .then([call](graphs::Result<JobMetrics> metrics) mutable {
          auto results = call.getResults();
          if (!metrics) return results.setError(text(metrics.error().message));
          control::to_wire(*metrics, results.initMetrics());
        });
  }

  kj::Promise<void> events(EventsContext call) override {
    JobId job = str(call.getParams().getJob());
    std::uint64_t after = call.getParams().getAfter();
    return queries([job, after](NodeService& s) { return s.events(job, after); })
        .then([call](graphs::Result<std::vector<JobEvent>> events) mutable {
          auto results = call.getResults();
          if (!events) return results.setError(text(events.error().message));
          control::to_wire(*events, results.initEvents(events->size()));
        });
  }

  kj::Promise<void> subscribe(SubscribeContext call) override {
    auto params = call.getParams();
    std::uint32_t interval = params.getIntervalMs();
    if (interval < kMinIntervalMs || interval > kMaxIntervalMs) {
      call.getResults().setError(
          text("intervalMs must be between " + std::to_string(kMinIntervalMs) + " and " +
               std::to_string(kMaxIntervalMs) + ", not " + std::to_string(interval)));
      return kj::READY_NOW;
    }
    JobId job = str(params.getJob());
    auto listener = params.getListener();
    // Each subscription its own sampler, so its rates are over its own interval.
    std::uint64_t sampler = context_.next_sampler_id++;
    return queries([job, sampler](NodeService& s) { return s.metrics(job, sampler); })
        .then([this, call, job, sampler, listener = kj::mv(listener),
               interval](graphs::Result<JobMetrics> first) mutable {
          auto results = call.getResults();
          if (!first) return results.setError(text(first.error().message));
          results.setHandle(kj::heap<MetricsStream>(context_, job, sampler, kj::mv(listener),
                                                    interval, std::move(first).value()));
        });
  }

  kj::Promise<void> watchEvents(WatchEventsContext call) override {
    auto params = call.getParams();
    JobId job = str(params.getJob());
    std::uint64_t after = params.getAfter();
    auto listener = params.getListener();
    return queries([job](NodeService& s) { return s.status(job); })
        .then([this, call, job, after,
               listener = kj::mv(listener)](graphs::Result<JobDetail> detail) mutable {
          auto results = call.getResults();
          if (!detail) return results.setError(text(detail.error().message));
          results.setHandle(kj::heap<EventStream>(context_, job, after, kj::mv(listener)));
        });
  }

  kj::Promise<void> preview(PreviewContext call) override {
    auto params = call.getParams();
    JobId job = str(params.getJob());
    EdgeRef edge = control::from_wire(params.getEdge());
    std::uint32_t rate = params.getMaxRecordsPerSecond();
    if (rate == 0) {
      call.getResults().setError(text("maxRecordsPerSecond must be at least 1"));
      return kj::READY_NOW;
    }
    auto listener = params.getListener();
    auto queue = std::make_shared<PreviewQueue>();
    return operations([job, edge, rate, queue](NodeService& s) {
             return s.preview(job, edge, rate,
                              [queue](PreviewRecords records) { queue->add(std::move(records)); });
           })
        .then([call, queue,
               listener = kj::mv(listener)](graphs::Result<std::unique_ptr<Handle>> tap) mutable {
          auto results = call.getResults();
          if (!tap) return results.setError(text(tap.error().message));
          results.setHandle(
              kj::heap<PreviewStream>(queue, std::move(tap).value(), kj::mv(listener)));
        });
  }

 private:
  template <class Results>
  static void set_path(Results results, const graphs::Result<std::string>& path) {
    if (path) {
      results.setSavepoint(text(*path));
    } else {
      results.setError(text(path.error().message));
    }
  }

  SessionContext& context_;
  std::uint64_t sampler_;  // for the one-shot `metrics` calls of this session
};

}  // namespace

wire::RuntimeNode::Client make_session(SessionContext& context) {
  return kj::heap<Session>(context);
}

}  // namespace rivulet::runtime::node
