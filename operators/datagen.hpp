#pragma once
// datagen: Generates synthetic records of a declared schema at a given rate, for demos,
// tests and benchmarks without a Kafka cluster. The values come from operators/generators/.

#include <memory>

#include "graphs/catalog.hpp"
#include "graphs/result.hpp"
#include "operators/generators/clock.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec datagen_spec();
// The runtime implementation (on the system clock).
runtime::OperatorFactory datagen_factory();

// One instance on the given clock: tests drive the rate limiter with simulated time.
graphs::Result<std::unique_ptr<runtime::SourceOperator>> make_datagen(
    const runtime::OperatorBuildContext& context, std::shared_ptr<generators::Clock> clock);

}  // namespace rivulet::operators
