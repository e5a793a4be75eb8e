#include "runtime/node/job_manager.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "runtime/builtin_operators.hpp"
#include "runtime/checkpoint_health.hpp"
#include "runtime/embedded_broker.hpp"
#include "runtime/lifecycle/job_preparation.hpp"
#include "runtime/lifecycle/job_run.hpp"
#include "runtime/metrics/job_sampler.hpp"
#include "runtime/node/job_record.hpp"
#include "runtime/plugin_loader.hpp"
#include "runtime/restart_strategy.hpp"

namespace rivulet::runtime::node {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kKeptEvents = 1000;
constexpr auto kWatchInterval = std::chrono::milliseconds(100);

WallMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

graphs::Problem problem(std::string message) {
  graphs::Problem p;
  p.message = std::move(message);
  return p;
}

// A factory's error names its node and parameter ("node 'x', parameter 'path': why",
// operators/parameter_reader.cpp): as a problem, the editor can point at both.
graphs::Problem start_problem(const std::string& message) {
  graphs::Problem p = problem(message);
  const std::string node = "node '";
  const std::string parameter = "', parameter '";
  const std::size_t node_end = message.find(parameter);
  if (message.rfind(node, 0) != 0 || node_end == std::string::npos) return p;
  const std::size_t field_start = node_end + parameter.size();
  const std::size_t field_end = message.find("': ", field_start);
  if (field_end == std::string::npos) return p;
  p.node_id = message.substr(node.size(), node_end - node.size());
  p.field = "parameters." + message.substr(field_start, field_end - field_start);
  p.message = message.substr(field_end + 3);
  return p;
}

graphs::Error unknown_job(const JobId& job) {
  return graphs::Error{"no job '" + job + "' on this node"};
}

// The id of the newest complete checkpoint at `directory` (a savepoint or a checkpoint
// directory), 0 when there is none or it cannot be read.
CheckpointId newest_checkpoint(const std::string& directory,
                               const std::vector<graphs::Graph>& graphs) {
  std::error_code ec;
  if (directory.empty() || !fs::is_directory(directory, ec)) return 0;
  auto store = lifecycle::open_restore_source(directory, graphs);
  if (!store) return 0;
  auto latest = (*store)->latest();
  return latest && *latest ? (*latest)->id() : 0;
}

}  // namespace

// One job of the node. Its fields are guarded by `mutex`, except `run`, which is set once
// before the job is shared and reset only by the manager's destructor.
class ManagedJob {
 public:
  explicit ManagedJob(JobDirectory directory) : dir(std::move(directory)) {}

  void add_event(JobEventKind kind, std::string message, std::uint64_t checkpoint = 0) {
    std::lock_guard lock(mutex);
    events.push_back({next_sequence++, now_ms(), kind, std::move(message), checkpoint});
    while (events.size() > kKeptEvents) events.pop_front();
  }

  JobDirectory dir;
  std::vector<graphs::Graph> graphs;
  std::unique_ptr<lifecycle::JobRun> run;
  // Its checkpoints' health (the same rules as `rivulet run`'s warnings); set with `run`, used
  // by the watcher under `mutex`.
  std::optional<CheckpointHealth> health;

  mutable std::mutex mutex;
  JobRecord record;
  WallMs started = 0;
  std::string message;
  std::deque<JobEvent> events;
  std::uint64_t next_sequence = 1;
  std::vector<RestartRecord> restarts;
  std::optional<CheckpointRecord> last_checkpoint;  // the newest completed one
  // What the watcher already turned into events: CheckpointMetrics::history_version() and the
  // outcome reported per checkpoint id.
  std::uint64_t seen_history_version = 0;
  std::map<std::uint64_t, CheckpointStatus> reported_checkpoints;
  bool ended = false;
  bool keep_running_record = false;              // shutdown(): the next open() resumes it
  std::map<std::uint64_t, JobSampler> samplers;  // by sampler id: each keeps its own rates
};

namespace {

// The graphs' restart strategy, recording every restart it grants as an event with its cause.
class RecordingRestartPolicy final : public RestartPolicy {
 public:
  RecordingRestartPolicy(std::shared_ptr<RestartPolicy> inner, std::weak_ptr<ManagedJob> job)
      : inner_(std::move(inner)), job_(std::move(job)) {}

  std::optional<std::chrono::milliseconds> restart_after(const TaskFailure& failure,
                                                         std::uint32_t restarts) override {
    auto delay = inner_ ? inner_->restart_after(failure, restarts) : std::nullopt;
    if (!delay) return delay;
    if (auto job = job_.lock()) {
      {
        std::lock_guard lock(job->mutex);
        job->restarts.push_back({now_ms(), failure.message});
      }
      job->add_event(JobEventKind::Restarted, failure.message);
    }
    return delay;
  }

 private:
  std::shared_ptr<RestartPolicy> inner_;
  std::weak_ptr<ManagedJob> job_;
};

std::shared_ptr<RestartPolicy> graphs_policy(const std::vector<graphs::Graph>& graphs) {
  for (const graphs::Graph& graph : graphs) {
    if (auto policy = make_restart_policy(graph.runtime.restart)) return policy;
  }
  return nullptr;
}

}  // namespace

JobManager::JobManager(NodeConfig config) : config_(std::move(config)), started_(now_ms()) {}

graphs::Result<std::unique_ptr<JobManager>> JobManager::open(NodeConfig config) {
  if (config.data_dir.empty()) return graphs::Error{"the node needs a data dir"};
  std::error_code ec;
  fs::create_directories(fs::path(config.data_dir) / "jobs", ec);
  if (ec) return graphs::Error{"data dir " + config.data_dir + ": " + ec.message()};
  std::unique_ptr<JobManager> manager(new JobManager(std::move(config)));
  manager->registry_ = builtin_operators();
  if (!manager->config_.plugin_dir.empty()) {
    std::vector<fs::path> libraries;
    for (const auto& entry : fs::directory_iterator(manager->config_.plugin_dir, ec)) {
      if (entry.path().extension() == ".so") libraries.push_back(fs::absolute(entry.path()));
    }
    if (ec) return graphs::Error{"plugin dir " + manager->config_.plugin_dir + ": " + ec.message()};
    std::sort(libraries.begin(), libraries.end());
    for (const fs::path& library : libraries) {
      auto loaded = load_plugin(library.string(), manager->registry_);
      if (!loaded) return loaded.error();
    }
  }
  // Deployed graphs' file operators stay inside one directory (runtime/file_confinement.hpp).
  manager->file_root_ = manager->config_.file_root.empty()
                            ? (fs::path(manager->config_.data_dir) / "files").string()
                            : manager->config_.file_root;
  if (manager->config_.file_root.empty()) fs::create_directories(manager->file_root_, ec);
  if (ec || !fs::is_directory(manager->file_root_, ec)) {
    return graphs::Error{"file root " + manager->file_root_ +
                         ": not a directory (--file-root must name an existing directory)"};
  }
  manager->bootstrap_ = manager->config_.bootstrap_servers;
  if (manager->bootstrap_.empty()) {
    auto broker = EmbeddedBroker::start(BrokerOptions{});
    if (!broker) return graphs::Error{"embedded broker: " + broker.error().message};
    manager->broker_ = std::move(broker).value();
    manager->bootstrap_ = manager->broker_->bootstrap_servers();
  }
  manager->system_config_ = std::make_unique<caf::actor_system_config>();
  manager->system_ = std::make_unique<caf::actor_system>(*manager->system_config_);
  manager->watcher_ = std::thread([m = manager.get()] { m->watch(); });
  if (auto resumed = manager->resume_jobs(); !resumed) return resumed.error();
  return manager;
}

JobManager::~JobManager() {
  {
    std::lock_guard lock(watch_mutex_);
    closing_ = true;
  }
  watch_wakeup_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  std::map<JobId, std::shared_ptr<ManagedJob>> jobs;
  {
    std::lock_guard lock(mutex_);
    jobs.swap(jobs_);
  }
  for (auto& [id, job] : jobs) job->run.reset();  // cancels and waits for each
  system_.reset();
  system_config_.reset();
  if (broker_) broker_->stop();
}

caf::actor_system& JobManager::place() { return *system_; }

NodeInfo JobManager::info() const {
  return NodeInfo{RIVULET_NODE_VERSION, broker_ ? bootstrap_ : config_.bootstrap_servers, started_,
                  config_.data_dir};
}

namespace {

// Starts `job` (its graphs and record set) from its newest restore point; see job_manager.hpp.
graphs::Status start_job(ManagedJob& job, const OperatorRegistry& registry,
                         caf::actor_system& system, const std::string& bootstrap,
                         bool embedded_broker, const std::string& file_root,
                         const std::string& credentials_dir,
                         std::shared_ptr<RestartPolicy> restart) {
  lifecycle::Preparation preparation = lifecycle::prepare_job(job.graphs, {}, registry);
  if (!preparation.ok()) {
    std::string why;
    for (const graphs::Problem& p : preparation.all_problems()) {
      if (p.severity == graphs::Severity::Error) why += (why.empty() ? "" : "; ") + p.to_string();
    }
    return graphs::Error{why};
  }
  preparation.job->plan.file_root = file_root;  // every file operator is confined there
  preparation.job->plan.credentials_dir = credentials_dir;
  lifecycle::RunOptions options;
  options.bootstrap_servers = bootstrap;
  options.embedded_broker = embedded_broker;
  options.checkpoint_dir = job.dir.checkpoints().string();
  options.restart = std::move(restart);
  JobRecord record;
  {
    std::lock_guard lock(job.mutex);
    record = job.record;
  }
  // The newest of: the job's own checkpoints, the savepoint of the last shutdown, the deploy
  // savepoint (ids grow across all three: a job resumed from a savepoint checkpoints after it).
  const CheckpointId own = newest_checkpoint(options.checkpoint_dir, job.graphs);
  std::string from =
      record.resume_savepoint.empty() ? record.options.from_savepoint : record.resume_savepoint;
  if (!from.empty() && own > 0 && own >= newest_checkpoint(from, job.graphs)) from.clear();
  options.from_savepoint = from;
  options.allow_non_restored_state = record.options.allow_non_restored_state;
  auto run = lifecycle::JobRun::start(system, std::move(*preparation.job), std::move(options));
  if (!run) return run.error();
  job.run = std::move(run).value();
  const Job& started = job.run->job();
  CheckpointHealthConfig health{started.checkpoint_interval().count(),
                                started.tolerable_failed_checkpoints()};
  health.report_failures = false;  // each failure is a CheckpointFailed event already
  job.health.emplace(health, now_ms());
  return graphs::Ok{};
}

}  // namespace

graphs::Status JobManager::resume_jobs() {
  std::error_code ec;
  std::vector<fs::path> directories;
  for (const auto& entry : fs::directory_iterator(fs::path(config_.data_dir) / "jobs", ec)) {
    if (entry.is_directory()) directories.push_back(entry.path());
  }
  std::sort(directories.begin(), directories.end());
  for (const fs::path& directory : directories) {
    auto job = std::make_shared<ManagedJob>(JobDirectory(directory));
    auto record = job->dir.load();
    if (!record) continue;  // deploy died before its record was complete: nothing ran
    auto graphs = job->dir.load_graphs();
    if (!graphs) continue;
    job->record = std::move(record).value();
    job->graphs = std::move(graphs).value();
    const bool was_running = job->record.state == JobState::Running ||
                             job->record.state == JobState::Restarting ||
                             job->record.state == JobState::Created;
    if (was_running) {
      for (const TopicSpec& topic : lifecycle::default_cluster_topics(job->graphs)) {
        if (broker_) (void)broker_->create_topic(topic);  // exists already: fine
      }
      auto started =
          start_job(*job, registry_, place(), bootstrap_, broker_ != nullptr, file_root_,
                    config_.credentials_dir,
                    std::make_shared<RecordingRestartPolicy>(graphs_policy(job->graphs), job));
      if (!started) {
        job->record.state = JobState::Failed;
        job->message = "resume failed: " + started.error().message;
        job->ended = true;
        (void)job->dir.save(job->record);
        job->add_event(JobEventKind::Failed, job->message);
      } else {
        job->started = now_ms();
        job->record.state = JobState::Running;
        job->add_event(JobEventKind::Started,
                       broker_ ? "resumed on a new, empty embedded broker" : "resumed");
      }
    } else {
      job->ended = true;
    }
    std::lock_guard lock(mutex_);
    jobs_[job->record.id] = job;
  }
  return graphs::Ok{};
}

DeployOutcome JobManager::deploy(DeployRequest request) {
  DeployOutcome outcome;
  if (request.graphs.empty()) {
    outcome.problems.push_back(problem("nothing to deploy: no graph"));
    return outcome;
  }
  for (std::size_t i = 0; i < request.graphs.size(); ++i) {
    if (request.graphs[i].name.empty()) request.graphs[i].name = "graph-" + std::to_string(i + 1);
  }
  lifecycle::Preparation preparation =
      lifecycle::prepare_job(request.graphs, request.options.overrides, registry_);
  if (!preparation.ok()) {
    outcome.problems = preparation.all_problems();
    return outcome;
  }
  lifecycle::RunOptions check;
  check.from_savepoint = request.options.from_savepoint;
  check.allow_non_restored_state = request.options.allow_non_restored_state;
  if (auto restorable = lifecycle::check_restore(*preparation.job, check); !restorable) {
    outcome.problems.push_back(problem(restorable.error().message));
    return outcome;
  }
  auto id = allocate_job_id(config_.data_dir);
  if (!id) {
    outcome.problems.push_back(problem(id.error().message));
    return outcome;
  }
  auto job = std::make_shared<ManagedJob>(JobDirectory(fs::path(config_.data_dir) / "jobs" / *id));
  job->graphs = preparation.job->graphs;
  job->record.id = *id;
  job->record.name = request.options.name;
  if (job->record.name.empty()) {
    for (const graphs::Graph& graph : job->graphs) {
      job->record.name += (job->record.name.empty() ? "" : "+") + graph.name;
    }
  }
  job->record.options = request.options;
  job->record.options.name = job->record.name;
  job->record.options.overrides.clear();  // already applied to the saved graphs
  job->record.deployed = now_ms();
  job->record.state = JobState::Running;  // written before it starts: a crash resumes it
  std::error_code ec;
  fs::create_directories(job->dir.root(), ec);
  graphs::Status saved =
      ec ? graphs::Status(graphs::Error{ec.message()}) : job->dir.save_graphs(job->graphs);
  if (saved) saved = job->dir.save(job->record);
  if (!saved) {
    outcome.problems.push_back(problem("data dir: " + saved.error().message));
    return outcome;
  }
  job->record.options.overrides = request.options.overrides;  // shown by status()
  if (broker_) {
    for (const TopicSpec& topic : lifecycle::default_cluster_topics(job->graphs)) {
      (void)broker_->create_topic(topic);  // exists already (another job's): fine
    }
  }
  auto started = start_job(
      *job, registry_, place(), bootstrap_, broker_ != nullptr, file_root_, config_.credentials_dir,
      std::make_shared<RecordingRestartPolicy>(graphs_policy(job->graphs), job));
  if (!started) {
    // Refused like a validation problem: nothing of it stays (its id is not reused).
    fs::remove_all(job->dir.root(), ec);
    outcome.problems.push_back(start_problem(started.error().message));
    return outcome;
  }
  job->started = now_ms();
  job->add_event(JobEventKind::Started, "deployed");
  {
    std::lock_guard lock(mutex_);
    jobs_[*id] = job;
  }
  outcome.job = *id;
  return outcome;
}

std::shared_ptr<ManagedJob> JobManager::find(const JobId& job) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job);
  return it == jobs_.end() ? nullptr : it->second;
}

std::vector<JobSummary> JobManager::jobs() const {
  std::vector<std::shared_ptr<ManagedJob>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, job] : jobs_) all.push_back(job);
  }
  std::vector<JobSummary> out;
  for (const auto& job : all) {
    std::lock_guard lock(job->mutex);
    out.push_back({job->record.id, job->record.name, job->record.state, job->started,
                   static_cast<std::uint32_t>(job->restarts.size())});
  }
  return out;
}

graphs::Result<JobDetail> JobManager::status(const JobId& id) const {
  auto job = find(id);
  if (!job) return unknown_job(id);
  std::lock_guard lock(job->mutex);
  JobDetail detail;
  detail.summary = {job->record.id, job->record.name, job->record.state, job->started,
                    static_cast<std::uint32_t>(job->restarts.size())};
  detail.message = job->message;
  detail.restarts = job->restarts;
  detail.last_checkpoint = job->last_checkpoint;
  if (job->run) detail.checkpoints = checkpoint_history(job->run->job().checkpoint_metrics());
  detail.graphs = job->graphs;
  detail.options = job->record.options;
  return detail;
}

graphs::Result<std::string> JobManager::stop(const JobId& id, const std::string& savepoint_dir,
                                             bool drain) {
  auto job = find(id);
  if (!job) return unknown_job(id);
  if (!job->run || job->run->job().wait_for(std::chrono::milliseconds(0))) {
    return graphs::Error{"job '" + id + "' is not running"};
  }
  {
    std::lock_guard lock(job->mutex);
    job->record.state = JobState::Stopping;
  }
  if (drain) {  // sources end, everything drains, the final checkpoint commits the rest
    if (!savepoint_dir.empty()) {
      return graphs::Error{
          "stop with --drain takes no savepoint (the drained job has no state "
          "left to resume); stop without --drain to take one"};
    }
    job->run->stop();
    if (!job->run->job().wait_for(config_.savepoint_timeout)) {
      return graphs::Error{"job '" + id + "' did not drain within the savepoint timeout"};
    }
    return std::string{};
  }
  std::string directory = savepoint_dir;
  if (directory.empty()) {
    std::lock_guard lock(job->mutex);
    directory =
        (job->dir.savepoints() / ("sp-" + std::to_string(job->record.next_savepoint++))).string();
    (void)job->dir.save(job->record);
  }
  std::error_code ec;
  fs::create_directories(fs::path(directory).parent_path(), ec);
  auto target = lifecycle::open_savepoint_target(directory, job->graphs);
  if (!target) return target.error();
  auto taken = job->run->stop_with_savepoint(*target, config_.savepoint_timeout);
  if (!taken) {
    std::lock_guard lock(job->mutex);
    job->record.state = JobState::Running;  // the job keeps running
    return taken.error();
  }
  job->add_event(JobEventKind::SavepointTaken, directory, *taken);
  return directory;
}

graphs::Status JobManager::cancel(const JobId& id) {
  auto job = find(id);
  if (!job) return unknown_job(id);
  if (!job->run || job->run->job().wait_for(std::chrono::milliseconds(0))) {
    return graphs::Error{"job '" + id + "' is not running"};
  }
  job->run->cancel();
  job->run->job().wait_for(config_.savepoint_timeout);
  return graphs::Ok{};
}

graphs::Result<std::string> JobManager::savepoint(const JobId& id) {
  auto job = find(id);
  if (!job) return unknown_job(id);
  if (!job->run || job->run->job().wait_for(std::chrono::milliseconds(0))) {
    return graphs::Error{"job '" + id + "' is not running"};
  }
  std::string directory;
  {
    std::lock_guard lock(job->mutex);
    directory =
        (job->dir.savepoints() / ("sp-" + std::to_string(job->record.next_savepoint++))).string();
    (void)job->dir.save(job->record);
  }
  std::error_code ec;
  fs::create_directories(job->dir.savepoints(), ec);
  if (ec) return graphs::Error{"savepoint " + directory + ": " + ec.message()};
  auto target = lifecycle::open_savepoint_target(directory, job->graphs);
  if (!target) return target.error();
  auto taken = job->run->savepoint(*target, config_.savepoint_timeout);
  if (!taken) {
    fs::remove_all(directory, ec);  // nothing usable in it; a savepoint is complete or absent
    return graphs::Error{"job '" + id + "': " + taken.error().message};
  }
  job->add_event(JobEventKind::SavepointTaken, directory, *taken);
  return directory;
}

graphs::Catalog JobManager::catalog() const { return registry_.catalog(); }

graphs::Result<JobMetrics> JobManager::metrics(const JobId& id, std::uint64_t sampler_id) {
  const std::shared_ptr<ManagedJob> job = find(id);
  if (!job) return unknown_job(id);
  if (!job->run) return graphs::Error{"job " + id + " has no running attempt to sample"};
  std::lock_guard lock(job->mutex);
  JobMetrics metrics = job->samplers[sampler_id].sample(job->run->job(), now_ms());
  metrics.job = id;
  metrics.restarts = job->restarts;  // checkpoints: the sampler's history
  return metrics;
}

graphs::Result<std::vector<JobEvent>> JobManager::events(const JobId& id,
                                                         std::uint64_t after) const {
  auto job = find(id);
  if (!job) return unknown_job(id);
  std::lock_guard lock(job->mutex);
  std::vector<JobEvent> out;
  for (const JobEvent& event : job->events) {
    if (event.sequence > after) out.push_back(event);
  }
  return out;
}

graphs::Result<std::unique_ptr<Handle>> JobManager::preview(
    const JobId& id, const EdgeRef& edge, std::uint32_t max_records_per_second,
    std::function<void(PreviewRecords)> deliver) {
  const std::shared_ptr<ManagedJob> job = find(id);
  if (!job) return unknown_job(id);
  if (!job->run) return graphs::Error{"job " + id + " has no running attempt to preview"};
  return job->run->job().tap(edge, max_records_per_second, std::move(deliver));
}

void JobManager::shutdown() {
  std::vector<std::shared_ptr<ManagedJob>> running;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, job] : jobs_) {
      if (job->run && !job->run->job().wait_for(std::chrono::milliseconds(0)))
        running.push_back(job);
    }
  }
  for (const auto& job : running) {
    std::string directory;
    {
      std::lock_guard lock(job->mutex);
      job->keep_running_record = true;
      directory =
          (job->dir.savepoints() / ("sp-" + std::to_string(job->record.next_savepoint++))).string();
    }
    std::error_code ec;
    fs::create_directories(job->dir.savepoints(), ec);
    auto target = lifecycle::open_savepoint_target(directory, job->graphs);
    graphs::Result<CheckpointId> taken =
        target ? job->run->stop_with_savepoint(*target, config_.savepoint_timeout)
               : graphs::Result<CheckpointId>(target.error());
    std::lock_guard lock(job->mutex);
    if (taken) {
      job->record.resume_savepoint = directory;
      job->events.push_back(
          {job->next_sequence++, now_ms(), JobEventKind::SavepointTaken, directory, *taken});
    } else {
      // No savepoint: the job is cancelled by the destructor below and resumes from its last
      // complete checkpoint, as after a crash.
      job->message = "shutdown savepoint failed: " + taken.error().message;
    }
    (void)job->dir.save(job->record);  // still recorded as running
  }
}

namespace {

// Turns the checkpoints whose outcome is new since the last look into events (at the moment
// the coordinator recorded it, with the failure's cause) and keeps the newest completed one.
// Called under job.mutex.
void report_checkpoints(ManagedJob& job, const std::vector<CheckpointSummary>& history) {
  std::map<std::uint64_t, CheckpointStatus> reported;
  for (const CheckpointSummary& summary : history) {
    const CheckpointRecord record = checkpoint_record(summary);
    reported[record.id] = record.status;
    auto before = job.reported_checkpoints.find(record.id);
    if (before != job.reported_checkpoints.end() && before->second == record.status) continue;
    if (record.status == CheckpointStatus::Completed) {
      job.last_checkpoint = record;
      job.events.push_back({job.next_sequence++, summary.ended_ms,
                            JobEventKind::CheckpointCompleted, record.savepoint ? "savepoint" : "",
                            record.id});
    } else if (record.status == CheckpointStatus::Failed) {
      job.events.push_back({job.next_sequence++, summary.ended_ms, JobEventKind::CheckpointFailed,
                            record.failure, record.id});
    }
  }
  job.reported_checkpoints = std::move(reported);
}

}  // namespace

void JobManager::watch() {
  std::unique_lock wait_lock(watch_mutex_);
  while (!closing_) {
    watch_wakeup_.wait_for(wait_lock, kWatchInterval);
    std::vector<std::shared_ptr<ManagedJob>> all;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, job] : jobs_) all.push_back(job);
    }
    for (const auto& job : all) {
      if (!job->run) continue;
      const Job& running = job->run->job();
      const CheckpointMetrics& checkpoints = running.checkpoint_metrics();
      const std::uint64_t version = checkpoints.history_version();
      std::lock_guard lock(job->mutex);
      if (version != job->seen_history_version) {
        job->seen_history_version = version;
        report_checkpoints(*job, checkpoints.history());
      }
      if (job->health && !job->ended) {
        // Several failures in a row, or no completed checkpoint for several intervals: a
        // CheckpointFailed event of the job's checkpointing as a whole (checkpoint id 0).
        for (std::string& warning : job->health->observe(
                 checkpoints.history(), checkpoints.consecutive_failures.load(), now_ms())) {
          job->events.push_back({job->next_sequence++, now_ms(), JobEventKind::CheckpointFailed,
                                 "warning: " + std::move(warning), 0});
        }
      }
      if (!job->ended && running.wait_for(std::chrono::milliseconds(0))) {
        job->ended = true;
        const JobStatus status = running.status();
        JobEventKind kind = JobEventKind::Finished;
        JobState state = JobState::Finished;
        if (status.state == runtime::JobState::Failed) {
          kind = JobEventKind::Failed;
          state = JobState::Failed;
          job->message = status.message;
        } else if (status.state == runtime::JobState::Cancelled) {
          kind = JobEventKind::Cancelled;
          state = JobState::Cancelled;
        }
        job->events.push_back({job->next_sequence++, now_ms(), kind, status.message, 0});
        if (!job->keep_running_record) {
          job->record.state = state;
          (void)job->dir.save(job->record);
        }
      }
      while (job->events.size() > kKeptEvents) job->events.pop_front();
    }
  }
}

}  // namespace rivulet::runtime::node
