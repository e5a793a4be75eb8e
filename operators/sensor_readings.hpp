#pragma once
// `sensor_readings`: the IoT use case's generator (operators/scenarios/
// sensor_readings_model.hpp), a source of labelled sensor readings.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec sensor_readings_spec();
runtime::OperatorFactory sensor_readings_factory();

}  // namespace rivulet::operators
