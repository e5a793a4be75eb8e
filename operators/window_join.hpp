#pragma once
// window_join: Joins two keyed streams on their keys within tumbling event-time windows.

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec window_join_spec();

}  // namespace rivulet::operators
