// Public entry points for scalar expressions: parse, bind, and turn an internal Failure into a
// CheckResult. Aggregates are in aggregates.cpp.

#include "graphs/expr/check.hpp"

#include "graphs/expr/binder.hpp"
#include "graphs/expr/error.hpp"
#include "graphs/expr/parser.hpp"

namespace rivulet::graphs::expr {

std::string CheckError::to_string() const {
  return "column " + std::to_string(column) + ": " + message;
}

namespace {

template <class T>
CheckResult<T> failed(Failure failure) {
  CheckResult<T> result;
  result.error = std::move(failure.error);
  return result;
}

}  // namespace

CheckResult<CheckedExpression> check_expression(std::string_view text, const Schema& input) {
  try {
    auto syntax = parse_expression(text);
    NodePtr tree = bind(*syntax, input);
    CheckResult<CheckedExpression> result;
    result.value = std::make_unique<CheckedExpression>(CheckedExpression{tree, tree->type});
    return result;
  } catch (Failure& failure) {
    return failed<CheckedExpression>(std::move(failure));
  }
}

CheckResult<NamedExpression> check_named_expression(std::string_view text, const Schema& input) {
  try {
    ParsedItem item = parse_item(text);
    // Bind first: a type error inside the expression is reported before the missing name,
    // keeping errors in text order.
    NodePtr tree = bind(*item.expression, input);
    std::string name;
    if (item.alias) {
      name = *item.alias;
    } else if (item.expression->kind == SyntaxKind::Name) {
      name = item.expression->text;  // a bare field keeps its name
    } else {
      fail(item.end_column, "computed expression needs a name: add 'AS <name>'");
    }
    CheckResult<NamedExpression> result;
    result.value = std::make_unique<NamedExpression>(
        NamedExpression{std::move(name), CheckedExpression{tree, tree->type}});
    return result;
  } catch (Failure& failure) {
    return failed<NamedExpression>(std::move(failure));
  }
}

}  // namespace rivulet::graphs::expr
