#pragma once
// Internal to the validator: rules about the graph's runtime section (checkpoints, restarts).

#include "graphs/validation_context.hpp"

namespace rivulet::graphs::validation {

// Negative intervals and delays, zero retention, multipliers below 1 (or not finite).
void check_runtime(Context& context);

}  // namespace rivulet::graphs::validation
