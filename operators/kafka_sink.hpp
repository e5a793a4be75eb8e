#pragma once
// kafka_sink: Writes records to a Kafka topic, at least once or exactly once (transactions
// committed when a checkpoint completes).

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec kafka_sink_spec();

}  // namespace rivulet::operators
