#pragma once
// The source operator every use-case generator shares: it drives a ScenarioModel and adds what
// real event streams have and pipelines must cope with —
// - bounded disorder: each event's time is moved back by up to max_out_of_orderness, and the
//   watermark trails the latest true event time by that much (plus 1 ms);
// - a few late events (late_probability): moved back further, behind the watermark;
// - malformed messages (malformed_probability): the event is emitted on the `malformed` output
//   instead, as a broken message (truncated JSON, a wrong type, or not JSON at all) for a raw
//   Kafka sink, so a pipeline's dead-letter handling can be checked exactly;
// - pacing in event time: at speedup 1 events are emitted when their event time comes (rate
//   events per second), at speedup k k times faster, at 0 as fast as downstream accepts.
// The checkpointed state is the number of events emitted; a restore rebuilds the model and
// advances it that far (the model is deterministic), so a restore replays exactly.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/result.hpp"
#include "operators/generators/clock.hpp"
#include "operators/scenarios/scenario_model.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/operator.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators::scenarios {

// Builds a fresh model of one instance (called again on restore).
using ModelBuilder = std::function<std::unique_ptr<ScenarioModel>()>;
// Reads the model's own parameters of the graph once (errors name the parameter) and returns
// the builder of the instance's model for the shared ScenarioConfig.
using ModelFactory = std::function<graphs::Result<ModelBuilder>(
    const runtime::OperatorBuildContext& context, const ScenarioConfig& config)>;

// The spec of a generator kind: `model_parameters` are the model's own; the shared ones
// (rate, speedup, count, seed, start_time, max_out_of_orderness, late_probability,
// malformed_probability, pattern_scale) are added here. Outputs: "out" with `schema` and
// "malformed" with one string field "payload".
graphs::OperatorSpec scenario_spec(std::string kind, std::string description, graphs::Schema schema,
                                   std::vector<spec::Param> model_parameters, double default_rate);

graphs::Result<std::unique_ptr<runtime::SourceOperator>> make_scenario_source(
    const runtime::OperatorBuildContext& context, const ModelFactory& model,
    std::shared_ptr<generators::Clock> clock);

runtime::OperatorFactory scenario_factory(ModelFactory model);

}  // namespace rivulet::operators::scenarios
