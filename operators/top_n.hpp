#pragma once
// top_n: Per key and tumbling event-time window, the N first records by an order field.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec top_n_spec();

}  // namespace rivulet::operators
