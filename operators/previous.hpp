#pragma once
// `previous`: each record paired with its key's previous record in event-time order — a per-key
// pattern over consecutive events (impossible travel between two transactions of a card, pages
// viewed one after another in a session).

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec previous_spec();
runtime::OperatorFactory previous_factory();

}  // namespace rivulet::operators
