#pragma once
// window_aggregate: Per key, aggregates records in tumbling, sliding or session event-time
// windows.

#include "graphs/catalog.hpp"
#include "operators/window_aggregate_operator.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec window_aggregate_spec();
// The runtime implementation (window_aggregate_operator.hpp).
runtime::OperatorFactory window_aggregate_factory();
// The operator's options from a node's parameters; errors name the node and the parameter.
graphs::Result<WindowAggregateOptions> window_aggregate_options(
    const runtime::OperatorBuildContext& context);

}  // namespace rivulet::operators
