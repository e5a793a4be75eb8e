#pragma once
// window_aggregate: Per key, aggregates records in tumbling, sliding or session event-time
// windows.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec window_aggregate_spec();

}  // namespace rivulet::operators
