#pragma once
// alert: Per key, raises an alert when a rule fires (count in a window, or a threshold).

#include "graphs/catalog.hpp"

namespace rivulet::operators {

graphs::OperatorSpec alert_spec();

}  // namespace rivulet::operators
