#pragma once
// `absence`: per key, one record when the key has been silent for a timeout of event time
// (missing-device detection), by event-time timers on either state backend.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec absence_spec();
runtime::OperatorFactory absence_factory();

}  // namespace rivulet::operators
