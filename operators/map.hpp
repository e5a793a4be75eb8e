#pragma once
// map: Computes fields from expressions, adding them to (or replacing them in) the record.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec map_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory map_factory();

}  // namespace rivulet::operators
