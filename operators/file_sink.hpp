#pragma once
// file_sink: Writes records to a file as JSON lines (or CSV).

#include "graphs/catalog.hpp"
#include "operators/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec file_sink_spec();
// The runtime implementation; monostate until the kind is implemented.
OperatorFactory file_sink_factory();

}  // namespace rivulet::operators
