#pragma once
// The type checker: resolves a Syntax tree against the input schema and produces the typed
// Node tree (ast.hpp). Field names become indices, function names become ids, NULL literals take
// the type their context needs and int64 -> float64 promotions become implicit Cast nodes.
// Throws Failure (error.hpp) on the first error.

#include <string_view>

#include "graphs/expr/ast.hpp"
#include "graphs/expr/syntax.hpp"
#include "graphs/graph.hpp"

namespace rivulet::graphs::expr {

NodePtr bind(const Syntax& syntax, const Schema& input);

// The names of the aggregate functions; they are rejected inside scalar expressions.
bool is_aggregate_name(std::string_view lower_name);

}  // namespace rivulet::graphs::expr
