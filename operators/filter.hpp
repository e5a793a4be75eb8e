#pragma once
// filter: Keeps the records for which a boolean expression is true.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec filter_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory filter_factory();

}  // namespace rivulet::operators
