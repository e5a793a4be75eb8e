#pragma once
// file_sink: Writes records to a file as JSON lines (or CSV).

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec file_sink_spec();

}  // namespace rivulet::operators
