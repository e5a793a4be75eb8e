#pragma once
// Typed access to a node's parameters for operator factories: the node's own value, else the
// spec's default, else an Error that names the node and the parameter, so a factory can write
//   auto size = params.duration_ms("size"); if (!size) return size.error();
// and never index a std::variant by hand. Factories run after validation, so these errors mean
// a programming mistake (a parameter the spec does not declare) or a graph that skipped the
// validator; the messages still say exactly where to look.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/expr/check.hpp"
#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators {

class ParameterReader {
 public:
  ParameterReader(const graphs::Node& node, const graphs::OperatorSpec& spec)
      : node_(node), spec_(spec) {}
  explicit ParameterReader(const runtime::OperatorBuildContext& context)
      : ParameterReader(context.node, context.spec) {}

  // Strings and enums.
  graphs::Result<std::string> string(std::string_view name) const;
  graphs::Result<std::int64_t> integer(std::string_view name) const;
  // Accepts an integer value too (the validator does: 1 is a fine float).
  graphs::Result<double> floating(std::string_view name) const;
  graphs::Result<bool> boolean(std::string_view name) const;
  graphs::Result<std::int64_t> duration_ms(std::string_view name) const;
  // stringList, fieldList, expressionList and aggregateList values.
  graphs::Result<std::vector<std::string>> string_list(std::string_view name) const;
  // The expression's text (an expression parameter).
  graphs::Result<std::string> expression(std::string_view name) const;
  graphs::Result<graphs::Schema> schema(std::string_view name) const;

  // True when the node sets the parameter itself (not the default).
  bool is_set(std::string_view name) const;

  // "node 'f1', parameter 'predicate': <message>" — the prefix every factory error uses.
  graphs::Error error(std::string_view parameter, std::string_view message) const;

  // Parses and type-checks an expression parameter against `input`; errors carry the column.
  graphs::Result<graphs::expr::CheckedExpression> checked_expression(
      std::string_view name, const graphs::Schema& input) const;
  // Parses and checks every "expr AS name" item of an expressionList parameter.
  graphs::Result<std::vector<graphs::expr::NamedExpression>> checked_expression_list(
      std::string_view name, const graphs::Schema& input) const;

  const graphs::Node& node() const { return node_; }

 private:
  // The node's value or the spec's default; Error when neither exists.
  graphs::Result<const graphs::Value*> lookup(std::string_view name) const;
  graphs::Error ill_typed(std::string_view name, std::string_view expected) const;

  const graphs::Node& node_;
  const graphs::OperatorSpec& spec_;
};

}  // namespace rivulet::operators
