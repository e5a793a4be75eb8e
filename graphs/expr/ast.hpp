#pragma once
// The typed, resolved syntax tree produced by the checker. It is what the runtime compiles into
// columnar evaluators, so everything that needs a lookup is already resolved: fields are schema
// indices, functions are ids, and every implicit conversion (int64 -> float64, a NULL literal
// taking its context's type) is explicit in the tree. Nodes are immutable once built and may be
// shared between parents (a simple CASE's operand appears in every WHEN comparison).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "graphs/expr/check.hpp"

namespace rivulet::graphs::expr {

enum class NodeKind {
  Literal,  // value; a NULL literal has std::monostate and a nullable type
  Field,    // field_index (+ name for diagnostics)
  Unary,    // unary_op; children: [operand]
  Binary,   // binary_op; children: [left, right]
  Call,     // function; children: arguments
  Case,     // children: [when1, then1, when2, then2, ..., else?]; has_else
  Cast,     // children: [operand]; the target is `type.type`; implicit if inserted by the checker
  IsNull,   // children: [operand]; negated = IS NOT NULL
  In,       // children: [operand, item1, item2, ...] all of one type; negated = NOT IN
  Between,  // children: [operand, low, high] all of one type; negated = NOT BETWEEN
  Like,     // children: [text, pattern] (strings); negated = NOT LIKE
};

enum class UnaryOp { Negate, Not };

// Arithmetic on timestamps is normalised so the timestamp is the left operand:
// timestamp + int64, timestamp - int64 (both timestamp) and timestamp - timestamp (int64).
enum class BinaryOp {
  Add,
  Subtract,
  Multiply,
  Divide,
  Modulo,
  Concat,
  Equal,
  NotEqual,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
  And,
  Or
};

// One id per scalar function (aliases such as power/pow share an id). Signatures live in
// functions.cpp.
enum class FunctionId {
  Lower,
  Upper,
  Length,
  Trim,
  Substr,
  Concat,
  StartsWith,
  EndsWith,
  Contains,
  Replace,
  Abs,
  Round,
  Floor,
  Ceil,
  Sqrt,
  Pow,
  Ln,
  Exp,
  Least,
  Greatest,
  Coalesce,
  NullIf,
  If,
  Hash,
  Now,
  ToTimestamp,
  FromUnixtime,
  Year,
  Month,
  Day,
  Hour,
  Minute,
  Second,
  DateTrunc,
  EpochMs,
  ParseTimestamp,
  GeoDistanceKm,
};

using LiteralValue = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

struct Node {
  NodeKind kind = NodeKind::Literal;
  Type type;
  std::size_t column = 0;  // 1-based; operators use the operator's column, calls the name's
  std::vector<std::shared_ptr<const Node>> children;

  // Payload; each member is meaningful only for the kinds named.
  LiteralValue value;                       // Literal
  std::size_t field_index = 0;              // Field
  std::string name;                         // Field: the field name (for messages and dumps)
  UnaryOp unary_op = UnaryOp::Negate;       // Unary
  BinaryOp binary_op = BinaryOp::Add;       // Binary
  FunctionId function = FunctionId::Lower;  // Call
  bool negated = false;                     // IsNull, In, Between, Like
  bool has_else = false;                    // Case
  bool implicit = false;                    // Cast

  const Node& child(std::size_t i) const { return *children[i]; }
};

using NodePtr = std::shared_ptr<const Node>;

// Lower-case type names used in every message: int64, float64, bool, string, timestamp.
const char* type_name(FieldType type);
bool is_numeric(FieldType type);

// Operator spelling for messages and dumps ("+", "AND", "||", ...).
std::string_view operator_text(BinaryOp op);

// A compact S-expression of the tree, for tests and debugging, e.g.
// "(+ (float64 qty#1) 1.5)" — implicit casts print as "(float64 x)", fields as "name#index".
std::string dump(const Node& node);

}  // namespace rivulet::graphs::expr
