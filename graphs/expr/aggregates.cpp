// check_aggregate: "func(arg) [AS name]" items of aggregateList parameters. The argument is an
// ordinary scalar expression over the input schema, checked by the binder.
//
// Naming: AS is optional when a name follows naturally — count(*) is named "count" and an
// aggregate of a bare field is named "<function>_<field>" (sum(amount) -> "sum_amount").
// Any other argument needs AS. Duplicate names across a list are the validator's concern.

#include <string>

#include "graphs/expr/binder.hpp"
#include "graphs/expr/check.hpp"
#include "graphs/expr/error.hpp"
#include "graphs/expr/lexer.hpp"
#include "graphs/expr/parser.hpp"
#include "graphs/expr/suggest.hpp"

namespace rivulet::graphs::expr {

namespace {

constexpr std::string_view kKnown = "count, count_distinct, sum, min, max, avg, percentile";

std::string signature(const std::string& function) {
  if (function == "count") return "count(*) or count(x)";
  if (function == "percentile") return "percentile(x, fraction)";
  return function + "(x)";
}

Aggregate check(const ParsedItem& item, const Schema& input) {
  const Syntax& call = *item.expression;
  if (call.kind != SyntaxKind::Call) {
    fail(call.column, "expected an aggregate call such as count(*), sum(x) or percentile(x, 0.99)");
  }
  std::string function = to_lower(call.text);
  if (!is_aggregate_name(function)) {
    static const std::vector<std::string_view> kNames = {
        "count", "count_distinct", "sum", "min", "max", "avg", "percentile"};
    fail(call.column, "unknown aggregate function " + quoted(call.text) +
                          " (known: " + std::string(kKnown) + ")" + did_you_mean(function, kNames));
  }
  std::size_t expected = function == "percentile" ? 2 : 1;
  if (call.children.size() != expected) {
    fail(call.column, "wrong number of arguments for " + function + ": got " +
                          std::to_string(call.children.size()) + ", expected " +
                          signature(function));
  }
  Aggregate out;
  out.function = function;
  const Syntax& argument = *call.children[0];
  if (argument.kind == SyntaxKind::Star) {
    if (function != "count") fail(argument.column, "'*' is only allowed in count(*)");
    out.result = Type{FieldType::Int64, false, false};
  } else {
    out.argument = bind(argument, input);
    const Type& type = out.argument->type;
    bool counts = function == "count" || function == "count_distinct";
    if (type.is_null_literal && !counts) {
      fail(argument.column, "cannot infer the type of NULL here; use CAST(NULL AS <type>)");
    }
    bool numeric = is_numeric(type.type);
    if ((function == "sum" || function == "avg" || function == "percentile") && !numeric) {
      fail(call.column, function + " needs a number, got " + type_name(type.type));
    }
    // Counts are never null; every other aggregate is NULL for a group without values.
    if (counts) {
      out.result = Type{FieldType::Int64, false, false};
    } else if (function == "avg" || function == "percentile") {
      out.result = Type{FieldType::Float64, true, false};
    } else {
      out.result = Type{type.type, true, false};  // sum keeps int64/float64; min/max any type
    }
  }
  if (function == "percentile") {
    const Syntax& fraction = *call.children[1];
    double value = fraction.kind == SyntaxKind::Decimal ? fraction.decimal_value
                   : fraction.kind == SyntaxKind::Integer
                       ? static_cast<double>(fraction.integer_value)
                       : -1;
    if (!(value > 0 && value < 1)) {
      fail(fraction.column,
           "percentile fraction must be a number literal between 0 and 1 (exclusive), e.g. 0.99");
    }
    out.fraction = value;
  }
  if (item.alias) {
    out.name = *item.alias;
  } else if (argument.kind == SyntaxKind::Star) {
    out.name = "count";
  } else if (argument.kind == SyntaxKind::Name) {
    out.name = function + "_" + argument.text;
  } else {
    fail(item.end_column, "aggregate of a computed expression needs a name: add 'AS <name>'");
  }
  return out;
}

}  // namespace

CheckResult<Aggregate> check_aggregate(std::string_view text, const Schema& input) {
  CheckResult<Aggregate> result;
  try {
    result.value = std::make_unique<Aggregate>(check(parse_item(text), input));
  } catch (Failure& failure) {
    result.error = std::move(failure.error);
  }
  return result;
}

}  // namespace rivulet::graphs::expr
