#pragma once
// Conditional parameters (ParameterSpec::applies_when): whether a parameter applies to a node
// given its other settings. The validator, the editor's inspector and its saved graphs use the
// same rule, so a parameter hidden in the editor is also one the CLI validator ignores.

#include <optional>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::graphs {

// Whether `parameter` of `op` applies to a node with these settings: its condition's
// parameter has (as set, else by default) one of the listed values, and applies itself.
bool parameter_applies(const OperatorSpec& op, const ParameterSpec& parameter,
                       const std::vector<Parameter>& settings);

// Why a parameter does not apply, for warnings and tooltips:
// "it applies only when window is 'sliding' (window is 'tumbling')". Empty when it applies.
std::string why_not_applicable(const OperatorSpec& op, const ParameterSpec& parameter,
                               const std::vector<Parameter>& settings);

// `settings` without the parameters of `op` that do not apply (unknown names are kept: they
// are the validator's to report). Order is kept.
std::vector<Parameter> without_inapplicable(const OperatorSpec& op,
                                            std::vector<Parameter> settings);

// What is wrong with a parameter's condition as declared in a catalog: it names no other
// parameter of the operator, one that cannot be compared as text, values the parameter cannot
// take, no values, or a cycle. Nullopt when the condition is fine (or there is none).
std::optional<std::string> condition_problem(const OperatorSpec& op,
                                             const ParameterSpec& parameter);

}  // namespace rivulet::graphs
