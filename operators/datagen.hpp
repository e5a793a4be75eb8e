#pragma once
// datagen: Generates synthetic records of a declared schema at a given rate, for demos,
// tests and benchmarks without a Kafka cluster.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec datagen_spec();

}  // namespace rivulet::operators
