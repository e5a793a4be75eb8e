#pragma once
// file_source: Reads JSON-lines (or CSV) records from a file, once or following appends.

#include "graphs/catalog.hpp"
#include "operators/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec file_source_spec();
// The runtime implementation; monostate until the kind is implemented.
OperatorFactory file_source_factory();

}  // namespace rivulet::operators
