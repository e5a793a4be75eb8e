#pragma once
// kafka_source: Reads records from Kafka topics with per-partition event-time watermarks;
// its state is the partition offsets, so a restore rewinds the partitions.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec kafka_source_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory kafka_source_factory();

}  // namespace rivulet::operators
