// `rivulet deploy|jobs|status|stop|cancel|savepoint|events`: the jobs of a running node
// (`rivulet node`), over its control API (client/node_client.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "graphs/graph_io.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/node_options.hpp"

namespace rivulet::cli {
namespace {

namespace control = graphs::control;

bool ended(control::JobState state) {
  return state == control::JobState::Finished || state == control::JobState::Failed ||
         state == control::JobState::Cancelled;
}

std::string problem_json(const graphs::Problem& p) {
  return fmt::format(
      "{{\"severity\":{},\"node\":{},\"edge\":{},\"field\":{},\"message\":{},\"text\":{}}}",
      json_string(p.severity == graphs::Severity::Error ? "error" : "warning"),
      json_string(p.node_id), p.edge ? std::to_string(*p.edge) : "null", json_string(p.field),
      json_string(p.message), json_string(p.to_string()));
}

std::string summary_json(const control::JobSummary& j) {
  return fmt::format("{{\"id\":{},\"name\":{},\"state\":{},\"started\":{},\"restarts\":{}}}",
                     json_string(j.id), json_string(j.name), json_string(to_string(j.state)),
                     j.started, j.restarts);
}

std::string event_json(const control::JobEvent& e) {
  return fmt::format("{{\"sequence\":{},\"at\":{},\"kind\":{},\"message\":{},\"checkpoint\":{}}}",
                     e.sequence, e.at, json_string(to_string(e.kind)), json_string(e.message),
                     e.checkpoint_id);
}

std::string checkpoint_text(const control::CheckpointRecord& c) {
  return fmt::format("{} {} {}, {} ms (alignment {} ms), {} bytes, started {}{}",
                     c.savepoint ? "savepoint" : "checkpoint", c.id, to_string(c.status),
                     c.duration_ms, c.alignment_ms, c.bytes, format_wall_time(c.started),
                     c.failure.empty() ? "" : ": " + c.failure);
}

std::string checkpoint_json(const control::CheckpointRecord& c) {
  return fmt::format(
      "{{\"id\":{},\"savepoint\":{},\"status\":{},\"started\":{},\"durationMs\":{},"
      "\"alignmentMs\":{},\"bytes\":{},\"failure\":{}}}",
      c.id, c.savepoint ? "true" : "false", json_string(to_string(c.status)), c.started,
      c.duration_ms, c.alignment_ms, c.bytes, json_string(c.failure));
}

// --- deploy ---------------------------------------------------------------------------------

struct DeployArgs {
  NodeOptions node;
  std::vector<std::string> graphs;
  control::DeployOptions options;
};

int deploy(const DeployArgs& args) {
  control::DeployRequest request;
  for (const auto& path : args.graphs) {
    request.graphs.push_back(value_or_throw(graphs::load_graph(path), path));
  }
  request.options = args.options;
  auto client = connect_to_node(args.node);
  auto outcome = value_or_throw(client->deploy(request), "");
  std::size_t errors = std::count_if(outcome.problems.begin(), outcome.problems.end(),
                                     [](auto& p) { return p.severity == graphs::Severity::Error; });
  if (args.node.json) {
    std::string problems;
    for (const auto& p : outcome.problems) {
      problems += (problems.empty() ? "" : ",") + problem_json(p);
    }
    std::cout << fmt::format("{{\"job\":{},\"problems\":[{}]}}\n",
                             outcome.job ? json_string(*outcome.job) : "null", problems);
  } else {
    for (const auto& p : outcome.problems) std::cerr << p.to_string() << '\n';
    if (outcome.job) std::cout << *outcome.job << '\n';
  }
  if (!outcome.job) {
    throw UserError(
        fmt::format("the node refused the deploy ({} problem{})", errors, errors == 1 ? "" : "s"));
  }
  return 0;
}

// --- jobs, status ---------------------------------------------------------------------------

int jobs(const NodeOptions& node) {
  auto client = connect_to_node(node);
  auto jobs = value_or_throw(client->jobs(), "");
  if (node.json) {
    std::string items;
    for (const auto& j : jobs) items += (items.empty() ? "" : ",") + summary_json(j);
    std::cout << "[" << items << "]\n";
    return 0;
  }
  std::size_t id_width = 2, name_width = 4;
  for (const auto& j : jobs) {
    id_width = std::max(id_width, j.id.size());
    name_width = std::max(name_width, j.name.size());
  }
  std::cout << fmt::format("{:<{}}  {:<{}}  {:<10}  {:<20}  {}\n", "ID", id_width, "NAME",
                           name_width, "STATE", "STARTED", "RESTARTS");
  for (const auto& j : jobs) {
    std::cout << fmt::format("{:<{}}  {:<{}}  {:<10}  {:<20}  {}\n", j.id, id_width, j.name,
                             name_width, to_string(j.state), format_wall_time(j.started),
                             j.restarts);
  }
  return 0;
}

struct JobArgs {
  NodeOptions node;
  std::string job;
};

int status(const JobArgs& args) {
  auto client = connect_to_node(args.node);
  auto detail = value_or_throw(client->status(args.job), "");
  if (args.node.json) {
    std::string restarts;
    for (const auto& r : detail.restarts) {
      restarts += (restarts.empty() ? "" : ",") +
                  fmt::format("{{\"at\":{},\"cause\":{}}}", r.at, json_string(r.cause));
    }
    std::string graph_texts;
    for (const auto& g : detail.graphs) {
      auto text = value_or_throw(graphs::encode_graph(g, graphs::GraphFormat::Json), "");
      graph_texts += (graph_texts.empty() ? "" : ",") + text;
    }
    std::string checkpoints;
    for (const auto& c : detail.checkpoints) {
      checkpoints += (checkpoints.empty() ? "" : ",") + checkpoint_json(c);
    }
    std::cout << fmt::format(
        "{{\"job\":{},\"message\":{},\"restarts\":[{}],\"lastCheckpoint\":{},"
        "\"checkpoints\":[{}],\"graphs\":[{}]}}\n",
        summary_json(detail.summary), json_string(detail.message), restarts,
        detail.last_checkpoint ? json_string(checkpoint_text(*detail.last_checkpoint)) : "null",
        checkpoints, graph_texts);
    return 0;
  }
  const auto& s = detail.summary;
  std::cout << "job:        " << s.id << " (" << s.name << ")\n"
            << "state:      " << to_string(s.state)
            << (detail.message.empty() ? "" : ": " + detail.message) << '\n'
            << "started:    " << format_wall_time(s.started) << '\n'
            << "restarts:   " << s.restarts << '\n';
  for (const auto& r : detail.restarts) {
    std::cout << "  " << format_wall_time(r.at) << "  " << r.cause << '\n';
  }
  std::cout << "checkpoint: "
            << (detail.last_checkpoint ? checkpoint_text(*detail.last_checkpoint) : "none") << '\n';
  // The most recent ones, newest first, failures with their cause.
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < detail.checkpoints.size() && i < kShown; ++i) {
    std::cout << "  " << checkpoint_text(detail.checkpoints[detail.checkpoints.size() - 1 - i])
              << '\n';
  }
  std::cout << "graphs:    ";
  for (const auto& g : detail.graphs) {
    std::cout << ' ' << g.name << " (" << g.nodes.size() << " nodes)";
  }
  std::cout << '\n';
  if (!detail.options.from_savepoint.empty()) {
    std::cout << "restored:   " << detail.options.from_savepoint << '\n';
  }
  return 0;
}

// --- stop, cancel, savepoint ------------------------------------------------------------------

struct StopArgs {
  JobArgs job;
  std::string savepoint_dir;
  bool drain = false;
};

void print_path(const NodeOptions& node, const char* key, const std::string& path) {
  if (node.json) {
    std::cout << fmt::format("{{\"{}\":{}}}\n", key, json_string(path));
  } else {
    std::cout << path << '\n';
  }
}

int stop(const StopArgs& args) {
  auto client = connect_to_node(args.job.node);
  auto path = value_or_throw(client->stop(args.job.job, args.savepoint_dir, args.drain), "");
  print_path(args.job.node, "savepoint", path);
  return 0;
}

int cancel(const JobArgs& args) {
  auto client = connect_to_node(args.node);
  value_or_throw(client->cancel(args.job), "");
  return 0;
}

int savepoint(const JobArgs& args) {
  auto client = connect_to_node(args.node);
  print_path(args.node, "savepoint", value_or_throw(client->savepoint(args.job), ""));
  return 0;
}

// --- events ---------------------------------------------------------------------------------

struct EventsArgs {
  JobArgs job;
  bool follow = false;
};

int events(const EventsArgs& args) {
  auto client = connect_to_node(args.job.node);
  std::uint64_t after = 0;
  for (;;) {
    auto batch = value_or_throw(client->events(args.job.job, after), "");
    for (const auto& e : batch) {
      if (args.job.node.json) {
        std::cout << event_json(e) << '\n';
      } else {
        std::cout << fmt::format("{:>5}  {}  {:<20}  {}\n", e.sequence, format_wall_time(e.at),
                                 to_string(e.kind), e.message);
      }
      after = e.sequence;
    }
    std::cout.flush();
    if (!args.follow) return 0;
    // Ended and nothing new since: the stream is complete.
    if (batch.empty() && ended(value_or_throw(client->status(args.job.job), "").summary.state)) {
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

// --- registration -----------------------------------------------------------------------------

CLI::App* job_command(CLI::App& app, const char* name, const char* help, JobArgs& args) {
  CLI::App* command = app.add_subcommand(name, help);
  command->add_option("JOB", args.job, "Job id (see `rivulet jobs`)")->required();
  add_node_options(command, args.node);
  return command;
}

void add_deploy(CLI::App& app, Invocation& invocation) {
  auto args = std::make_shared<DeployArgs>();
  CLI::App* command = app.add_subcommand("deploy", "Deploy graphs to a running node as one job");
  command->add_option("GRAPH", args->graphs, "Graph files, run together as one job")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--name", args->options.name, "Job name (default: the graphs' names)");
  command->add_option("--set", args->options.overrides,
                      "Override a parameter: NODE.PARAM=VALUE (repeatable)");
  auto* from = command->add_option("--from-savepoint", args->options.from_savepoint,
                                   "Start from this savepoint directory on the node");
  command
      ->add_flag("--allow-non-restored-state", args->options.allow_non_restored_state,
                 "Start even if the savepoint holds state no operator of the graph takes")
      ->needs(from);
  add_node_options(command, args->node);
  on_selected(command, invocation, [args] { return deploy(*args); });
}

void add_jobs(CLI::App& app, Invocation& invocation) {
  auto node = std::make_shared<NodeOptions>();
  CLI::App* command = app.add_subcommand("jobs", "List the jobs of a running node");
  add_node_options(command, *node);
  on_selected(command, invocation, [node] { return jobs(*node); });
}

void add_status(CLI::App& app, Invocation& invocation) {
  auto args = std::make_shared<JobArgs>();
  auto* command = job_command(app, "status", "Show one job: state, restarts, checkpoint", *args);
  on_selected(command, invocation, [args] { return status(*args); });
}

void add_stop(CLI::App& app, Invocation& invocation) {
  auto args = std::make_shared<StopArgs>();
  auto* command = job_command(app, "stop", "Stop a job with a savepoint", args->job);
  command->add_option("--savepoint", args->savepoint_dir,
                      "Savepoint directory on the node (default: under its data dir)");
  command->add_flag("--drain", args->drain, "End the sources and drain everything first");
  on_selected(command, invocation, [args] { return stop(*args); });
}

void add_cancel(CLI::App& app, Invocation& invocation) {
  auto args = std::make_shared<JobArgs>();
  auto* command = job_command(app, "cancel", "Cancel a job without a savepoint", *args);
  on_selected(command, invocation, [args] { return cancel(*args); });
}

void add_savepoint(CLI::App& app, Invocation& invocation) {
  auto args = std::make_shared<JobArgs>();
  auto* command = job_command(app, "savepoint", "Take a savepoint of a running job", *args);
  on_selected(command, invocation, [args] { return savepoint(*args); });
}

void add_events(CLI::App& app, Invocation& invocation) {
  auto args = std::make_shared<EventsArgs>();
  auto* command = job_command(app, "events", "Show a job's events", args->job);
  command->add_flag("--follow", args->follow, "Keep showing new events until the job ends");
  on_selected(command, invocation, [args] { return events(*args); });
}

const CommandRegistration deploy_registration{"deploy", &add_deploy};
const CommandRegistration jobs_registration{"jobs", &add_jobs};
const CommandRegistration status_registration{"status", &add_status};
const CommandRegistration stop_registration{"stop", &add_stop};
const CommandRegistration cancel_registration{"cancel", &add_cancel};
const CommandRegistration savepoint_registration{"savepoint", &add_savepoint};
const CommandRegistration events_registration{"events", &add_events};

}  // namespace
}  // namespace rivulet::cli
