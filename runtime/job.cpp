#include "runtime/job.hpp"

#include <utility>

#include "caf/actor_system.hpp"
#include "caf/send.hpp"
#include "runtime/restart_strategy.hpp"

namespace rivulet::runtime {
namespace {

std::shared_ptr<RestartPolicy> restart_policy_of(const PhysicalPlan& plan) {
  for (const graphs::Graph& graph : plan.graphs) {
    if (auto policy = make_restart_policy(graph.runtime.restart)) return policy;
  }
  return nullptr;
}

std::chrono::milliseconds checkpoint_interval_of(const PhysicalPlan& plan) {
  std::int64_t interval = 0;
  for (const graphs::Graph& graph : plan.graphs) {
    const std::int64_t ms = graph.runtime.checkpoint_interval_ms;
    if (ms > 0 && (interval == 0 || ms < interval)) interval = ms;
  }
  return std::chrono::milliseconds(interval);
}

}  // namespace

graphs::Result<std::unique_ptr<Job>> Job::start(caf::actor_system& system, PhysicalPlan plan,
                                                JobOptions options) {
  std::unique_ptr<Job> job(new Job());  // private constructor: make_unique cannot reach it
  // Factories get references to the plan's nodes, so it takes its final address first.
  job->plan_ = std::make_shared<const PhysicalPlan>(std::move(plan));
  auto instances = build_operators(*job->plan_, options.bootstrap_servers);
  if (!instances) return instances.error();
  for (std::size_t i = 0; i < job->plan_->tasks.size(); ++i) {
    job->metrics_.push_back(std::make_shared<TaskMetrics>());
  }
  job->outcome_ = std::make_shared<JobOutcome>();
  SupervisorConfig config;
  config.plan = job->plan_;
  config.metrics = job->metrics_;
  config.bootstrap_servers = std::move(options.bootstrap_servers);
  config.restart = options.restart ? std::move(options.restart) : restart_policy_of(*job->plan_);
  config.checkpoints = std::move(options.checkpoints);
  config.checkpoint_interval = options.checkpoint_interval.count() > 0
                                   ? options.checkpoint_interval
                                   : checkpoint_interval_of(*job->plan_);
  config.checkpoint_timeout = options.checkpoint_timeout;
  config.checkpoint_metrics = job->checkpoint_metrics_;
  config.outcome = job->outcome_;
  job->supervisor_ = spawn_job_supervisor(system, std::move(config), std::move(instances).value());
  return job;
}

Job::~Job() {
  if (!supervisor_) return;
  if (!outcome_->wait_for(std::chrono::milliseconds(0))) cancel();
  outcome_->wait_for(std::chrono::hours(24 * 365));
}

void Job::stop() { caf::anon_send(supervisor_, stop_job_atom::value); }

void Job::cancel() { caf::anon_send(supervisor_, cancel_job_atom::value); }

bool Job::wait_for(std::chrono::milliseconds timeout) const { return outcome_->wait_for(timeout); }

JobStatus Job::wait() const {
  while (!outcome_->wait_for(std::chrono::hours(1))) {
  }
  return outcome_->current();
}

JobStatus Job::status() const { return outcome_->current(); }

}  // namespace rivulet::runtime
