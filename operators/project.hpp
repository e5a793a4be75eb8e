#pragma once
// project: Keeps only the listed fields or expressions, in the listed order.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec project_spec();

}  // namespace rivulet::operators
