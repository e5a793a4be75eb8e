#pragma once
// dedup: Drops records whose key was already seen within a time horizon.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec dedup_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory dedup_factory();

}  // namespace rivulet::operators
