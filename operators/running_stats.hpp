#pragma once
// `running_stats`: per key, the mean and standard deviation of a numeric field over the key's
// recent records, and each record's z-score against them (k-sigma anomaly scoring).

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec running_stats_spec();
runtime::OperatorFactory running_stats_factory();

}  // namespace rivulet::operators
