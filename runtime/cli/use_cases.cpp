#include "runtime/cli/use_cases.hpp"

namespace rivulet::cli {
namespace {

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

}  // namespace

const std::vector<UseCase>& use_cases() {
  static const std::vector<UseCase> cases = {
      {"clickstream", "clickstream_events", "page-views", "clickstream/clickstream.json"},
      {"fraud", "card_transactions", "transactions", "card-fraud/card-fraud.json"},
      {"iot", "sensor_readings", "sensor-readings", "iot-sensors/iot-sensors.json"},
      {"logs", "service_logs", "service-logs", "log-analysis/log-analysis.json"},
  };
  return cases;
}

const UseCase* find_use_case(const std::string& name) {
  for (const UseCase& use_case : use_cases()) {
    if (use_case.name == name) return &use_case;
  }
  return nullptr;
}

std::string use_case_names() {
  std::string names;
  for (const UseCase& use_case : use_cases()) names += (names.empty() ? "" : ", ") + use_case.name;
  return names;
}

bool is_generator(const graphs::OperatorSpec& spec) {
  return spec.category == "source" && spec.outputs.size() == 2 &&
         spec.outputs[1].name == "malformed" &&
         spec.outputs[0].schema.kind == graphs::SchemaRuleKind::Fixed &&
         !spec.outputs[0].schema.fields.empty();
}

graphs::Graph generator_graph(const std::string& name, const std::string& topic,
                              const graphs::OperatorSpec& spec, const GeneratorSettings& settings) {
  const graphs::Schema& events = spec.outputs.front().schema.fields;
  graphs::Graph graph;
  graph.name = "generate-" + name;
  graph.description = "rivulet generate " + name + " -> topic " + topic;
  graphs::Node generator = node("generator", spec.kind, settings.parallelism, 0);
  if (settings.rate > 0) generator.set_parameter("rate", settings.rate);
  generator.set_parameter("count", settings.count);
  generator.set_parameter("seed", settings.seed);
  generator.set_parameter("speedup", settings.speedup);
  generator.set_parameter("malformed_probability", settings.malformed_rate);
  graphs::Node sink = node("events", "kafka_sink", settings.parallelism, 260);
  sink.set_parameter("topic", topic);
  sink.set_parameter("key_fields", graphs::StringList{events.front().name});
  sink.set_parameter("delivery", std::string("at_least_once"));
  graph.nodes = {generator, sink};
  graph.edges = {edge("generator", "out", "events")};
  if (settings.malformed_rate > 0) {
    graphs::Node broken = node("malformed_events", "kafka_sink", settings.parallelism, 260);
    broken.position.y = 240;
    broken.set_parameter("topic", topic);
    broken.set_parameter("format", std::string("raw"));
    broken.set_parameter("delivery", std::string("at_least_once"));
    graph.nodes.push_back(broken);
    graph.edges.push_back(edge("generator", "malformed", "malformed_events"));
  }
  return graph;
}

}  // namespace rivulet::cli
