#pragma once
// project: Keeps only the listed fields or expressions, in the listed order.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec project_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory project_factory();

}  // namespace rivulet::operators
