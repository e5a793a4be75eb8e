#pragma once
// window_join: Joins two keyed streams on their keys within tumbling event-time windows.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec window_join_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory window_join_factory();

}  // namespace rivulet::operators
