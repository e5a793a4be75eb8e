#pragma once
// kafka_sink: Writes records to a Kafka topic, at least once or exactly once (transactions
// committed when a checkpoint completes).

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec kafka_sink_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory kafka_sink_factory();

}  // namespace rivulet::operators
