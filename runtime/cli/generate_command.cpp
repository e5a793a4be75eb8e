// `rivulet generate NAME`: writes a use case's events to Kafka — the generator source of the
// catalog for NAME (clickstream, fraud, iot, logs, or any generator kind by its name) wired to a
// kafka_sink keyed by the events' entity (their first field), and its malformed messages, when
// asked for, to the same topic through a raw sink. It runs like `rivulet run`: a live table,
// Ctrl-C stops, --count ends it; without --bootstrap on the embedded broker, with the records
// shown (they vanish with the process, so it is a way to look at the events).

#include <memory>
#include <string>
#include <vector>

#include "graphs/graph_io.hpp"
#include "runtime/builtin_operators.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/run_command.hpp"
#include "runtime/cli/use_cases.hpp"
#include "runtime/parameter_overrides.hpp"

namespace rivulet::cli {
namespace {

struct GenerateArguments {
  std::string name;
  GeneratorSettings settings;
  std::int64_t parallelism = 1;
  std::string bootstrap;
  std::string topic;
  std::vector<std::string> sets;
  double for_seconds = 0;
  bool quiet = false;
  std::string save_graph;  // write the generator graph here instead of running it
};

// --save-graph: the graph with the --set values in it, for `rivulet deploy` to a node.
int save_generator_graph(graphs::Graph graph, const GenerateArguments& args) {
  if (!args.bootstrap.empty()) {
    for (graphs::Node& node : graph.nodes) {
      if (node.kind == "kafka_sink") node.set_parameter("bootstrap_servers", args.bootstrap);
    }
  }
  std::vector<runtime::ParameterOverride> overrides;
  for (const std::string& set : args.sets) {
    overrides.push_back(value_or_throw(runtime::parse_override("generator." + set), "--set"));
  }
  std::vector<graphs::Graph> graphs{std::move(graph)};
  if (auto applied =
          runtime::apply_overrides(graphs, overrides, runtime::builtin_operators().catalog());
      !applied) {
    throw UserError("--set: " + applied.error().message);
  }
  if (auto saved = graphs::save_graph(graphs.front(), args.save_graph); !saved) {
    throw UserError(args.save_graph + ": " + saved.error().message);
  }
  return 0;
}

int generate(const GenerateArguments& args) {
  const UseCase* use_case = find_use_case(args.name);
  const std::string kind = use_case ? use_case->kind : args.name;
  const graphs::OperatorSpec* spec = runtime::builtin_operators().find(kind);
  if (!spec || !is_generator(*spec)) {
    throw UserError("'" + args.name + "' is not a generator: use one of " + use_case_names() +
                    ", or the kind of a generator source");
  }
  std::string topic = args.topic;
  if (topic.empty()) topic = use_case ? use_case->topic : kind;
  GeneratorSettings settings = args.settings;
  settings.parallelism = static_cast<std::uint32_t>(args.parallelism);
  graphs::Graph graph = generator_graph(args.name, topic, *spec, settings);
  if (!args.save_graph.empty()) return save_generator_graph(std::move(graph), args);
  LocalRun run;
  run.graphs = {std::move(graph)};
  run.graph_names = {"rivulet generate " + args.name};
  run.bootstrap = args.bootstrap;
  for (const std::string& set : args.sets) run.sets.push_back("generator." + set);
  run.for_seconds = args.for_seconds;
  run.quiet = args.quiet;
  if (args.bootstrap.empty()) run.show = {topic};  // otherwise nobody would see them
  return run_locally(run);
}

void add_generate_command(CLI::App& app, Invocation& invocation) {
  CLI::App* command = app.add_subcommand(
      "generate", "Write a use case's events (clickstream, fraud, iot, logs) to Kafka");
  auto args = std::make_shared<GenerateArguments>();
  command
      ->add_option("NAME", args->name,
                   "clickstream, fraud, iot or logs (or the kind of a generator source)")
      ->required();
  command
      ->add_option("--rate", args->settings.rate,
                   "Events per second of event time (default: the generator's, 200)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--count", args->settings.count,
                   "Events in total, then stop (default: unbounded)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--seed", args->settings.seed,
                      "Random seed: the same seed gives the same events");
  command
      ->add_option("--speedup", args->settings.speedup,
                   "Event time against the wall clock: 1 real time (default), 10 ten times "
                   "faster, 0 as fast as possible")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--malformed-rate", args->settings.malformed_rate,
                   "Fraction of events replaced by malformed messages on the same topic")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--bootstrap", args->bootstrap,
                      "Kafka bootstrap servers (default: the embedded broker, records shown)");
  command->add_option("--topic", args->topic, "Topic to write (default: the use case's)");
  command->add_option("--parallelism", args->parallelism, "Generator instances")
      ->check(CLI::Range(1, 64));
  command->add_option("--set", args->sets,
                      "Set another generator parameter, PARAM=VALUE (e.g. pattern_scale=10, "
                      "cards=5000; see `rivulet catalog list`) (repeatable)");
  command->add_option("--for", args->for_seconds, "Stop after SECONDS")->check(CLI::PositiveNumber);
  command->add_flag("--quiet", args->quiet, "No live table");
  command->add_option("--save-graph", args->save_graph,
                      "Write the generator graph to FILE (.json, .rgraph) instead of running it, "
                      "e.g. to `rivulet deploy` it to a node (its sinks use --bootstrap, else the "
                      "node's broker)");
  command->footer(
      "Each event carries the pattern it belongs to in its 'pattern' field (empty for ordinary "
      "events), so results can be checked against what was injected.");
  on_selected(command, invocation, [args] { return generate(*args); });
}

const CommandRegistration registration{"generate", &add_generate_command};

}  // namespace
}  // namespace rivulet::cli
