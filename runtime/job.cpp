#include "runtime/job.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "caf/actor_system.hpp"
#include "caf/send.hpp"
#include "runtime/metrics/edge_tap.hpp"
#include "runtime/restart_strategy.hpp"
#include "runtime/savepoint_restore.hpp"

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

// The strictest of the graphs' runtime.tolerableFailedCheckpoints.
std::uint32_t tolerable_failed_checkpoints_of(const PhysicalPlan& plan) {
  std::uint32_t tolerable = std::numeric_limits<std::uint32_t>::max();
  for (const graphs::Graph& graph : plan.graphs) {
    tolerable = std::min(tolerable, graph.runtime.tolerable_failed_checkpoints);
  }
  return tolerable;
}

}  // namespace

graphs::Result<std::unique_ptr<Job>> Job::start(caf::actor_system& system, PhysicalPlan plan,
                                                JobOptions options) {
  std::unique_ptr<Job> job(new Job());  // private constructor: make_unique cannot reach it
  // Factories get references to the plan's nodes, so it takes its final address first.
  job->plan_ = std::make_shared<const PhysicalPlan>(std::move(plan));
  std::shared_ptr<CheckpointStore> restore_from;  // checked against the plan first
  if (options.restore_from) {
    auto prepared = prepare_restore(*options.restore_from, *job->plan_,
                                    options.allow_non_restored_state, options.restore_from_name);
    if (!prepared) return prepared.error();
    restore_from = std::move(prepared->store);
    job->restored_id_ = prepared->id;
    job->non_restored_nodes_ = std::move(prepared->dropped_nodes);
  }
  auto instances = build_operators(*job->plan_, options.bootstrap_servers);
  if (!instances) return instances.error();
  if (!options.checkpoints) {
    for (const auto& op : instances->operators) {
      if (!op) continue;
      if (std::string why = op->checkpoint_requirement(); !why.empty()) return graphs::Error{why};
    }
  }
  for (std::size_t i = 0; i < job->plan_->tasks.size(); ++i) {
    auto metrics = std::make_shared<TaskMetrics>();
    const TaskSpec& spec = job->plan_->tasks[i].spec;
    metrics->track_inputs(spec.inputs.size(), spec.channels.credit_window);
    job->metrics_.push_back(std::move(metrics));
  }
  job->outcome_ = std::make_shared<JobOutcome>();
  SupervisorConfig config;
  config.plan = job->plan_;
  config.metrics = job->metrics_;
  config.bootstrap_servers = std::move(options.bootstrap_servers);
  config.restart = options.restart ? std::move(options.restart) : restart_policy_of(*job->plan_);
  config.checkpoints = std::move(options.checkpoints);
  config.restore_from = std::move(restore_from);
  config.checkpoint_interval = options.checkpoint_interval.count() > 0
                                   ? options.checkpoint_interval
                                   : checkpoint_interval_of(*job->plan_);
  config.checkpoint_timeout = options.checkpoint_timeout;
  config.checkpoint_metrics = job->checkpoint_metrics_;
  config.tolerable_failed_checkpoints = tolerable_failed_checkpoints_of(*job->plan_);
  job->checkpoint_interval_ =
      config.checkpoints ? config.checkpoint_interval : std::chrono::milliseconds(0);
  job->tolerable_failed_checkpoints_ = config.tolerable_failed_checkpoints;
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

graphs::Status Job::stop_with_savepoint(std::shared_ptr<CheckpointStore> target,
                                        std::chrono::milliseconds timeout) {
  if (!target) return graphs::Error{"savepoint: no target store"};
  auto waiter = std::make_shared<SavepointWaiter>();
  caf::anon_send(supervisor_, SavepointRequest{std::move(target), waiter, timeout});
  // The coordinator aborts the savepoint itself after `timeout`; the margin covers the trip.
  auto taken = waiter->wait_for(timeout + std::chrono::seconds(5));
  if (!taken) return graphs::Error{"savepoint: no answer from the job"};
  if (!*taken) return taken->error();
  wait();  // every task ends once it handled the savepoint's completion
  return graphs::Ok{};
}

graphs::Status Job::savepoint(std::shared_ptr<CheckpointStore> target,
                              std::chrono::milliseconds timeout) {
  if (!target) return graphs::Error{"savepoint: no target store"};
  auto waiter = std::make_shared<SavepointWaiter>();
  caf::anon_send(supervisor_, SavepointRequest{std::move(target), waiter, timeout, false});
  auto taken = waiter->wait_for(timeout + std::chrono::seconds(5));  // see stop_with_savepoint
  if (!taken) return graphs::Error{"savepoint: no answer from the job"};
  if (!*taken) return taken->error();
  return graphs::Ok{};
}

bool Job::wait_for(std::chrono::milliseconds timeout) const { return outcome_->wait_for(timeout); }

JobStatus Job::wait() const {
  while (!outcome_->wait_for(std::chrono::hours(1))) {
  }
  return outcome_->current();
}

JobStatus Job::status() const { return outcome_->current(); }

graphs::Result<std::unique_ptr<node::Handle>> Job::tap(
    const node::EdgeRef& edge, std::uint32_t max_records_per_second,
    std::function<void(node::PreviewRecords)> deliver) const {
  const std::string what = "edge " + edge.from_node + "." + edge.from_port + " -> " + edge.to_node +
                           "." + edge.to_port + ": ";
  for (const PlannedNode& from : plan_->nodes) {
    const graphs::Node& node = plan_->node_of(from);
    if (from.name != edge.from_node && node.id != edge.from_node) continue;
    const auto& outputs = from.spec.outputs;
    std::size_t port = 0;
    while (port < outputs.size() && outputs[port].name != edge.from_port) ++port;
    if (port == outputs.size()) return graphs::Error{what + "no output port " + edge.from_port};
    if (port >= 32) return graphs::Error{what + "only the first 32 output ports can be tapped"};
    const graphs::Graph& graph = plan_->graphs[from.graph_index];
    const std::string to_id = edge.to_node.substr(edge.to_node.rfind('/') + 1);
    const bool connected = std::any_of(graph.edges.begin(), graph.edges.end(), [&](const auto& e) {
      return e.from.node == node.id && e.from.port == edge.from_port && e.to.node == to_id &&
             e.to.port == edge.to_port;
    });
    if (!connected) return graphs::Error{what + "no such edge in the job"};
    std::vector<std::shared_ptr<TaskMetrics>> tasks;
    for (TaskId task : from.tasks) tasks.push_back(metrics_[task]);
    return install_tap(std::move(tasks), static_cast<std::uint32_t>(port),
                       from.output_schemas.at(port), max_records_per_second, std::move(deliver));
  }
  return graphs::Error{what + "no node " + edge.from_node};
}

}  // namespace rivulet::runtime
