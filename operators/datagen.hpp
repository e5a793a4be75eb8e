#pragma once
// datagen: Generates synthetic records of a declared schema at a given rate, for demos,
// tests and benchmarks without a Kafka cluster.

#include "graphs/catalog.hpp"
#include "operators/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec datagen_spec();
// The runtime implementation; monostate until the kind is implemented.
OperatorFactory datagen_factory();

}  // namespace rivulet::operators
