#pragma once
// Internal to the validator: parameter presence, value types, ranges and allowed values — all
// that can be checked without knowing record schemas.

#include <string>
#include <vector>

#include "graphs/validation_context.hpp"

namespace rivulet::graphs::validation {

void check_parameters(Context& context);

// Whether `value` holds the variant that parameters of `type` take (an integer is accepted
// where a float is expected).
bool value_fits(ParameterType type, const Value& value);

// What is wrong with a declared schema: empty or repeated field names, no fields at all.
std::vector<std::string> schema_problems(const Schema& schema);

// The value a node's parameter effectively has: the node's own (first) setting, else the
// spec's default.
struct ParameterValue {
  enum class State { Absent, Valid, IllTyped } state = State::Absent;
  const Value* value = nullptr;  // Valid only
};
ParameterValue effective_value(const Node& node, const ParameterSpec& spec);

}  // namespace rivulet::graphs::validation
