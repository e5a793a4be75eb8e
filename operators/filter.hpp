#pragma once
// filter: Keeps the records for which a boolean expression is true.

#include "graphs/catalog.hpp"
#include "operators/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec filter_spec();
// The runtime implementation; monostate until the kind is implemented.
OperatorFactory filter_factory();

}  // namespace rivulet::operators
