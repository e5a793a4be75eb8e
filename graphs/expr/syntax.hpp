#pragma once
// The untyped parse tree: what the text says, before names are resolved against a schema.
// The checker (binder.hpp) turns it into the typed Node tree; nothing outside expr/ sees it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graphs/expr/ast.hpp"

namespace rivulet::graphs::expr {

enum class SyntaxKind {
  Integer,  // integer_value (already negated if written "-5")
  Decimal,  // decimal_value
  String,   // text
  Boolean,  // bool_value
  Null,
  Interval,  // integer_value = milliseconds
  Name,      // text = field name (quoted or not)
  Star,      // '*' as the sole argument of a call: count(*)
  Negate,    // children: [operand]
  Not,       // children: [operand]
  Binary,    // binary_op; children: [left, right]
  Call,      // text = function name as written; children: arguments
  Case,      // children: [operand?, when1, then1, ..., else?]; has_operand, has_else
  Cast,      // children: [operand]; text = type name as written, type_column
  IsNull,    // children: [operand]; negated
  In,        // children: [operand, items...]; negated
  Between,   // children: [operand, low, high]; negated
  Like,      // children: [text, pattern]; negated
};

struct Syntax {
  SyntaxKind kind = SyntaxKind::Null;
  std::size_t column = 0;
  int depth = 1;  // height of the subtree, capped at kMaxDepth by the parser
  std::string text;
  std::int64_t integer_value = 0;
  double decimal_value = 0;
  bool bool_value = false;
  BinaryOp binary_op = BinaryOp::Add;
  bool negated = false;
  bool has_operand = false;
  bool has_else = false;
  std::size_t type_column = 0;
  std::vector<std::unique_ptr<Syntax>> children;
};

}  // namespace rivulet::graphs::expr
