// Type checking and name resolution (see binder.hpp). Typing rules, in short:
//   * int64 op int64 -> int64; int64 mixed with float64 -> float64 (the int64 side is cast);
//   * a result is nullable if any input is (except IS NULL, coalesce, counts...);
//   * a NULL literal adopts the type of the other operand / the parameter it is passed to;
//   * errors point at the operator, keyword or function name that cannot be typed, or at the
//     operand itself when one operand among many is wrong (IN items, CASE branches).

#include "graphs/expr/binder.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graphs/expr/error.hpp"
#include "graphs/expr/functions.hpp"
#include "graphs/expr/lexer.hpp"
#include "graphs/expr/suggest.hpp"

namespace rivulet::graphs::expr {

namespace {

using MutableNode = std::shared_ptr<Node>;

MutableNode make(NodeKind kind, std::size_t column, FieldType type, bool nullable) {
  auto node = std::make_shared<Node>();
  node->kind = kind;
  node->column = column;
  node->type = Type{type, nullable, false};
  return node;
}

bool is_null(const NodePtr& node) { return node->type.is_null_literal; }

bool any_nullable(const std::vector<NodePtr>& nodes) {
  return std::any_of(nodes.begin(), nodes.end(),
                     [](const NodePtr& node) { return node->type.nullable; });
}

std::string name_of(FieldType type) { return type_name(type); }

// Converts `node` to `target`, which the caller has checked is reachable: a NULL literal is
// retyped, an int64 is promoted with an implicit cast, and a node of the right type is kept.
NodePtr coerce(const NodePtr& node, FieldType target) {
  if (is_null(node)) {
    auto literal = make(NodeKind::Literal, node->column, target, true);
    return literal;
  }
  if (node->type.type == target) return node;
  auto cast = make(NodeKind::Cast, node->column, target, node->type.nullable);
  cast->implicit = true;
  cast->children.push_back(node);
  return cast;
}

// The one type all `nodes` convert to, ignoring NULL literals (which adopt it). When some node
// does not fit, `bad` is its index and `type` the type established by the nodes before it.
struct Unified {
  bool ok = true;
  FieldType type = FieldType::Int64;
  std::size_t bad = 0;
};

Unified unify(const std::vector<NodePtr>& nodes) {
  std::optional<FieldType> current;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (is_null(nodes[i])) continue;
    FieldType type = nodes[i]->type.type;
    if (!current || *current == type) {
      current = type;
    } else if (is_numeric(*current) && is_numeric(type)) {
      current = FieldType::Float64;
    } else {
      return {false, *current, i};
    }
  }
  return {true, current.value_or(FieldType::Int64), 0};
}

std::vector<NodePtr> coerce_all(std::vector<NodePtr> nodes, FieldType target) {
  for (auto& node : nodes) node = coerce(node, target);
  return nodes;
}

class Binder {
 public:
  explicit Binder(const Schema& schema) : schema_(schema) {}

  NodePtr bind(const Syntax& syntax) {
    switch (syntax.kind) {
      case SyntaxKind::Integer:
      case SyntaxKind::Interval:
        return literal(syntax, FieldType::Int64, syntax.integer_value);
      case SyntaxKind::Decimal:
        return literal(syntax, FieldType::Float64, syntax.decimal_value);
      case SyntaxKind::String:
        return literal(syntax, FieldType::String, syntax.text);
      case SyntaxKind::Boolean:
        return literal(syntax, FieldType::Bool, syntax.bool_value);
      case SyntaxKind::Null: {
        auto node = make(NodeKind::Literal, syntax.column, FieldType::Int64, true);
        node->type.is_null_literal = true;
        return node;
      }
      case SyntaxKind::Name:
        return field(syntax);
      case SyntaxKind::Star:
        fail(syntax.column, "'*' is only allowed in count(*)");
      case SyntaxKind::Negate:
        return negate(syntax);
      case SyntaxKind::Not:
        return logical_not(syntax);
      case SyntaxKind::Binary:
        return binary(syntax);
      case SyntaxKind::Call:
        return call(syntax);
      case SyntaxKind::Case:
        return case_expression(syntax);
      case SyntaxKind::Cast:
        return cast(syntax);
      case SyntaxKind::IsNull: {
        auto node = make(NodeKind::IsNull, syntax.column, FieldType::Bool, false);
        node->negated = syntax.negated;
        node->children.push_back(bind(*syntax.children[0]));
        return node;
      }
      case SyntaxKind::In:
        return in_list(syntax);
      case SyntaxKind::Between:
        return between(syntax);
      case SyntaxKind::Like:
        return like(syntax);
    }
    fail(syntax.column, "internal error: unknown syntax node");
  }

 private:
  template <class T>
  static NodePtr literal(const Syntax& syntax, FieldType type, T value) {
    auto node = make(NodeKind::Literal, syntax.column, type, false);
    node->value = std::move(value);
    return node;
  }

  NodePtr field(const Syntax& syntax) {
    for (std::size_t i = 0; i < schema_.size(); ++i) {
      if (schema_[i].name != syntax.text) continue;
      auto node = make(NodeKind::Field, syntax.column, schema_[i].type, schema_[i].nullable);
      node->field_index = i;
      node->name = syntax.text;
      return node;
    }
    std::vector<std::string_view> names;
    for (const Field& f : schema_) names.push_back(f.name);
    fail(syntax.column, "unknown field " + quoted(syntax.text) + did_you_mean(syntax.text, names));
  }

  NodePtr negate(const Syntax& syntax) {
    NodePtr operand = bind(*syntax.children[0]);
    if (is_null(operand)) operand = coerce(operand, FieldType::Int64);
    if (!is_numeric(operand->type.type)) {
      fail(syntax.column, "operator '-' needs a number, got " + name_of(operand->type.type));
    }
    auto node = make(NodeKind::Unary, syntax.column, operand->type.type, operand->type.nullable);
    node->unary_op = UnaryOp::Negate;
    node->children.push_back(operand);
    return node;
  }

  NodePtr logical_not(const Syntax& syntax) {
    NodePtr operand = coerce_if_null(bind(*syntax.children[0]), FieldType::Bool);
    if (operand->type.type != FieldType::Bool) {
      fail(syntax.column, "NOT needs a bool, got " + name_of(operand->type.type));
    }
    auto node = make(NodeKind::Unary, syntax.column, FieldType::Bool, operand->type.nullable);
    node->unary_op = UnaryOp::Not;
    node->children.push_back(operand);
    return node;
  }

  static NodePtr coerce_if_null(const NodePtr& node, FieldType type) {
    return is_null(node) ? coerce(node, type) : node;
  }

  static MutableNode binary_node(BinaryOp op, std::size_t column, FieldType type, NodePtr left,
                                 NodePtr right) {
    auto node = make(NodeKind::Binary, column, type, left->type.nullable || right->type.nullable);
    node->binary_op = op;
    node->children = {std::move(left), std::move(right)};
    return node;
  }

  NodePtr binary(const Syntax& syntax) {
    NodePtr left = bind(*syntax.children[0]);
    NodePtr right = bind(*syntax.children[1]);
    switch (syntax.binary_op) {
      case BinaryOp::Add:
      case BinaryOp::Subtract:
      case BinaryOp::Multiply:
      case BinaryOp::Divide:
      case BinaryOp::Modulo:
        return arithmetic(syntax.binary_op, syntax.column, left, right);
      case BinaryOp::Concat:
        return concat(syntax.column, left, right);
      case BinaryOp::And:
      case BinaryOp::Or:
        return logical(syntax.binary_op, syntax.column, left, right);
      default:
        return compare(syntax.binary_op, syntax.column, left, right);
    }
  }

  static NodePtr arithmetic(BinaryOp op, std::size_t column, NodePtr left, NodePtr right) {
    // A NULL operand takes the type that makes the expression meaningful: int64 next to a
    // timestamp (ts + NULL is a shifted timestamp), otherwise the other operand's type.
    auto adopted = [op](const NodePtr& other, bool null_is_left) {
      if (other->type.type != FieldType::Timestamp) return other->type.type;
      if (op == BinaryOp::Subtract && null_is_left) return FieldType::Timestamp;
      return FieldType::Int64;
    };
    if (is_null(left) && is_null(right)) {
      left = coerce(left, FieldType::Int64);
      right = coerce(right, FieldType::Int64);
    } else if (is_null(left)) {
      left = coerce(left, adopted(right, true));
    } else if (is_null(right)) {
      right = coerce(right, adopted(left, false));
    }
    FieldType lt = left->type.type;
    FieldType rt = right->type.type;
    if (is_numeric(lt) && is_numeric(rt)) {
      FieldType result =
          lt == FieldType::Int64 && rt == FieldType::Int64 ? FieldType::Int64 : FieldType::Float64;
      MutableNode node =
          binary_node(op, column, result, coerce(left, result), coerce(right, result));
      // Integer division and modulo by zero give NULL (float division follows IEEE instead).
      if (result == FieldType::Int64 && (op == BinaryOp::Divide || op == BinaryOp::Modulo)) {
        node->type.nullable = true;
      }
      return node;
    }
    constexpr FieldType kTs = FieldType::Timestamp;
    constexpr FieldType kInt = FieldType::Int64;
    if (op == BinaryOp::Add && lt == kTs && rt == kInt) {
      return binary_node(op, column, kTs, left, right);
    }
    if (op == BinaryOp::Add && lt == kInt && rt == kTs) {  // normalised: timestamp on the left
      return binary_node(op, column, kTs, right, left);
    }
    if (op == BinaryOp::Subtract && lt == kTs && rt == kInt) {
      return binary_node(op, column, kTs, left, right);
    }
    if (op == BinaryOp::Subtract && lt == kTs && rt == kTs) {
      return binary_node(op, column, kInt, left, right);
    }
    std::string message = "operator '" + std::string(operator_text(op)) + "' is not defined for " +
                          name_of(lt) + " and " + name_of(rt);
    if (op == BinaryOp::Add && (lt == FieldType::String || rt == FieldType::String)) {
      message += "; use || or concat() to join strings";
    }
    fail(column, message);
  }

  static NodePtr concat(std::size_t column, NodePtr left, NodePtr right) {
    left = coerce_if_null(left, FieldType::String);
    right = coerce_if_null(right, FieldType::String);
    if (left->type.type != FieldType::String || right->type.type != FieldType::String) {
      fail(column, "operator '||' needs strings, got " + name_of(left->type.type) + " and " +
                       name_of(right->type.type) + "; convert with CAST(x AS string)");
    }
    return binary_node(BinaryOp::Concat, column, FieldType::String, left, right);
  }

  static NodePtr logical(BinaryOp op, std::size_t column, NodePtr left, NodePtr right) {
    left = coerce_if_null(left, FieldType::Bool);
    right = coerce_if_null(right, FieldType::Bool);
    if (left->type.type != FieldType::Bool || right->type.type != FieldType::Bool) {
      fail(column, "operator '" + std::string(operator_text(op)) + "' needs bool operands, got " +
                       name_of(left->type.type) + " and " + name_of(right->type.type));
    }
    return binary_node(op, column, FieldType::Bool, left, right);
  }

  static bool is_ordered(FieldType type) { return type != FieldType::Bool; }

  static NodePtr compare(BinaryOp op, std::size_t column, NodePtr left, NodePtr right) {
    Unified unified = unify({left, right});
    if (!unified.ok) {
      fail(column,
           "cannot compare " + name_of(left->type.type) + " with " + name_of(right->type.type));
    }
    bool equality = op == BinaryOp::Equal || op == BinaryOp::NotEqual;
    if (!equality && !is_ordered(unified.type)) {
      fail(column, "operator '" + std::string(operator_text(op)) + "' is not defined for " +
                       name_of(unified.type) + " and " + name_of(unified.type));
    }
    return binary_node(op, column, FieldType::Bool, coerce(left, unified.type),
                       coerce(right, unified.type));
  }

  NodePtr in_list(const Syntax& syntax) {
    std::vector<NodePtr> values;
    for (const auto& child : syntax.children) values.push_back(bind(*child));
    Unified unified = unify(values);
    if (!unified.ok) {
      fail(values[unified.bad]->column, "type mismatch in IN: expected " + name_of(unified.type) +
                                            ", got " + name_of(values[unified.bad]->type.type));
    }
    auto node = make(NodeKind::In, syntax.column, FieldType::Bool, any_nullable(values));
    node->negated = syntax.negated;
    node->children = coerce_all(std::move(values), unified.type);
    return node;
  }

  NodePtr between(const Syntax& syntax) {
    std::vector<NodePtr> values;
    for (const auto& child : syntax.children) values.push_back(bind(*child));
    Unified unified = unify(values);
    if (!unified.ok) {
      fail(values[unified.bad]->column, "type mismatch in BETWEEN: expected " +
                                            name_of(unified.type) + ", got " +
                                            name_of(values[unified.bad]->type.type));
    }
    if (!is_ordered(unified.type)) {
      fail(syntax.column,
           "BETWEEN needs numbers, strings or timestamps, got " + name_of(unified.type));
    }
    auto node = make(NodeKind::Between, syntax.column, FieldType::Bool, any_nullable(values));
    node->negated = syntax.negated;
    node->children = coerce_all(std::move(values), unified.type);
    return node;
  }

  NodePtr like(const Syntax& syntax) {
    NodePtr text = coerce_if_null(bind(*syntax.children[0]), FieldType::String);
    NodePtr pattern = coerce_if_null(bind(*syntax.children[1]), FieldType::String);
    if (text->type.type != FieldType::String || pattern->type.type != FieldType::String) {
      fail(syntax.column, "LIKE needs strings, got " + name_of(text->type.type) + " and " +
                              name_of(pattern->type.type));
    }
    auto node = make(NodeKind::Like, syntax.column, FieldType::Bool,
                     text->type.nullable || pattern->type.nullable);
    node->negated = syntax.negated;
    node->children = {text, pattern};
    return node;
  }

  NodePtr case_expression(const Syntax& syntax) {
    std::size_t first = syntax.has_operand ? 1 : 0;
    std::size_t pairs_end = syntax.children.size() - (syntax.has_else ? 1 : 0);
    NodePtr operand = syntax.has_operand ? bind(*syntax.children[0]) : nullptr;
    std::vector<NodePtr> conditions;
    std::vector<NodePtr> results;
    for (std::size_t i = first; i < pairs_end; i += 2) {
      const Syntax& when = *syntax.children[i];
      NodePtr condition = bind(when);
      if (operand) {
        // CASE x WHEN v THEN ... is CASE WHEN x = v THEN ...; x is shared, not copied.
        condition = compare(BinaryOp::Equal, when.column, operand, condition);
      } else {
        condition = coerce_if_null(condition, FieldType::Bool);
        if (condition->type.type != FieldType::Bool) {
          fail(when.column, "CASE condition must be bool, got " + name_of(condition->type.type));
        }
      }
      conditions.push_back(condition);
      results.push_back(bind(*syntax.children[i + 1]));
    }
    if (syntax.has_else) results.push_back(bind(*syntax.children.back()));
    Unified unified = unify(results);
    if (!unified.ok) {
      fail(results[unified.bad]->column, "CASE branch has type " +
                                             name_of(results[unified.bad]->type.type) +
                                             " but earlier branches have " + name_of(unified.type));
    }
    results = coerce_all(std::move(results), unified.type);
    auto node = make(NodeKind::Case, syntax.column, unified.type,
                     any_nullable(results) || !syntax.has_else);
    node->has_else = syntax.has_else;
    for (std::size_t i = 0; i < conditions.size(); ++i) {
      node->children.push_back(conditions[i]);
      node->children.push_back(results[i]);
    }
    if (syntax.has_else) node->children.push_back(results.back());
    return node;
  }

  static std::optional<FieldType> parse_type_name(std::string_view text) {
    std::string name = to_lower(text);
    if (name == "int64" || name == "bigint" || name == "int" || name == "integer") {
      return FieldType::Int64;
    }
    if (name == "float64" || name == "double" || name == "float") return FieldType::Float64;
    if (name == "bool" || name == "boolean") return FieldType::Bool;
    if (name == "string" || name == "varchar" || name == "text") return FieldType::String;
    if (name == "timestamp") return FieldType::Timestamp;
    return std::nullopt;
  }

  static bool castable(FieldType from, FieldType to) {
    if (from == to || from == FieldType::String || to == FieldType::String) return true;
    auto numeric_or_bool = [](FieldType t) { return is_numeric(t) || t == FieldType::Bool; };
    if (numeric_or_bool(from) && numeric_or_bool(to)) return true;
    return (from == FieldType::Timestamp && to == FieldType::Int64) ||
           (from == FieldType::Int64 && to == FieldType::Timestamp);
  }

  NodePtr cast(const Syntax& syntax) {
    std::optional<FieldType> target = parse_type_name(syntax.text);
    if (!target) {
      fail(syntax.type_column, "unknown type " + quoted(syntax.text) +
                                   "; expected int64, float64, bool, string or timestamp");
    }
    NodePtr operand = bind(*syntax.children[0]);
    if (is_null(operand)) return coerce(operand, *target);  // a typed NULL
    FieldType from = operand->type.type;
    if (!castable(from, *target)) {
      fail(syntax.column, "cannot cast " + name_of(from) + " to " + name_of(*target));
    }
    if (from == *target) return operand;  // a no-op cast is dropped
    // Text that does not parse as the target type becomes NULL.
    bool nullable = operand->type.nullable || from == FieldType::String;
    auto node = make(NodeKind::Cast, syntax.column, *target, nullable);
    node->children.push_back(operand);
    return node;
  }

  NodePtr call(const Syntax& syntax) {
    std::string name = to_lower(syntax.text);
    if (is_aggregate_name(name)) {
      std::string message = "aggregate function '" + name + "' is not allowed here";
      if (name == "min" || name == "max") {
        message += "; use least() or greatest() to compare values";
      }
      fail(syntax.column, message);
    }
    const FunctionSpec* spec = find_function(name);
    if (!spec) {
      fail(syntax.column,
           "unknown function " + quoted(syntax.text) + did_you_mean(name, function_names()));
    }
    for (const auto& argument : syntax.children) {
      if (argument->kind == SyntaxKind::Star) {
        fail(argument->column, "'*' is only allowed in count(*)");
      }
    }
    std::size_t count = syntax.children.size();
    if (count < spec->min_args || count > spec->max_args) {
      fail(syntax.column, "wrong number of arguments for " + std::string(spec->name) + ": got " +
                              std::to_string(count) + ", expected " + std::string(spec->signature));
    }
    std::vector<NodePtr> args;
    for (const auto& argument : syntax.children) args.push_back(bind(*argument));
    auto wrong_type = [&](std::size_t i) {
      fail(syntax.column, "wrong type for argument " + std::to_string(i + 1) + " of " +
                              std::string(spec->name) + ": got " + name_of(args[i]->type.type) +
                              ", expected " + std::string(spec->signature));
    };
    std::vector<std::size_t> common;
    for (std::size_t i = 0; i < args.size(); ++i) {
      ArgKind kind = spec->args[std::min(i, spec->args.size() - 1)];
      auto exactly = [&](FieldType type) {
        args[i] = coerce_if_null(args[i], type);
        if (args[i]->type.type != type) wrong_type(i);
      };
      switch (kind) {
        case ArgKind::Int64:
          exactly(FieldType::Int64);
          break;
        case ArgKind::String:
          exactly(FieldType::String);
          break;
        case ArgKind::Bool:
          exactly(FieldType::Bool);
          break;
        case ArgKind::Timestamp:
          exactly(FieldType::Timestamp);
          break;
        case ArgKind::Float64:
          args[i] = coerce_if_null(args[i], FieldType::Float64);
          if (!is_numeric(args[i]->type.type)) wrong_type(i);
          args[i] = coerce(args[i], FieldType::Float64);
          break;
        case ArgKind::Numeric:
          args[i] = coerce_if_null(args[i], FieldType::Int64);
          if (!is_numeric(args[i]->type.type)) wrong_type(i);
          break;
        case ArgKind::Any:
          args[i] = coerce_if_null(args[i], FieldType::Int64);
          break;
        case ArgKind::Common:
          common.push_back(i);
          break;
      }
    }
    FieldType common_type = FieldType::Int64;
    if (!common.empty()) {
      std::vector<NodePtr> values;
      for (std::size_t i : common) values.push_back(args[i]);
      Unified unified = unify(values);
      if (!unified.ok) {
        fail(syntax.column, "arguments of " + std::string(spec->name) +
                                " have incompatible types " + name_of(unified.type) + " and " +
                                name_of(values[unified.bad]->type.type) + "; expected " +
                                std::string(spec->signature));
      }
      common_type = unified.type;
      for (std::size_t i : common) args[i] = coerce(args[i], common_type);
    }
    if (spec->id == FunctionId::DateTrunc) args[0] = date_trunc_unit(*syntax.children[0]);

    FieldType result = spec->result_type;
    if (spec->result == ResultRule::FirstArg) result = args[0]->type.type;
    if (spec->result == ResultRule::Common) result = common_type;
    bool nullable = any_nullable(args);
    if (spec->nulls == NullRule::AllArgs) {
      nullable = std::all_of(args.begin(), args.end(),
                             [](const NodePtr& arg) { return arg->type.nullable; });
    }
    if (spec->nulls == NullRule::Always) nullable = true;
    if (spec->nulls == NullRule::CommonArgs) {
      nullable = std::any_of(common.begin(), common.end(),
                             [&](std::size_t i) { return args[i]->type.nullable; });
    }
    auto node = make(NodeKind::Call, syntax.column, result, nullable);
    node->function = spec->id;
    node->children = std::move(args);
    return node;
  }

  // The unit is fixed at check time so the runtime can pick the truncation once.
  static NodePtr date_trunc_unit(const Syntax& unit) {
    static constexpr std::string_view kUnits[] = {"second", "minute", "hour", "day"};
    std::string lower = to_lower(unit.text);
    if (unit.kind != SyntaxKind::String ||
        std::find(std::begin(kUnits), std::end(kUnits), lower) == std::end(kUnits)) {
      fail(unit.column, "date_trunc unit must be one of 'second', 'minute', 'hour', 'day'");
    }
    return literal(unit, FieldType::String, lower);
  }

  const Schema& schema_;
};

}  // namespace

bool is_aggregate_name(std::string_view lower_name) {
  static constexpr std::string_view kAggregates[] = {"count", "count_distinct", "sum", "min", "max",
                                                     "avg",   "percentile"};
  return std::find(std::begin(kAggregates), std::end(kAggregates), lower_name) !=
         std::end(kAggregates);
}

NodePtr bind(const Syntax& syntax, const Schema& input) { return Binder(input).bind(syntax); }

}  // namespace rivulet::graphs::expr
