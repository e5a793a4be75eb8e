// `rivulet generate NAME`: writes a use case's events to Kafka — the generator source of the
// catalog for NAME (clickstream, fraud, iot, logs, or any generator kind by its name) wired to a
// kafka_sink keyed by the events' entity (their first field), and its malformed messages, when
// asked for, to the same topic through a raw sink. It runs like `rivulet run`: a live table,
// Ctrl-C stops, --count ends it; without --bootstrap on the embedded broker, with the records
// shown (they vanish with the process, so it is a way to look at the events).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/builtin_operators.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/run_command.hpp"

namespace rivulet::cli {
namespace {

struct UseCase {
  std::string kind;
  std::string topic;  // the topic the use case's example graph reads
};

// The use cases' short names; any other name is taken as a generator kind.
const std::map<std::string, UseCase>& use_cases() {
  static const std::map<std::string, UseCase> cases = {
      {"clickstream", {"clickstream_events", "page-views"}},
      {"fraud", {"card_transactions", "transactions"}},
      {"iot", {"sensor_readings", "sensor-readings"}},
      {"logs", {"service_logs", "service-logs"}},
  };
  return cases;
}

struct GenerateArguments {
  std::string name;
  double rate = 0;  // 0: the generator's default
  std::int64_t count = 0;
  std::int64_t seed = 1;
  double speedup = 1;
  double malformed_rate = 0;
  std::string bootstrap;
  std::string topic;
  std::int64_t parallelism = 1;
  std::vector<std::string> sets;
  double for_seconds = 0;
  bool quiet = false;
};

graphs::Node node(std::string id, std::string kind, std::uint32_t parallelism, double x) {
  graphs::Node n;
  n.id = std::move(id);
  n.kind = std::move(kind);
  n.parallelism = parallelism;
  n.position = {x, 120};
  return n;
}

graphs::Edge edge(const std::string& from, const std::string& port, const std::string& to) {
  graphs::Edge e;
  e.from = {from, port};
  e.to = {to, "in"};
  return e;
}

graphs::Graph generator_graph(const GenerateArguments& args, const UseCase& use_case,
                              const graphs::OperatorSpec& spec) {
  const graphs::Schema& events = spec.outputs.front().schema.fields;
  graphs::Graph graph;
  graph.name = "generate-" + args.name;
  graph.description = "rivulet generate " + args.name + " -> topic " + use_case.topic;
  const auto parallelism = static_cast<std::uint32_t>(args.parallelism);
  graphs::Node generator = node("generator", use_case.kind, parallelism, 0);
  if (args.rate > 0) generator.set_parameter("rate", args.rate);
  generator.set_parameter("count", args.count);
  generator.set_parameter("seed", args.seed);
  generator.set_parameter("speedup", args.speedup);
  generator.set_parameter("malformed_probability", args.malformed_rate);
  graphs::Node sink = node("events", "kafka_sink", parallelism, 260);
  sink.set_parameter("topic", use_case.topic);
  sink.set_parameter("key_fields", graphs::StringList{events.front().name});
  sink.set_parameter("delivery", std::string("at_least_once"));
  graph.nodes = {generator, sink};
  graph.edges = {edge("generator", "out", "events")};
  if (args.malformed_rate > 0) {
    graphs::Node broken = node("malformed_events", "kafka_sink", parallelism, 260);
    broken.position.y = 240;
    broken.set_parameter("topic", use_case.topic);
    broken.set_parameter("format", std::string("raw"));
    broken.set_parameter("delivery", std::string("at_least_once"));
    graph.nodes.push_back(broken);
    graph.edges.push_back(edge("generator", "malformed", "malformed_events"));
  }
  return graph;
}

int generate(const GenerateArguments& args) {
  UseCase use_case{args.name, ""};
  if (const auto known = use_cases().find(args.name); known != use_cases().end()) {
    use_case = known->second;
  }
  const graphs::OperatorSpec* spec = runtime::builtin_operators().find(use_case.kind);
  const bool generator = spec && spec->category == "source" && spec->outputs.size() == 2 &&
                         spec->outputs[1].name == "malformed" &&
                         spec->outputs[0].schema.kind == graphs::SchemaRuleKind::Fixed &&
                         !spec->outputs[0].schema.fields.empty();
  if (!generator) {
    std::string names;
    for (const auto& [name, known] : use_cases()) names += (names.empty() ? "" : ", ") + name;
    throw UserError("'" + args.name + "' is not a generator: use one of " + names +
                    ", or the kind of a generator source");
  }
  if (!args.topic.empty()) use_case.topic = args.topic;
  if (use_case.topic.empty()) use_case.topic = use_case.kind;
  LocalRun run;
  run.graphs = {generator_graph(args, use_case, *spec)};
  run.graph_names = {"rivulet generate " + args.name};
  run.bootstrap = args.bootstrap;
  for (const std::string& set : args.sets) run.sets.push_back("generator." + set);
  run.for_seconds = args.for_seconds;
  run.quiet = args.quiet;
  if (args.bootstrap.empty()) run.show = {use_case.topic};  // otherwise nobody would see them
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
      ->add_option("--rate", args->rate,
                   "Events per second of event time (default: the generator's, 200)")
      ->check(CLI::PositiveNumber);
  command->add_option("--count", args->count, "Events in total, then stop (default: unbounded)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--seed", args->seed, "Random seed: the same seed gives the same events");
  command
      ->add_option("--speedup", args->speedup,
                   "Event time against the wall clock: 1 real time (default), 10 ten times "
                   "faster, 0 as fast as possible")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--malformed-rate", args->malformed_rate,
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
  command->footer(
      "Each event carries the pattern it belongs to in its 'pattern' field (empty for ordinary "
      "events), so results can be checked against what was injected.");
  on_selected(command, invocation, [args] { return generate(*args); });
}

const CommandRegistration registration{"generate", &add_generate_command};

}  // namespace
}  // namespace rivulet::cli
