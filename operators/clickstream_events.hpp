#pragma once
// `clickstream_events`: the clickstream use case's generator (operators/scenarios/
// clickstream_model.hpp), a source of labelled page views.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec clickstream_events_spec();
runtime::OperatorFactory clickstream_events_factory();

}  // namespace rivulet::operators
