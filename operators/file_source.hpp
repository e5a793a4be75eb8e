#pragma once
// file_source: Reads JSON-lines (or CSV) records from a file, once or following appends.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec file_source_spec();

}  // namespace rivulet::operators
