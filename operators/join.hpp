#pragma once
// `join`: two keyed streams joined record by record, as Flink's regular (unbounded) and
// interval joins — the joins of Nexmark's q3 (auctions ⋈ persons) and q4 / q8.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec join_spec();
runtime::OperatorFactory join_factory();

}  // namespace rivulet::operators
