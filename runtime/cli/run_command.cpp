// `rivulet run GRAPH...`: plans the graphs as one job, runs it on a local actor system (with the
// embedded Kafka broker unless --bootstrap names a cluster), shows a live per-operator table,
// and stops cleanly on SIGINT/SIGTERM, after --for SECONDS, or when every bounded source ended.

#include "runtime/cli/run_command.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "graphs/validator.hpp"
#include "runtime/checkpoint_health.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/live_table.hpp"
#include "runtime/cli/plugin_options.hpp"
#include "runtime/cli/topic_viewer.hpp"
#include "runtime/embedded_broker.hpp"
#include "runtime/job.hpp"
#include "runtime/lifecycle/job_preparation.hpp"
#include "runtime/lifecycle/job_run.hpp"

namespace rivulet::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct RunArguments {
  std::vector<std::string> graphs;
  std::string bootstrap;
  std::string credentials_dir;
  std::vector<std::string> sets;
  double for_seconds = 0;
  std::vector<std::string> show;
  bool quiet = false;
  bool dry_run = false;
  std::string checkpoint_dir;
  std::int64_t checkpoint_interval_ms = 0;
  std::string savepoint_on_stop;
  std::string from_savepoint;
  bool allow_non_restored_state = false;
  std::shared_ptr<std::vector<std::string>> plugins = std::make_shared<std::vector<std::string>>();
  // Graphs built by another command (`rivulet generate`, `rivulet demo`), after the files, each
  // named in messages by its entry in `built_names`.
  std::vector<graphs::Graph> built;
  std::vector<std::string> built_names;
};

constexpr auto kDrainTimeout = std::chrono::seconds(30);     // after a stop, before cancelling
constexpr auto kSavepointTimeout = std::chrono::minutes(2);  // --savepoint-on-stop
// After a cancel, before giving up on a task blocked in an external call (a lost broker): the
// process then exits without waiting, so a second Ctrl-C always ends it within seconds.
constexpr auto kCancelGrace = std::chrono::seconds(5);
constexpr std::size_t kShownRecords = 12;  // --show lines kept under the table

// Loads, overrides, validates and plans the graphs (runtime/lifecycle/job_preparation.hpp);
// prints each problem like `graph validate`.
runtime::lifecycle::PreparedJob prepare(const RunArguments& args,
                                        const runtime::OperatorRegistry& registry) {
  std::vector<graphs::Graph> loaded =
      value_or_throw(runtime::lifecycle::load_graph_files(args.graphs), "");
  std::vector<std::string> names = args.graphs;
  loaded.insert(loaded.end(), args.built.begin(), args.built.end());
  names.insert(names.end(), args.built_names.begin(), args.built_names.end());
  runtime::lifecycle::Preparation preparation =
      runtime::lifecycle::prepare_job(std::move(loaded), args.sets, registry);
  for (std::size_t i = 0; i < preparation.graph_problems.size(); ++i) {
    std::size_t errors = 0;
    for (const graphs::Problem& problem : preparation.graph_problems[i]) {
      std::cerr << names[i] << ": " << problem.to_string() << '\n';
      if (problem.severity == graphs::Severity::Error) ++errors;
    }
    if (errors > 0) {
      throw UserError(names[i] + ": " + std::to_string(errors) +
                      (errors == 1 ? " error" : " errors"));
    }
  }
  if (!preparation.job_problems.empty()) throw UserError(preparation.job_problems.front().message);
  return std::move(*preparation.job);
}

// Everything the run owns, destroyed in reverse order of construction: the viewer and the job
// go before the actor system, and the broker last, after every client of it is gone.
struct Session {
  std::unique_ptr<runtime::EmbeddedBroker> broker;
  std::unique_ptr<caf::actor_system_config> config;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<runtime::lifecycle::JobRun> run;
  std::unique_ptr<TopicViewer> viewer;

  ~Session() {
    viewer.reset();
    run.reset();
    system.reset();
    config.reset();
    if (broker) broker->stop();
  }
};

class Display {
 public:
  Display(const RunArguments& args, LiveTable& table)
      : args_(args), table_(table), tty_(::isatty(STDOUT_FILENO) == 1) {}

  // Shown in the table's title on a terminal (a line on stderr would upset the redraw).
  void set_status(std::string status) {
    if (tty_) {
      status_ = std::move(status);
    } else if (!args_.quiet) {
      std::cerr << "rivulet: " << status << std::endl;
    }
  }

  // True once a write to stdout failed (its reader went away: EPIPE, SIGPIPE being ignored).
  bool output_closed() const { return output_closed_; }

  // Called often; redraws the table every second (terminal) or logs every 5 s (pipe).
  void tick(Clock::time_point now, TopicViewer* viewer, bool force = false) {
    if (output_closed_) return;
    draw(now, viewer, force);
    if (!std::cout) output_closed_ = true;
  }

 private:
  void draw(Clock::time_point now, TopicViewer* viewer, bool force) {
    std::vector<std::string> arrived;
    if (viewer) arrived = viewer->take();
    if (!tty_) {
      for (const std::string& line : arrived) std::cout << line << '\n';
      if (!arrived.empty()) std::cout.flush();
    } else {
      for (std::string& line : arrived) recent_.push_back(std::move(line));
      while (recent_.size() > kShownRecords) recent_.erase(recent_.begin());
    }
    if (!force && now < next_draw_) return;
    table_.sample(now);
    next_draw_ = now + (tty_ ? std::chrono::seconds(1) : std::chrono::seconds(5));
    if (args_.quiet) return;
    if (tty_) {
      std::vector<std::string> lines = table_.table();
      if (!status_.empty()) lines.front() += "  [" + status_ + "]";
      if (viewer) {
        lines.emplace_back();
        lines.push_back("records on " + join(args_.show) + " (" +
                        std::to_string(viewer->received()) + " so far):");
        lines.insert(lines.end(), recent_.begin(), recent_.end());
      }
      block_.redraw(lines);
    } else {
      for (const std::string& line : table_.log_lines()) std::cout << line << '\n';
      std::cout.flush();
    }
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
  }

  const RunArguments& args_;
  LiveTable& table_;
  bool tty_;
  Clock::time_point next_draw_{};
  TerminalBlock block_;
  std::vector<std::string> recent_;
  std::string status_;
  bool output_closed_ = false;
};

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "60", "2.5": no trailing zeros.
std::string fmt_seconds(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

int run_graphs(const RunArguments& args) {
  // Built-ins plus plugins; kept for the whole run (the plan copies the factories, and a
  // plugin's code must stay loaded while its operators run).
  const runtime::OperatorRegistry registry = registry_with_plugins(*args.plugins);
  runtime::lifecycle::PreparedJob prepared = prepare(args, registry);
  prepared.plan.credentials_dir = args.credentials_dir;
  runtime::lifecycle::RunOptions options;
  options.checkpoint_dir = args.checkpoint_dir;
  options.checkpoint_interval = std::chrono::milliseconds(args.checkpoint_interval_ms);
  options.from_savepoint = args.from_savepoint;
  options.allow_non_restored_state = args.allow_non_restored_state;
  // Savepoint directories are checked before anything starts (and by --dry-run).
  if (!args.from_savepoint.empty()) {
    value_or_throw(runtime::lifecycle::open_restore_source(args.from_savepoint, prepared.graphs),
                   "");
  }
  if (args.dry_run) {  // checked and planned; show the tasks and their channels, start nothing
    value_or_throw(runtime::lifecycle::check_restore(prepared, options), "");
    std::cout << runtime::describe(prepared.plan) << std::flush;
    return 0;
  }
  std::shared_ptr<runtime::CheckpointStore> savepoint_target;
  if (!args.savepoint_on_stop.empty()) {
    savepoint_target = value_or_throw(
        runtime::lifecycle::open_savepoint_target(args.savepoint_on_stop, prepared.graphs), "");
  }

  // Block the stop signals before any thread exists (CAF's scheduler, librdkafka's threads):
  // threads inherit the mask, so SIGINT/SIGTERM stay pending for sigtimedwait() below instead
  // of killing the process from an arbitrary thread. No handler runs in signal context.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Session session;
  std::string bootstrap = args.bootstrap;
  std::vector<runtime::TopicSpec> topics =
      runtime::lifecycle::default_cluster_topics(prepared.graphs, args.show);
  // No Kafka node and nothing to show: no broker to start (datagen -> file graphs).
  if (bootstrap.empty() && !topics.empty()) {
    runtime::BrokerOptions options;
    options.topics = std::move(topics);
    session.broker = value_or_throw(runtime::EmbeddedBroker::start(options), "embedded broker");
    bootstrap = session.broker->bootstrap_servers();
    if (!args.quiet) std::cerr << "rivulet: embedded Kafka broker at " << bootstrap << '\n';
  }

  session.config = std::make_unique<caf::actor_system_config>();
  session.system = std::make_unique<caf::actor_system>(*session.config);
  options.bootstrap_servers = bootstrap;
  options.embedded_broker = session.broker != nullptr;
  session.run = value_or_throw(
      runtime::lifecycle::JobRun::start(*session.system, std::move(prepared), options), "");
  runtime::lifecycle::JobRun& run = *session.run;
  runtime::Job& job = run.job();
  if (!run.checkpoint_note().empty() && !args.quiet) {
    std::cerr << "rivulet: " << run.checkpoint_note() << '\n';
  }
  if (!job.non_restored_nodes().empty()) {  // a warning, even with --quiet
    std::string nodes;
    for (const std::string& node : job.non_restored_nodes()) {
      nodes += (nodes.empty() ? "'" : ", '") + node + "'";
    }
    std::cerr << "rivulet: warning: savepoint " << args.from_savepoint << ": dropping the state of "
              << (job.non_restored_nodes().size() == 1 ? "node " : "nodes ") << nodes
              << " (not in the graph)" << std::endl;
  }
  if (!args.from_savepoint.empty() && !args.quiet) {
    std::cerr << "rivulet: starting from savepoint " << args.from_savepoint << " (checkpoint "
              << job.restored_id() << ')' << std::endl;
  }
  if (!args.show.empty()) {
    session.viewer = std::make_unique<TopicViewer>(bootstrap, args.show, session.broker != nullptr);
  }
  const Clock::time_point start = Clock::now();
  if (!args.quiet) {
    std::cerr << "rivulet: running " << job.plan().nodes.size() << " operators as "
              << job.plan().tasks.size() << " tasks"
              << (args.for_seconds > 0 ? " for " + fmt_seconds(args.for_seconds) + " s" : "")
              << "; Ctrl-C stops" << std::endl;
  }

  // Failed checkpoints are said when they fail (even with --quiet), not at the end.
  runtime::CheckpointHealth health(
      {job.checkpoint_interval().count(), job.tolerable_failed_checkpoints()}, wall_clock_ms());
  auto report_checkpoint_health = [&] {
    const runtime::CheckpointMetrics& checkpoints = job.checkpoint_metrics();
    for (const std::string& line : health.observe(
             checkpoints.history(), checkpoints.consecutive_failures.load(), wall_clock_ms())) {
      std::cerr << "rivulet: warning: " << line << std::endl;
    }
  };
  LiveTable table(job.plan(), job.task_metrics(), start);
  Display display(args, table);
  std::optional<Clock::time_point> deadline;
  if (args.for_seconds > 0) {
    deadline = start + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(args.for_seconds));
  }
  std::optional<Clock::time_point> stopped_at;
  std::optional<Clock::time_point> cancelled_at;
  bool cancelled_by_user = false;
  // Cancels once (every caller below may ask again each 100 ms).
  auto cancel = [&](Clock::time_point now, const std::string& status) {
    if (cancelled_at) return;
    cancelled_at = now;
    display.set_status(status);
    job.cancel();
  };
  // --savepoint-on-stop: a stop takes a savepoint instead of draining. stop_with_savepoint
  // blocks until the job ended, so it runs beside this loop, which keeps drawing and lets a
  // second Ctrl-C cancel.
  std::future<graphs::Result<runtime::CheckpointId>> savepoint;
  std::optional<graphs::Result<runtime::CheckpointId>> savepoint_result;
  const std::string savepoint_name = "savepoint " + args.savepoint_on_stop;
  auto stop = [&](Clock::time_point now, const std::string& drain_status) {
    stopped_at = now;
    if (!savepoint_target) {
      if (!drain_status.empty()) display.set_status(drain_status);
      job.stop();
      return;
    }
    display.set_status("stopping with a savepoint into " + args.savepoint_on_stop +
                       "; Ctrl-C cancels");
    savepoint = std::async(std::launch::async, [&run, savepoint_target] {
      return run.stop_with_savepoint(savepoint_target, kSavepointTimeout);
    });
  };
  while (!job.wait_for(std::chrono::milliseconds(0))) {
    timespec wait{0, 100'000'000};  // 100 ms: responsive to signals and to the job's end
    const int signal = sigtimedwait(&stop_signals, nullptr, &wait);
    const Clock::time_point now = Clock::now();
    if (signal == SIGINT || signal == SIGTERM) {
      if (!stopped_at) {
        stop(now, "stopping: sources end, records in flight drain; Ctrl-C cancels");
      } else if (!cancelled_at) {
        cancel(now, "cancelling");  // a second Ctrl-C: do not wait for the drain
        cancelled_by_user = true;
      } else {
        cancelled_at = now - kCancelGrace;  // a third: do not wait for the cancel either
      }
    }
    if (deadline && !stopped_at && now >= *deadline) stop(now, "time is up: stopping");
    // The reader of our output went away (`| head`): stop as on Ctrl-C, and say nothing more.
    if (display.output_closed() && !stopped_at) stop(now, "");
    if (savepoint.valid() &&
        savepoint.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      savepoint_result = savepoint.get();
      if (!*savepoint_result) {  // the job keeps running: end it, the savepoint is the point
        cancel(now, "savepoint failed: cancelling");
      }
    }
    if (stopped_at && !savepoint_target && now - *stopped_at > kDrainTimeout) {
      cancel(now, "not drained in time: cancelling");
    }
    if (cancelled_at && now - *cancelled_at >= kCancelGrace) {
      // A task is stuck in a call that ignores cancellation: the actor system cannot be torn
      // down around it, so leave without running destructors (the OS reclaims everything; a
      // temporary checkpoint directory may stay behind).
      std::cerr << "rivulet: error: the job did not end within "
                << std::chrono::duration_cast<std::chrono::seconds>(kCancelGrace).count()
                << " s of cancelling (a task is blocked in an external call, e.g. on a lost "
                   "Kafka broker); exiting without waiting for it"
                << std::endl;
      std::cout.flush();
      std::_Exit(1);
    }
    if (!stopped_at) report_checkpoint_health();
    display.tick(now, session.viewer.get());
  }
  const runtime::JobStatus status = job.wait();
  report_checkpoint_health();  // the failure that ended the job, if it was one
  if (savepoint.valid()) savepoint_result = savepoint.get();  // returns once the job ended
  // Records still travelling to the viewer are printed in the final draw.
  if (session.viewer) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  display.tick(Clock::now(), session.viewer.get(), /*force=*/true);
  // Said even with --quiet: both change what the output went through.
  for (const std::string& reason : run.skipped_checkpoints()) {
    std::cerr << "rivulet: warning: skipped a damaged checkpoint: " << reason << '\n';
  }
  if (status.restarts > 0) {
    std::cerr << "rivulet: the job restarted " << status.restarts
              << (status.restarts == 1 ? " time" : " times")
              << (run.has_checkpoints() ? ", from its last complete checkpoint"
                                        : ", from the start (no checkpoints)")
              << std::endl;
  }

  if (status.state == runtime::JobState::Failed) throw UserError("job failed: " + status.message);
  if (cancelled_by_user) throw UserError("job cancelled");
  if (savepoint_result && !*savepoint_result) {
    if (status.state == runtime::JobState::Cancelled) {
      throw UserError(savepoint_name + ": " + savepoint_result->error().message);
    }
    // The job finished on its own while the savepoint was requested: nothing left to resume.
    std::cerr << "rivulet: no savepoint taken, the job finished first: "
              << savepoint_result->error().message << std::endl;
  } else if (savepoint_result) {
    std::cout << "savepoint written to " << args.savepoint_on_stop << " (checkpoint "
              << savepoint_result->value() << ")\n";
  } else if (status.state == runtime::JobState::Cancelled) {
    throw UserError("job cancelled: it did not drain within " +
                    std::to_string(kDrainTimeout.count()) + " s");
  } else if (savepoint_target) {
    std::cerr << "rivulet: no savepoint taken, the job finished before it was stopped" << std::endl;
  }
  if (display.output_closed()) return 0;  // quiet, like other tools writing into `| head`
  std::cout << '\n';
  for (const std::string& line : table.summary()) std::cout << line << '\n';
  std::cout.flush();
  return 0;
}

void add_run_command(CLI::App& app, Invocation& invocation) {
  CLI::App* run = app.add_subcommand("run", "Run graphs locally as one job, with a live table");
  auto args = std::make_shared<RunArguments>();
  run->add_option("GRAPH", args->graphs,
                  "Graph files (.rgraph, .rgraphp or .json); several run together in one job")
      ->required();
  run->add_option("--bootstrap", args->bootstrap,
                  "Kafka bootstrap servers for the Kafka nodes (default: start the embedded "
                  "broker in-process, with the topics the graphs name)");
  run->add_option("--set", args->sets,
                  "Override a parameter, NODE.PARAM=VALUE, parsed by the parameter's type "
                  "(repeatable)");
  run->add_option("--for", args->for_seconds,
                  "Stop after SECONDS (sources end, everything drains), then print the summary")
      ->check(CLI::PositiveNumber);
  run->add_option("--show", args->show,
                  "Print the records arriving on TOPIC (read_committed) below the table "
                  "(repeatable)");
  run->add_flag("--quiet", args->quiet, "No live table; only --show records and the summary");
  add_plugin_option(*run, args->plugins);
  run->add_option("--credentials-dir", args->credentials_dir,
                  "Directory that Kafka client settings naming a file (ssl.ca.location, "
                  "ssl.key.location, ...) are read from, as paths relative to it; default: none "
                  "(such settings are refused)");
  run->add_option("--checkpoint-dir", args->checkpoint_dir,
                  "Take checkpoints into DIR (and start from its latest complete checkpoint); "
                  "keeps the graphs' checkpointsRetained newest. Default: the graphs' "
                  "checkpointDirectory with --bootstrap; on the embedded broker a temporary "
                  "directory if the graphs ask for checkpoints");
  run->add_option("--checkpoint-interval", args->checkpoint_interval_ms,
                  "Milliseconds between checkpoints (default: the graphs' checkpointIntervalMs)")
      ->check(CLI::PositiveNumber);
  run->add_option("--savepoint-on-stop", args->savepoint_on_stop,
                  "When stopped (Ctrl-C, SIGTERM, --for), take a savepoint into DIR (which must "
                  "not exist) and end without draining, instead of draining; resume it with "
                  "--from-savepoint DIR")
      ->type_name("DIR");
  CLI::Option* from_savepoint =
      run->add_option("--from-savepoint", args->from_savepoint,
                      "Start from the savepoint in DIR (or the newest checkpoint of a "
                      "--checkpoint-dir), before --checkpoint-dir's own checkpoints; the graph "
                      "may have changed: state goes to the nodes with the same id and "
                      "parallelism, new nodes start empty")
          ->type_name("DIR");
  run->add_flag("--allow-non-restored-state", args->allow_non_restored_state,
                "With --from-savepoint: drop the state of nodes that are no longer in the graph, "
                "or whose operator kind changed, (with a warning) instead of refusing to start")
      ->needs(from_savepoint);
  run->add_flag("--dry-run", args->dry_run,
                "Validate and plan only: print the tasks and channels, run nothing");
  run->footer(
      "Exit 0 after a clean stop (Ctrl-C, --for, or every bounded source finished) with a "
      "summary; exit 1 with one line on stderr when the graphs are invalid or the job fails. "
      "A second Ctrl-C cancels without draining.");
  on_selected(run, invocation, [args] { return run_graphs(*args); });
}

const CommandRegistration registration{"run", &add_run_command};

}  // namespace

int run_locally(const LocalRun& request) {
  RunArguments args;
  args.graphs = request.graph_files;
  args.built = request.graphs;
  args.built_names = request.graph_names;
  args.bootstrap = request.bootstrap;
  args.sets = request.sets;
  args.for_seconds = request.for_seconds;
  args.show = request.show;
  args.quiet = request.quiet;
  return run_graphs(args);
}
}  // namespace rivulet::cli
