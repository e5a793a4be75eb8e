#pragma once
// key_by: Partitions a stream by key fields; the keyed stream feeds stateful operators.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec key_by_spec();

}  // namespace rivulet::operators
