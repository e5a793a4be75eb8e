#include "runtime/job_supervisor.hpp"

#include <exception>
#include <map>
#include <utility>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/exit_reason.hpp"
#include "caf/sec.hpp"
#include "runtime/savepoint_restore.hpp"
#include "runtime/task_actor.hpp"

namespace rivulet::runtime {
namespace {

using restart_job_atom = caf::atom_constant<caf::atom("rvjrestart")>;

// The message a task put into its exit reason (task_actor.cpp: sec::runtime_error carrying a
// string), else CAF's rendering of the reason (a killed or otherwise lost actor).
std::string describe_exit(const std::string& task_name, const caf::error& reason) {
  if (reason.category() == caf::atom("system") &&
      reason.code() == static_cast<std::uint8_t>(caf::sec::runtime_error) &&
      reason.context().match_elements<std::string>()) {
    std::string message = reason.context().get_as<std::string>(0);
    if (message.rfind(task_name, 0) == 0) return message;
    return task_name + ": " + message;
  }
  return task_name + ": task actor lost (" + caf::to_string(reason) + ")";
}

class JobSupervisor final : public caf::event_based_actor {
 public:
  JobSupervisor(caf::actor_config& cfg, SupervisorConfig config, TaskInstances first_attempt)
      : caf::event_based_actor(cfg), config_(std::move(config)), first_(std::move(first_attempt)) {}

  void on_exit() override {
    tasks_.clear();
    by_address_.clear();
    coordinator_ = caf::actor{};
  }

  caf::behavior make_behavior() override {
    set_down_handler([this](caf::down_msg& down) { on_down(down); });
    if (!config_.checkpoint_metrics) {
      config_.checkpoint_metrics = std::make_shared<CheckpointMetrics>();
    }
    if (auto deployed = deploy(std::move(first_)); !deployed) {
      finish({JobState::Failed, deployed.error().message, restarts_});
      return {};
    }
    return {
        [this](stop_job_atom) { stop(); },
        [this](cancel_job_atom) { cancel(); },
        [this](restart_job_atom) { restart(); },
        [this](SavepointRequest& request) {
          if (!coordinator_ || stopping_ || cancelled_) {
            request.waiter->publish(graphs::Error{"savepoint not taken: the job is not running"});
            return;
          }
          send(coordinator_, std::move(request));
        },
    };
  }

 private:
  const PhysicalPlan& plan() const { return *config_.plan; }

  // Spawns downstream first (each task needs its targets' handles), sources last, and monitors
  // each task as it is spawned. A task that fails in open() may already be gone when the
  // monitor is attached; CAF then delivers the down message with its exit reason at once.
  graphs::Status deploy(TaskInstances instances) {
    if (auto restored = restore(instances); !restored) return restored;
    tasks_.assign(plan().tasks.size(), caf::actor{});
    by_address_.clear();
    start_coordinator();
    std::vector<TaskId> sources;
    for (TaskId id : plan().spawn_order()) {
      const PlannedTask& planned = plan().tasks[id];
      TaskWiring wiring;
      wiring.spec = planned.spec;
      for (TaskId target : planned.targets) wiring.targets.push_back(tasks_[target]);
      wiring.metrics = config_.metrics[id];
      wiring.coordinator = coordinator_;
      wiring.checkpoints = router_;
      if (instances.sources[id]) sources.push_back(id);
      caf::actor task =
          instances.sources[id]
              ? spawn_source_task(system(), std::move(wiring), std::move(instances.sources[id]))
              : spawn_task(system(), std::move(wiring), std::move(instances.operators[id]));
      by_address_[task.address()] = id;
      tasks_[id] = task;
      monitor(task);
      ++live_;
    }
    if (coordinator_) send(coordinator_, CoordinatedTasks{tasks_, std::move(sources)});
    if (stopping_) stop_sources();  // a stop that arrived while restarting
    if (live_ == 0) tasks_gone();   // an empty plan has nothing to wait for
    return graphs::Ok{};
  }

  // Every operator gets the state its task (same name: node id and subtask) wrote in the
  // latest complete checkpoint, before the task is spawned and opens it. With a savepoint
  // (config_.restore_from): from the savepoint on the first deployment, and on restarts until
  // this job completed a checkpoint of its own.
  graphs::Status restore(TaskInstances& instances) {
    auto& started = config_.checkpoint_metrics->last_started_id;
    auto continue_after = [&started](CheckpointId id) {
      if (started.load(std::memory_order_relaxed) < id) {
        started.store(id, std::memory_order_relaxed);
      }
    };
    bool from_savepoint =
        config_.restore_from &&
        (restarts_ == 0 || !config_.checkpoints ||
         config_.checkpoint_metrics->last_completed_id.load(std::memory_order_relaxed) == 0);
    if (from_savepoint && restarts_ == 0 && config_.checkpoints) {
      // New checkpoints must also sort after those an earlier run left in the directory.
      auto existing = config_.checkpoints->latest();
      if (existing && *existing) continue_after((*existing)->id());
    }
    CheckpointStore* store =
        from_savepoint ? config_.restore_from.get() : config_.checkpoints.get();
    if (!store) return graphs::Ok{};
    auto latest = store->latest();
    if (latest && !*latest && config_.restore_from && !from_savepoint) {
      from_savepoint = true;  // what completed was not in `checkpoints` (a savepoint)
      latest = config_.restore_from->latest();
    }
    if (!latest)
      return graphs::Error{"cannot read the latest checkpoint: " + latest.error().message};
    if (!*latest) return graphs::Ok{};  // nothing checkpointed yet: start from scratch
    CompletedCheckpoint& checkpoint = **latest;
    // New checkpoints must sort after the restored one (a store may come from an earlier run).
    continue_after(checkpoint.id());
    const std::string from = (from_savepoint ? " from savepoint " : " from checkpoint ") +
                             std::to_string(checkpoint.id());
    for (const PlannedTask& task : plan().tasks) {
      const std::string& name = task.spec.name;
      // Partition state (savepoint_restore.hpp): every saved task's state, whatever the
      // parallelism was; otherwise the task's own.
      const PlannedNode& node = plan().node_of_task(task.spec.id);
      const std::vector<std::string> saved = node.spec.partition_state
                                                 ? saved_tasks_of(checkpoint, node.name)
                                                 : std::vector<std::string>{name};
      for (const std::string& from_task : saved) {
        auto reader = checkpoint.reader(from_task);
        if (!reader) {
          return graphs::Error{name + ": restore" + from + ": " + reader.error().message};
        }
        graphs::Status restored = graphs::Ok{};
        try {
          restored = instances.sources[task.spec.id]
                         ? instances.sources[task.spec.id]->restore(**reader)
                         : instances.operators[task.spec.id]->restore(**reader);
        } catch (const std::exception& e) {
          restored = graphs::Error{e.what()};
        }
        if (!restored)
          return graphs::Error{name + ": restore" + from + ": " + restored.error().message};
      }
    }
    return graphs::Ok{};
  }

  // Every attempt has a coordinator: it ends the job (final checkpoint, FinishTask) and takes
  // savepoints; periodic and final checkpoints need the job's checkpoint store.
  void start_coordinator() {
    if (!router_) router_ = std::make_shared<CheckpointRouter>(config_.checkpoints);
    const bool durable = config_.checkpoints != nullptr;
    CheckpointCoordinatorConfig coordination;
    coordination.store = router_;
    coordination.metrics = config_.checkpoint_metrics;
    coordination.interval = durable ? config_.checkpoint_interval : std::chrono::milliseconds(0);
    coordination.timeout = config_.checkpoint_timeout;
    coordination.final_checkpoint = durable;
    coordination.router = router_;
    coordination.tolerable_failed_checkpoints = config_.tolerable_failed_checkpoints;
    coordinator_ = spawn_checkpoint_coordinator(system(), std::move(coordination));
    coordinator_address_ = coordinator_.address();
    stopping_coordinator_ = false;
    monitor(coordinator_);
  }

  void stop_coordinator() {
    if (!coordinator_ || stopping_coordinator_) return;
    stopping_coordinator_ = true;
    send_exit(coordinator_, caf::exit_reason::user_shutdown);
  }

  void on_down(const caf::down_msg& down) {
    if (coordinator_ && down.source == coordinator_address_) return on_coordinator_down(down);
    auto it = by_address_.find(down.source);
    if (it == by_address_.end()) return;
    const TaskId id = it->second;
    by_address_.erase(it);
    tasks_[id] = caf::actor{};
    --live_;
    if (down.reason && !failure_ && !cancelled_) {
      failure_ = TaskFailure{id, describe_exit(plan().tasks[id].spec.name, down.reason)};
      kill_all();
    }
    if (live_ == 0) tasks_gone();
  }

  // The attempt ends only once the coordinator is gone too, so nothing of it outlives the
  // attempt (and its in-flight checkpoint is aborted before a restart reads the store).
  void tasks_gone() {
    if (coordinator_) return stop_coordinator();  // its down message ends the attempt
    attempt_ended();
  }

  void on_coordinator_down(const caf::down_msg& down) {
    const bool expected = stopping_coordinator_;
    coordinator_ = caf::actor{};
    stopping_coordinator_ = false;
    if (!expected && live_ > 0 && !failure_ && !cancelled_) {
      failure_ = TaskFailure{0, describe_exit("checkpoint coordinator", down.reason)};
      kill_all();
    }
    if (live_ == 0) attempt_ended();
  }

  void attempt_ended() {
    if (cancelled_) return finish({JobState::Cancelled, "", restarts_});
    if (!failure_) return finish({JobState::Finished, "", restarts_});
    if (!stopping_ && config_.restart) {
      if (auto delay = config_.restart->restart_after(*failure_, restarts_)) {
        ++restarts_;
        last_failure_ = std::move(*failure_);
        failure_.reset();
        delayed_send(this, *delay, restart_job_atom::value);
        return;
      }
      return finish({JobState::Failed,
                     failure_->message + " (gave up after " + std::to_string(restarts_) +
                         (restarts_ == 1 ? " restart)" : " restarts)"),
                     restarts_});
    }
    finish({JobState::Failed, failure_->message, restarts_});
  }

  void restart() {
    if (cancelled_) return finish({JobState::Cancelled, "", restarts_});
    auto instances = build_operators(plan(), config_.bootstrap_servers);
    if (!instances) {
      return finish(
          {JobState::Failed,
           "restart after '" + last_failure_.message + "' failed: " + instances.error().message,
           restarts_});
    }
    if (auto deployed = deploy(std::move(instances).value()); !deployed) {
      finish({JobState::Failed,
              "restart after '" + last_failure_.message + "' failed: " + deployed.error().message,
              restarts_});
    }
  }

  void stop() {
    stopping_ = true;
    stop_sources();
  }

  void stop_sources() {
    for (const PlannedNode& node : plan().nodes) {
      if (!node.source) continue;
      for (TaskId id : node.tasks) {
        if (tasks_[id]) send(tasks_[id], StopSource{});
      }
    }
  }

  void cancel() {
    cancelled_ = true;
    if (live_ == 0) {
      // Between attempts (waiting to restart); or waiting for the coordinator to go, whose
      // down message then ends the attempt as cancelled.
      if (!coordinator_) attempt_ended();
      return;
    }
    kill_all();
  }

  void kill_all() {
    stop_coordinator();  // first: a checkpoint in flight must not complete after a failure
    for (const caf::actor& task : tasks_) {
      if (task) send_exit(task, caf::exit_reason::user_shutdown);
    }
  }

  void finish(JobStatus status) {
    config_.outcome->publish(std::move(status));
    quit();
  }

  SupervisorConfig config_;
  TaskInstances first_;
  std::vector<caf::actor> tasks_;  // index = TaskId; invalid once the task is gone
  std::map<caf::actor_addr, TaskId> by_address_;
  std::size_t live_ = 0;                      // tasks of the current attempt still running
  std::shared_ptr<CheckpointRouter> router_;  // what tasks and coordinators write through
  caf::actor coordinator_;                    // of the current attempt; invalid once gone
  caf::actor_addr coordinator_address_;
  bool stopping_coordinator_ = false;
  std::optional<TaskFailure> failure_;  // the first failure of the current attempt
  TaskFailure last_failure_;
  std::uint32_t restarts_ = 0;
  bool stopping_ = false;
  bool cancelled_ = false;
};

}  // namespace

graphs::Result<TaskInstances> build_operators(const PhysicalPlan& plan,
                                              const std::string& bootstrap_servers) {
  TaskInstances instances;
  instances.operators.resize(plan.tasks.size());
  instances.sources.resize(plan.tasks.size());
  // Keyed state: the backend the graphs ask for. RocksDB databases of this attempt's instances
  // go to one temporary directory, deleted once the last instance using it is gone.
  state::StateBackendOptions state_backend;
  state_backend.kind = state::state_backend_of(plan.graphs);
  if (state_backend.kind == graphs::StateBackend::RocksDb) {
    auto directory = state::StateDirectory::create_temporary();
    if (!directory) return graphs::Error{"RocksDB state backend: " + directory.error().message};
    state_backend.directory = std::move(*directory);
  }
  for (const PlannedTask& task : plan.tasks) {
    const PlannedNode& node = plan.nodes[task.node];
    runtime::OperatorBuildContext context = build_context(plan, task.spec.id, bootstrap_servers);
    context.state_backend = state_backend;
    const std::string where = "node '" + node.name + "' (" + node.spec.kind + ")";
    // Factories usually name the node themselves; say it once.
    auto located = [&](const std::string& message) {
      const std::string& id = plan.node_of(node).id;
      return message.find("node '" + id + "'") != std::string::npos ? message
                                                                    : where + ": " + message;
    };
    try {
      if (const auto* source = std::get_if<runtime::SourceFactory>(&node.factory)) {
        auto built = (*source)(context);
        if (!built) return graphs::Error{located(built.error().message)};
        instances.sources[task.spec.id] = std::move(built).value();
      } else if (const auto* transform = std::get_if<runtime::TransformFactory>(&node.factory)) {
        auto built = (*transform)(context);
        if (!built) return graphs::Error{located(built.error().message)};
        instances.operators[task.spec.id] = std::move(built).value();
      }
    } catch (const std::exception& e) {
      return graphs::Error{where + ": " + e.what()};
    }
    if (!instances.sources[task.spec.id] && !instances.operators[task.spec.id]) {
      return graphs::Error{where + ": the factory returned no operator"};
    }
  }
  return instances;
}

const char* to_string(JobState state) {
  switch (state) {
    case JobState::Running:
      return "running";
    case JobState::Finished:
      return "finished";
    case JobState::Failed:
      return "failed";
    case JobState::Cancelled:
      return "cancelled";
  }
  return "?";
}

void JobOutcome::publish(JobStatus status) {
  {
    std::lock_guard lock(mutex_);
    status_ = std::move(status);
  }
  ended_.notify_all();
}

JobStatus JobOutcome::current() const {
  std::lock_guard lock(mutex_);
  return status_;
}

bool JobOutcome::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return ended_.wait_for(lock, timeout, [&] { return status_.state != JobState::Running; });
}

caf::actor spawn_job_supervisor(caf::actor_system& system, SupervisorConfig config,
                                TaskInstances first_attempt) {
  return system.spawn<JobSupervisor>(std::move(config), std::move(first_attempt));
}

}  // namespace rivulet::runtime
