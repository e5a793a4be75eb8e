#pragma once
// filter: Keeps the records for which a boolean expression is true.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec filter_spec();

}  // namespace rivulet::operators
