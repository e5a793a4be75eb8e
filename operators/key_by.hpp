#pragma once
// key_by: Partitions a stream by key fields; the keyed stream feeds stateful operators.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec key_by_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory key_by_factory();

}  // namespace rivulet::operators
