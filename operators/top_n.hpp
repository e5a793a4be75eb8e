#pragma once
// top_n: Per key and tumbling event-time window, the N first records by an order field.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec top_n_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory top_n_factory();

}  // namespace rivulet::operators
