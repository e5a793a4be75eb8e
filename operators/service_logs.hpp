#pragma once
// `service_logs`: the log-analysis use case's generator (operators/scenarios/
// service_logs_model.hpp), a source of labelled log lines.

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec service_logs_spec();
runtime::OperatorFactory service_logs_factory();

}  // namespace rivulet::operators
