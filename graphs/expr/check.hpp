#pragma once
// The expression language's front end: parse and type-check expression text against a record
// schema. Shared by the validator, the editor (type-check as the user types) and the operators
// (which compile the checked tree into evaluators).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "graphs/graph.hpp"

namespace rivulet::graphs::expr {

struct Node;  // the typed syntax tree, defined in expr/ast.hpp

// The static type of an expression. `is_null_literal` marks the bare NULL literal, whose type is
// decided by context.
struct Type {
  FieldType type = FieldType::Int64;
  bool nullable = false;
  bool is_null_literal = false;
};

struct CheckError {
  std::size_t column = 0;   // 1-based column in the expression text
  std::string message;      // without the position, e.g. "unknown field 'amout'"
  std::string to_string() const;  // "column 12: unknown field 'amout'"
};

struct CheckedExpression {
  std::shared_ptr<const Node> tree;
  Type type;
};

// A "expr AS name" item of an expressionList parameter. A bare field reference may omit
// "AS name" (the name is the field's).
struct NamedExpression {
  std::string name;
  CheckedExpression expression;
};

// A "func(args) AS name" item of an aggregateList parameter: count(*), count(x), sum, min, max,
// avg, count_distinct(x), percentile(x, 0.99).
struct Aggregate {
  std::string name;
  std::string function;
  std::shared_ptr<const Node> argument;  // null for count(*)
  double fraction = 0;                   // percentile only
  Type result;
};

template <class T>
struct CheckResult {
  std::unique_ptr<T> value;  // null on error
  CheckError error;
  bool ok() const { return value != nullptr; }
};

CheckResult<CheckedExpression> check_expression(std::string_view text, const Schema& input);
CheckResult<NamedExpression> check_named_expression(std::string_view text, const Schema& input);
CheckResult<Aggregate> check_aggregate(std::string_view text, const Schema& input);

}  // namespace rivulet::graphs::expr
