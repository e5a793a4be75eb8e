#pragma once
// window_aggregate: Per key, aggregates records in tumbling, sliding or session event-time
// windows.

#include "graphs/catalog.hpp"
#include "operators/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec window_aggregate_spec();
// The runtime implementation; monostate until the kind is implemented.
OperatorFactory window_aggregate_factory();

}  // namespace rivulet::operators
