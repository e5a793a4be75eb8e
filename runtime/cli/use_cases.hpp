#pragma once
// The four use cases by their short names (`rivulet generate NAME`, `rivulet demo NAME`): the
// generator source that makes their events, the topic their example graph reads, and that graph
// (examples/<dir>/<dir>.json, built into the binary: example_graphs.hpp).

#include <cstdint>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::cli {

struct UseCase {
  std::string name;     // "fraud"
  std::string kind;     // the generator source: "card_transactions"
  std::string topic;    // what the generator writes and the example graph reads
  std::string example;  // the example graph, relative to examples/: "card-fraud/card-fraud.json"
};

const std::vector<UseCase>& use_cases();
const UseCase* find_use_case(const std::string& name);
std::string use_case_names();  // "clickstream, fraud, iot, logs"

// A catalog spec is a use-case generator when it is a source with an event output of fixed
// fields and a `malformed` output (operators/scenarios/).
bool is_generator(const graphs::OperatorSpec& spec);

// What a generator graph is asked for (the options of `rivulet generate`).
struct GeneratorSettings {
  double rate = 0;  // 0: the generator's default
  std::int64_t count = 0;
  std::int64_t seed = 1;
  double speedup = 1;
  double malformed_rate = 0;
  std::uint32_t parallelism = 1;
};

// The generator source (node id "generator") wired to a kafka_sink writing `topic`, keyed by
// the events' first field, and, with a malformed rate, its malformed messages to the same topic
// through a raw sink.
graphs::Graph generator_graph(const std::string& name, const std::string& topic,
                              const graphs::OperatorSpec& spec, const GeneratorSettings& settings);

}  // namespace rivulet::cli
