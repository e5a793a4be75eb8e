#pragma once
// An in-process NodeService for the control API's tests: it records what it was asked and
// answers from plain fields, so the RPC server and client are tested without running jobs.
// `stop` can be held (stop_gate) to prove that a blocking call does not stall other clients.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/node/node_service.hpp"

namespace rivulet::runtime::node::testing {

class FakeNodeService final : public NodeService {
 public:
  NodeInfo info() const override { return {"9.9.9", "127.0.0.1:9092", 1700000000000, "/data"}; }

  DeployOutcome deploy(DeployRequest request) override {
    std::lock_guard lock(mutex_);
    last_deploy = request;
    if (!deploy_problems.empty()) return {std::nullopt, deploy_problems};
    JobDetail detail;
    detail.summary = {"job-" + std::to_string(jobs_.size() + 1), request.options.name,
                      JobState::Running, 1700000000123, 0};
    detail.graphs = request.graphs;
    detail.options = request.options;
    jobs_.push_back(detail);
    return {detail.summary.id, {}};
  }

  std::vector<JobSummary> jobs() const override {
    std::lock_guard lock(mutex_);
    std::vector<JobSummary> out;
    for (const auto& job : jobs_) out.push_back(job.summary);
    return out;
  }

  graphs::Result<JobDetail> status(const JobId& job) const override {
    std::lock_guard lock(mutex_);
    for (const auto& j : jobs_) {
      if (j.summary.id == job) return j;
    }
    return graphs::Error{"no job '" + job + "'"};
  }

  graphs::Result<std::string> stop(const JobId& job, const std::string& savepoint_dir,
                                   bool drain) override {
    {
      std::unique_lock lock(mutex_);
      stops_started++;
      changed_.notify_all();
      changed_.wait(lock, [this] { return !hold_stop; });
      auto* j = find(job);
      if (j == nullptr) return graphs::Error{"no job '" + job + "'"};
      j->summary.state = JobState::Finished;
      last_drain = drain;
    }
    return savepoint_dir.empty() ? "/data/savepoints/" + job : savepoint_dir;
  }

  graphs::Status cancel(const JobId& job) override {
    std::lock_guard lock(mutex_);
    auto* j = find(job);
    if (j == nullptr) return graphs::Error{"no job '" + job + "'"};
    j->summary.state = JobState::Cancelled;
    return graphs::Ok{};
  }

  graphs::Result<std::string> savepoint(const JobId& job) override {
    std::lock_guard lock(mutex_);
    if (find(job) == nullptr) return graphs::Error{"no job '" + job + "'"};
    return "/data/savepoints/" + job + "-1";
  }

  graphs::Catalog catalog() const override { return catalog_value; }

  graphs::Result<JobMetrics> metrics(const JobId& job, std::uint64_t sampler_id) override {
    std::lock_guard lock(mutex_);
    auto* j = find(job);
    if (j == nullptr) return graphs::Error{"no job '" + job + "'"};
    metrics_calls++;
    samplers.push_back(sampler_id);
    JobMetrics m;
    m.job = job;
    m.at = 1700000000000 + metrics_calls;
    TaskSample t;
    t.node_id = "source";
    t.records_out = 100 * metrics_calls;
    t.records_out_per_second = 250.5;
    t.busy_ms_per_second = 300;
    t.idle_ms_per_second = 700;
    t.kafka_lag = {{"payments", 0, 42}};
    m.tasks.push_back(t);
    return m;
  }

  graphs::Result<std::vector<JobEvent>> events(const JobId& job,
                                               std::uint64_t after) const override {
    std::lock_guard lock(mutex_);
    if (const_cast<FakeNodeService*>(this)->find(job) == nullptr) {
      return graphs::Error{"no job '" + job + "'"};
    }
    std::vector<JobEvent> out;
    for (const auto& e : events_) {
      if (e.sequence > after) out.push_back(e);
    }
    return out;
  }

  graphs::Result<std::unique_ptr<Handle>> preview(
      const JobId& job, const EdgeRef& edge, std::uint32_t,
      std::function<void(PreviewRecords)> deliver) override {
    std::lock_guard lock(mutex_);
    if (find(job) == nullptr) return graphs::Error{"no job '" + job + "'"};
    if (edge.from_node != "source") return graphs::Error{"no edge from '" + edge.from_node + "'"};
    return std::unique_ptr<Handle>(std::make_unique<Tap>(*this, std::move(deliver)));
  }

  void add_event(JobEventKind kind, std::string message) {
    std::lock_guard lock(mutex_);
    events_.push_back({events_.size() + 1, 1700000000000, kind, std::move(message), 0});
  }

  void set_hold_stop(bool hold) {
    std::lock_guard lock(mutex_);
    hold_stop = hold;
    changed_.notify_all();
  }

  void wait_for_stop_started() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return stops_started > 0; });
  }

  std::vector<graphs::Problem> deploy_problems;
  graphs::Catalog catalog_value;
  std::optional<DeployRequest> last_deploy;
  bool last_drain = false;
  std::atomic<int> taps_open{0};
  std::uint64_t metrics_calls = 0;
  std::vector<std::uint64_t> samplers;

 private:
  // Delivers one batch of rows from its own thread every few milliseconds until destroyed.
  class Tap final : public Handle {
   public:
    Tap(FakeNodeService& owner, std::function<void(PreviewRecords)> deliver) : owner_(owner) {
      owner_.taps_open++;
      thread_ = std::thread([this, deliver = std::move(deliver)] {
        while (!stop_) {
          PreviewRecords r;
          r.schema = {{"card", graphs::FieldType::String, false}};
          r.rows = {{"c1"}, {"c2"}};
          r.skipped = 3;
          deliver(r);
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      });
    }
    ~Tap() override {
      stop_ = true;
      thread_.join();
      owner_.taps_open--;
    }

   private:
    FakeNodeService& owner_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
  };

  JobDetail* find(const JobId& job) {
    for (auto& j : jobs_) {
      if (j.summary.id == job) return &j;
    }
    return nullptr;
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<JobDetail> jobs_;
  std::vector<JobEvent> events_;
  bool hold_stop = false;
  int stops_started = 0;
};

}  // namespace rivulet::runtime::node::testing
