#pragma once
// map: Computes fields from expressions, adding them to (or replacing them in) the record.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec map_spec();

}  // namespace rivulet::operators
