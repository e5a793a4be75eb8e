#pragma once
// A use-case simulation (clickstream, card transactions, sensors, service logs): the events of
// one generator instance in event-time order, with patterns injected at known places and each
// event labelled with the pattern it belongs to (its `pattern` field, "" for ordinary events), so
// that a test can check a pipeline's findings against what was injected.
//
// ScenarioSource (scenario_source.hpp) drives a model: it asks for the next event, applies the
// bounded disorder and the few late events, paces them, turns some into malformed messages and
// checkpoints the number of events emitted. A model is a pure function of its configuration:
// constructed again and advanced n times, it is where it was after n events (restore relies on
// it).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "graphs/graph.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::scenarios {

struct ScenarioConfig {
  std::uint64_t seed = 1;
  // Events per second of event time over all instances (each instance simulates its share of
  // the entities at rate / parallelism).
  double rate = 200;
  std::int64_t start_time_ms = 0;  // event time of the simulation's start
  std::uint32_t subtask_index = 0;
  std::uint32_t parallelism = 1;
  // How much more often than by default the model injects its patterns (0: never).
  double pattern_scale = 1.0;
};

class ScenarioModel {
 public:
  virtual ~ScenarioModel() = default;
  // The events' fields; the model writes every one of them.
  virtual const graphs::Schema& schema() const = 0;
  // Index of the event-time field in schema().
  virtual std::size_t time_field() const = 0;
  // Index of the field that identifies the entity (user, card, device, service): the Kafka key.
  virtual std::size_t key_field() const = 0;
  // Moves to the next event and returns its true event time (never less than the previous).
  virtual std::int64_t advance() = 0;
  // Appends the current event's fields (not end_row), its time field set to `event_time_ms`
  // (the true time, or earlier when the source applies disorder).
  virtual void write(runtime::BatchBuilder& out, std::int64_t event_time_ms) const = 0;
};

}  // namespace rivulet::operators::scenarios
