#pragma once
// alert: Per key, raises an alert when a rule fires (count in a window, or a threshold).

#include "graphs/catalog.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

graphs::OperatorSpec alert_spec();
// The runtime implementation; monostate until the kind is implemented.
runtime::OperatorFactory alert_factory();

}  // namespace rivulet::operators
