#pragma once
// Shared fixtures for the expression front-end tests: one input schema covering every type and
// nullability, and helpers that render a check result as one comparable string.

#include <string>
#include <string_view>

#include "graphs/expr/ast.hpp"
#include "graphs/expr/check.hpp"

namespace rivulet::graphs::expr::testing {

inline const Schema& schema() {
  static const Schema fields = {
      {"amount", FieldType::Float64, false},  // #0
      {"qty", FieldType::Int64, false},       // #1
      {"name", FieldType::String, true},      // #2
      {"ts", FieldType::Timestamp, false},    // #3
      {"flag", FieldType::Bool, true},        // #4
      {"odd name", FieldType::Int64, false},  // #5
      {"score", FieldType::Float64, true},    // #6
      {"Country", FieldType::String, false},  // #7
      {"n", FieldType::Int64, true},          // #8
      {"seen", FieldType::Timestamp, true},   // #9
  };
  return fields;
}

inline std::string type_text(const Type& type) {
  return std::string(type_name(type.type)) + (type.nullable ? "?" : "");
}

// "int64" / "float64?" for a well-typed expression, otherwise "column N: message".
inline std::string type_of(std::string_view text) {
  auto result = check_expression(text, schema());
  return result.ok() ? type_text(result.value->type) : result.error.to_string();
}

// The tree dump followed by " : type", or the error.
inline std::string tree_of(std::string_view text) {
  auto result = check_expression(text, schema());
  if (!result.ok()) return result.error.to_string();
  return dump(*result.value->tree) + " : " + type_text(result.value->type);
}

inline std::string error_of(std::string_view text) {
  auto result = check_expression(text, schema());
  return result.ok() ? "ok" : result.error.to_string();
}

}  // namespace rivulet::graphs::expr::testing
