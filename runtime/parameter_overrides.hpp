#pragma once
// `rivulet run --set NODE.PARAM=VALUE`: parameter overrides given as text on the command line,
// parsed by the type the operator's spec declares for the parameter. Errors name the node and
// the parameter, and say what was expected.

#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"
#include "graphs/result.hpp"

namespace rivulet::runtime {

struct ParameterOverride {
  std::string node;       // node id
  std::string parameter;  // parameter name
  std::string text;       // the value as typed
};

// "NODE.PARAM=VALUE". The node id is everything before the last '.' left of the first '=', so
// node ids may contain dots; VALUE may contain anything.
graphs::Result<ParameterOverride> parse_override(const std::string& argument);

// Text to a parameter value of `spec`'s type:
//   bool: true/false (also 1/0, yes/no, on/off)   int: decimal   float: decimal or exponent
//   string, expression: as is   enum: one of the allowed values
//   duration: plain milliseconds or a sum of NUMBER UNIT parts with ms, s, m, h, d ("1m30s")
//   lists: comma-separated items (commas inside parentheses or quotes do not split)
// Schemas cannot be set on the command line.
graphs::Result<graphs::Value> parse_parameter_value(const graphs::ParameterSpec& spec,
                                                    const std::string& text);

// Applies every override to the node with that id in `graphs` (it must name exactly one node
// over all graphs) after checking the parameter exists in the node's spec.
graphs::Status apply_overrides(std::vector<graphs::Graph>& graphs,
                               const std::vector<ParameterOverride>& overrides,
                               const graphs::Catalog& catalog);

}  // namespace rivulet::runtime
