#pragma once
// Recursive-descent / precedence-climbing parser for the expression language. Produces the
// untyped Syntax tree; throws Failure (error.hpp) with the column of the offending token.
//
// Precedence, lowest first (all binary operators are left-associative):
//   OR
//   AND
//   NOT (prefix)
//   = <> != < <= > >=, IS [NOT] NULL, [NOT] IN (...), [NOT] BETWEEN a AND b, [NOT] LIKE
//   ||
//   + -
//   * / %
//   unary - +
//   literals, names, calls, CASE, CAST, INTERVAL, ( ... )

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "graphs/expr/syntax.hpp"

namespace rivulet::graphs::expr {

// The whole text must be one expression.
std::unique_ptr<Syntax> parse_expression(std::string_view text);

// "expr [AS name]": the item form of expressionList / aggregateList parameters.
struct ParsedItem {
  std::unique_ptr<Syntax> expression;
  std::optional<std::string> alias;
  std::size_t end_column = 0;  // one past the expression's last token (before any AS)
};
ParsedItem parse_item(std::string_view text);

}  // namespace rivulet::graphs::expr
