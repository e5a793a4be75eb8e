// `rivulet run GRAPH...`: plans the graphs as one job, runs it on a local actor system (with the
// embedded Kafka broker unless --bootstrap names a cluster), shows a live per-operator table,
// and stops cleanly on SIGINT/SIGTERM, after --for SECONDS, or when every bounded source ended.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
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
#include "graphs/graph_io.hpp"
#include "graphs/validator.hpp"
#include "runtime/checkpoint/directory_checkpoint_store.hpp"
#include "runtime/cli/checkpoint_location.hpp"
#include "runtime/state/state_directory.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/live_table.hpp"
#include "runtime/cli/plugin_options.hpp"
#include "runtime/cli/topic_viewer.hpp"
#include "runtime/embedded_broker.hpp"
#include "runtime/job.hpp"
#include "runtime/parameter_overrides.hpp"
#include "runtime/planner.hpp"
#include "runtime/savepoint_restore.hpp"

namespace rivulet::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct RunArguments {
  std::vector<std::string> graphs;
  std::string bootstrap;
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
};

constexpr auto kDrainTimeout = std::chrono::seconds(30);     // after a stop, before cancelling
constexpr auto kSavepointTimeout = std::chrono::minutes(2);  // --savepoint-on-stop
constexpr std::size_t kShownRecords = 12;                    // --show lines kept under the table

// Loads, overrides and validates every graph; prints each problem like `graph validate`.
std::vector<graphs::Graph> load_graphs(const RunArguments& args,
                                       const runtime::OperatorRegistry& registry) {
  std::vector<graphs::Graph> loaded;
  for (const std::string& file : args.graphs) {
    loaded.push_back(value_or_throw(graphs::load_graph(file), file));
    if (loaded.back().name.empty()) loaded.back().name = file;
  }
  std::vector<runtime::ParameterOverride> overrides;
  for (const std::string& set : args.sets) {
    overrides.push_back(value_or_throw(runtime::parse_override(set), ""));
  }
  const graphs::Catalog catalog = registry.catalog();
  value_or_throw(runtime::apply_overrides(loaded, overrides, catalog), "");
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    graphs::ValidationReport report = graphs::validate(loaded[i], catalog);
    for (const graphs::Problem& problem : report.problems) {
      std::cerr << args.graphs[i] << ": " << problem.to_string() << '\n';
    }
    if (!report.ok()) {
      const std::size_t errors = report.error_count();
      throw UserError(args.graphs[i] + ": " + std::to_string(errors) +
                      (errors == 1 ? " error" : " errors"));
    }
  }
  return loaded;
}

const std::string* string_parameter(const graphs::Node& node, const std::string& name) {
  const graphs::Value* value = node.parameter(name);
  return value ? std::get_if<std::string>(value) : nullptr;
}

// Topics the graphs' Kafka nodes use on the default cluster, with as many partitions as the
// widest node using them has instances (so every source instance gets a partition).
std::vector<runtime::TopicSpec> default_cluster_topics(const std::vector<graphs::Graph>& graphs,
                                                       const std::vector<std::string>& shown) {
  std::map<std::string, int> partitions;
  for (const graphs::Graph& graph : graphs) {
    for (const graphs::Node& node : graph.nodes) {
      const std::string* bootstrap = string_parameter(node, "bootstrap_servers");
      if (bootstrap && !bootstrap->empty()) continue;  // another cluster
      const int width = static_cast<int>(std::max<std::uint32_t>(node.parallelism, 1));
      std::vector<std::string> topics;
      if (node.kind == "kafka_source") {
        if (const graphs::Value* v = node.parameter("topics")) {
          if (const auto* list = std::get_if<graphs::StringList>(v)) topics = *list;
        }
      } else if (node.kind == "kafka_sink") {
        if (const std::string* topic = string_parameter(node, "topic")) topics = {*topic};
      }
      for (const std::string& topic : topics) {
        partitions[topic] = std::max(partitions[topic], width);
      }
    }
  }
  for (const std::string& topic : shown) partitions.emplace(topic, 1);
  std::vector<runtime::TopicSpec> specs;
  for (const auto& [name, count] : partitions) specs.push_back({name, count});
  return specs;
}

// Everything the run owns, destroyed in reverse order of construction: the viewer and the job
// go before the actor system, and the broker last, after every client of it is gone.
struct Session {
  // First member, so destroyed last: after the job that writes into it.
  std::shared_ptr<runtime::state::StateDirectory> temporary_checkpoints;
  std::unique_ptr<runtime::EmbeddedBroker> broker;
  std::unique_ptr<caf::actor_system_config> config;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<runtime::Job> job;
  std::unique_ptr<TopicViewer> viewer;

  ~Session() {
    viewer.reset();
    job.reset();
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

  // Called often; redraws the table every second (terminal) or logs every 5 s (pipe).
  void tick(Clock::time_point now, TopicViewer* viewer, bool force = false) {
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

 private:
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
};

// "60", "2.5": no trailing zeros.
std::string fmt_seconds(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

// What the manifests of this job's checkpoints and savepoints record about it.
runtime::checkpoint::JobIdentity job_identity(const std::vector<graphs::Graph>& graphs) {
  runtime::checkpoint::JobIdentity identity;
  for (const graphs::Graph& graph : graphs) {
    identity.graph_name += (identity.graph_name.empty() ? "" : "+") + graph.name;
    for (const graphs::Node& node : graph.nodes) identity.node_ids.push_back(node.id);
  }
  return identity;
}

// See checkpoint_location.hpp for which directory; with one holding a complete checkpoint of
// this job, the job starts from it.
std::shared_ptr<runtime::CheckpointStore> open_checkpoint_store(
    const RunArguments& args, const std::vector<graphs::Graph>& graphs, bool embedded_broker,
    Session& session) {
  const CheckpointLocation location =
      choose_checkpoint_location(args.checkpoint_dir, graphs, embedded_broker);
  if (!location.note.empty() && !args.quiet) std::cerr << "rivulet: " << location.note << '\n';
  std::string directory = location.directory;
  if (location.temporary) {
    session.temporary_checkpoints = value_or_throw(
        runtime::state::StateDirectory::create_temporary("rivulet-checkpoints-"),
        "temporary checkpoint directory");
    directory = session.temporary_checkpoints->path().string();
  }
  if (directory.empty()) return nullptr;
  std::uint32_t retained = 0;
  for (const graphs::Graph& graph : graphs) {
    retained = std::max(retained, graph.runtime.checkpoints_retained);
  }
  return value_or_throw(
      runtime::checkpoint::DirectoryCheckpointStore::open(
          directory, std::max<std::uint32_t>(retained, 1), job_identity(graphs)),
      directory);
}

// --from-savepoint DIR: a savepoint directory, or a checkpoint directory (its newest complete
// checkpoint), or one chk-<id> of it. Only read; the job checks it against the plan.
std::shared_ptr<runtime::CheckpointStore> open_restore_source(
    const RunArguments& args, const std::vector<graphs::Graph>& graphs) {
  if (args.from_savepoint.empty()) return nullptr;
  const std::string origin = "savepoint " + args.from_savepoint;
  std::error_code ec;
  if (!std::filesystem::is_directory(args.from_savepoint, ec)) {
    throw UserError(origin + ": no such directory");
  }
  return value_or_throw(runtime::checkpoint::DirectoryCheckpointStore::open_savepoint(
                            args.from_savepoint, job_identity(graphs)),
                        origin);
}

// --savepoint-on-stop DIR: refused before anything runs if DIR exists (never overwritten).
std::shared_ptr<runtime::CheckpointStore> open_savepoint_target(
    const RunArguments& args, const std::vector<graphs::Graph>& graphs) {
  if (args.savepoint_on_stop.empty()) return nullptr;
  const std::string origin = "savepoint " + args.savepoint_on_stop;
  std::error_code ec;
  if (std::filesystem::exists(args.savepoint_on_stop, ec)) {
    throw UserError(origin + ": already exists (a savepoint is never overwritten)");
  }
  return value_or_throw(runtime::checkpoint::DirectoryCheckpointStore::open_savepoint(
                            args.savepoint_on_stop, job_identity(graphs)),
                        origin);
}

int run_graphs(const RunArguments& args) {
  // Built-ins plus plugins; kept for the whole run (the plan copies the factories, and a
  // plugin's code must stay loaded while its operators run).
  const runtime::OperatorRegistry registry = registry_with_plugins(*args.plugins);
  std::vector<graphs::Graph> graphs = load_graphs(args, registry);
  runtime::PhysicalPlan plan = value_or_throw(runtime::plan_job(graphs, registry), "");
  // Savepoint directories are checked before anything starts (and by --dry-run).
  const std::shared_ptr<runtime::CheckpointStore> restore_source =
      open_restore_source(args, graphs);
  if (args.dry_run) {  // checked and planned; show the tasks and their channels, start nothing
    if (restore_source) {
      value_or_throw(runtime::prepare_restore(*restore_source, plan, args.allow_non_restored_state,
                                              "savepoint " + args.from_savepoint),
                     "");
    }
    std::cout << runtime::describe(plan) << std::flush;
    return 0;
  }
  const std::shared_ptr<runtime::CheckpointStore> savepoint_target =
      open_savepoint_target(args, graphs);

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
  std::vector<runtime::TopicSpec> topics = default_cluster_topics(graphs, args.show);
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
  runtime::JobOptions options;
  options.bootstrap_servers = bootstrap;
  options.checkpoints = open_checkpoint_store(args, graphs, session.broker != nullptr, session);
  options.checkpoint_interval = std::chrono::milliseconds(args.checkpoint_interval_ms);
  options.restore_from = restore_source;
  options.restore_from_name = "savepoint " + args.from_savepoint;
  options.allow_non_restored_state = args.allow_non_restored_state;
  session.job = value_or_throw(runtime::Job::start(*session.system, std::move(plan), options), "");
  runtime::Job& job = *session.job;
  if (!job.non_restored_nodes().empty()) {  // a warning, even with --quiet
    std::string nodes;
    for (const std::string& node : job.non_restored_nodes()) {
      nodes += (nodes.empty() ? "'" : ", '") + node + "'";
    }
    std::cerr << "rivulet: warning: savepoint " << args.from_savepoint << ": dropping the state of "
              << (job.non_restored_nodes().size() == 1 ? "node " : "nodes ") << nodes
              << " (not in the graph)" << std::endl;
  }
  if (options.restore_from && !args.quiet) {
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

  LiveTable table(job.plan(), job.task_metrics(), start);
  Display display(args, table);
  std::optional<Clock::time_point> deadline;
  if (args.for_seconds > 0) {
    deadline = start + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(args.for_seconds));
  }
  std::optional<Clock::time_point> stopped_at;
  bool cancelled_by_user = false;
  // --savepoint-on-stop: a stop takes a savepoint instead of draining. stop_with_savepoint
  // blocks until the job ended, so it runs beside this loop, which keeps drawing and lets a
  // second Ctrl-C cancel.
  std::future<graphs::Status> savepoint;
  std::optional<graphs::Status> savepoint_result;
  const std::string savepoint_name = "savepoint " + args.savepoint_on_stop;
  auto stop = [&](Clock::time_point now, const std::string& drain_status) {
    stopped_at = now;
    if (!savepoint_target) {
      display.set_status(drain_status);
      job.stop();
      return;
    }
    display.set_status("stopping with a savepoint into " + args.savepoint_on_stop +
                       "; Ctrl-C cancels");
    savepoint = std::async(std::launch::async, [&job, savepoint_target] {
      return job.stop_with_savepoint(savepoint_target, kSavepointTimeout);
    });
  };
  while (!job.wait_for(std::chrono::milliseconds(0))) {
    timespec wait{0, 100'000'000};  // 100 ms: responsive to signals and to the job's end
    const int signal = sigtimedwait(&stop_signals, nullptr, &wait);
    const Clock::time_point now = Clock::now();
    if (signal == SIGINT || signal == SIGTERM) {
      if (!stopped_at) {
        stop(now, "stopping: sources end, records in flight drain; Ctrl-C cancels");
      } else {
        job.cancel();  // a second Ctrl-C: do not wait for the drain
        cancelled_by_user = true;
        display.set_status("cancelling");
      }
    }
    if (deadline && !stopped_at && now >= *deadline) stop(now, "time is up: stopping");
    if (savepoint.valid() &&
        savepoint.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      savepoint_result = savepoint.get();
      if (!*savepoint_result) {  // the job keeps running: end it, the savepoint is the point
        display.set_status("savepoint failed: cancelling");
        job.cancel();
      }
    }
    if (stopped_at && !savepoint_target && now - *stopped_at > kDrainTimeout) {
      display.set_status("not drained in time: cancelling");
      job.cancel();
    }
    display.tick(now, session.viewer.get());
  }
  const runtime::JobStatus status = job.wait();
  if (savepoint.valid()) savepoint_result = savepoint.get();  // returns once the job ended
  // Records still travelling to the viewer are printed in the final draw.
  if (session.viewer) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  display.tick(Clock::now(), session.viewer.get(), /*force=*/true);
  // Said even with --quiet: both change what the output went through.
  if (auto* directory =
          dynamic_cast<runtime::checkpoint::DirectoryCheckpointStore*>(options.checkpoints.get())) {
    for (const std::string& reason : directory->last_skipped()) {
      std::cerr << "rivulet: warning: skipped a damaged checkpoint: " << reason << '\n';
    }
  }
  if (status.restarts > 0) {
    std::cerr << "rivulet: the job restarted " << status.restarts
              << (status.restarts == 1 ? " time" : " times")
              << (options.checkpoints ? ", from its last complete checkpoint"
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
    auto written = value_or_throw(savepoint_target->latest(), savepoint_name);
    if (!written) throw UserError(savepoint_name + ": not found after the stop");
    std::cout << "savepoint written to " << args.savepoint_on_stop << " (checkpoint "
              << written->id() << ")\n";
  } else if (status.state == runtime::JobState::Cancelled) {
    throw UserError("job cancelled: it did not drain within " +
                    std::to_string(kDrainTimeout.count()) + " s");
  } else if (savepoint_target) {
    std::cerr << "rivulet: no savepoint taken, the job finished before it was stopped" << std::endl;
  }
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
                "With --from-savepoint: drop the state of nodes that are no longer in the graph "
                "(with a warning) instead of refusing to start")
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
}  // namespace rivulet::cli
