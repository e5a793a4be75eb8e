// `rivulet demo NAME`: a use case end to end in one process — the embedded Kafka broker, the
// use case's generator writing its topic (`rivulet generate NAME`'s graph) and the use case's
// example graph (examples/<dir>/, compiled into the binary) reading it, run together like
// `rivulet run`: the live table of every operator and, under it, the records arriving on the
// example graph's output topics (read_committed, so exactly-once results appear once, when
// their checkpoint completes). Event time runs --speedup times faster than the wall clock, so
// one-minute windows close every few seconds. Checkpoints go to a temporary directory (the
// broker's data vanishes with the process too).

#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "graphs/graph_io.hpp"
#include "runtime/builtin_operators.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/example_graphs.hpp"
#include "runtime/cli/run_command.hpp"
#include "runtime/cli/use_cases.hpp"

namespace rivulet::cli {
namespace {

struct DemoArguments {
  DemoArguments() {
    settings.speedup = 10;
    settings.malformed_rate = 0.002;
  }
  std::string name;
  GeneratorSettings settings;
  std::string graph_file;  // instead of the built-in example
  std::vector<std::string> sets;
  double for_seconds = 0;
  bool quiet = false;
};

graphs::Graph example_graph(const UseCase& use_case, const std::string& graph_file) {
  if (!graph_file.empty()) return value_or_throw(graphs::load_graph(graph_file), graph_file);
  const ExampleGraph* example = find_example_graph(use_case.example);
  if (!example) {
    throw UserError("this build of rivulet has no example graph examples/" + use_case.example +
                    " for '" + use_case.name + "'; pass one with --graph FILE");
  }
  return value_or_throw(graphs::decode_graph(example->json, graphs::GraphFormat::Json),
                        "examples/" + use_case.example);
}

// The topics the example graph writes, in the order of its nodes.
std::vector<std::string> output_topics(const graphs::Graph& graph) {
  std::vector<std::string> topics;
  std::set<std::string> seen;
  for (const graphs::Node& node : graph.nodes) {
    if (node.kind != "kafka_sink") continue;
    const graphs::Value* topic = node.parameter("topic");
    const auto* name = topic ? std::get_if<std::string>(topic) : nullptr;
    if (name && seen.insert(*name).second) topics.push_back(*name);
  }
  return topics;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

int demo(const DemoArguments& args) {
  const UseCase* use_case = find_use_case(args.name);
  if (!use_case) {
    throw UserError("no use case '" + args.name + "': use one of " + use_case_names());
  }
  const graphs::OperatorSpec* spec = runtime::builtin_operators().find(use_case->kind);
  if (!spec || !is_generator(*spec)) {
    throw UserError("the generator '" + use_case->kind + "' is not in this build");
  }
  graphs::Graph pipeline = example_graph(*use_case, args.graph_file);
  const std::vector<std::string> outputs = output_topics(pipeline);
  const std::string pipeline_name =
      args.graph_file.empty() ? "examples/" + use_case->example : args.graph_file;
  if (!args.quiet) {
    std::cerr << "rivulet demo " << use_case->name << ": " << use_case->kind << " -> topic "
              << use_case->topic << " -> " << pipeline_name << " -> "
              << (outputs.empty() ? "(no output topic)" : joined(outputs)) << '\n';
  }
  LocalRun run;
  run.graphs = {generator_graph(use_case->name, use_case->topic, *spec, args.settings),
                std::move(pipeline)};
  run.graph_names = {"rivulet generate " + use_case->name, pipeline_name};
  run.sets = args.sets;
  run.for_seconds = args.for_seconds;
  run.show = outputs;
  run.quiet = args.quiet;
  return run_locally(run);
}

void add_demo_command(CLI::App& app, Invocation& invocation) {
  CLI::App* command = app.add_subcommand(
      "demo", "Run a use case (clickstream, fraud, iot, logs) end to end on the embedded broker");
  auto args = std::make_shared<DemoArguments>();
  command->add_option("NAME", args->name, "clickstream, fraud, iot or logs")->required();
  command
      ->add_option("--speedup", args->settings.speedup,
                   "Event time against the wall clock (default 10: a minute every 6 s)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--rate", args->settings.rate,
                   "Events per second of event time (default: the generator's, 200)")
      ->check(CLI::PositiveNumber);
  command->add_option("--seed", args->settings.seed, "Random seed of the generator");
  command
      ->add_option("--malformed-rate", args->settings.malformed_rate,
                   "Fraction of malformed messages (default 0.002: they go to the dead letters)")
      ->check(CLI::Range(0.0, 1.0));
  command
      ->add_option("--count", args->settings.count,
                   "Events in total; the pipeline keeps running (default: unbounded)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--graph", args->graph_file,
                      "Run this graph (e.g. an edited copy of the example) instead of the "
                      "built-in one; it must read the use case's topic");
  command->add_option("--set", args->sets,
                      "Set a parameter, NODE.PARAM=VALUE (the generator's node is 'generator', "
                      "e.g. generator.pattern_scale=10) (repeatable)");
  command->add_option("--for", args->for_seconds, "Stop after SECONDS")->check(CLI::PositiveNumber);
  command->add_flag("--quiet", args->quiet, "No live table; only the output records");
  command->footer(
      "Every event carries the pattern it belongs to in its 'pattern' field, so each alert "
      "shows what was injected. The example graphs and what they compute: examples/*/README.md.");
  on_selected(command, invocation, [args] { return demo(*args); });
}

const CommandRegistration registration{"demo", &add_demo_command};

}  // namespace
}  // namespace rivulet::cli
