#include "operators/map.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "operators/expression/projection_operator.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec map_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("map", "transform",
                  "Adds or replaces fields computed from expressions. All input fields are kept: "
                  "an item named like an input field replaces it in place, other items are "
                  "appended in order. Every expression sees the input record, not the results of "
                  "earlier items.")
      .inputs({input("in", "Records to extend.")})
      .outputs({output("out", extend_input("in", "expressions"),
                       "The input fields (some replaced) followed by the new fields.")})
      .parameters({
          required_list("expressions", ParameterType::ExpressionList,
                        "\"expression AS name\" items, e.g. \"amount * 1.1 AS amount_with_fee\", "
                        "\"upper(country) AS country\".")
              .over("in"),
      });
}

namespace {

// The output layout follows the ExtendInput schema rule (graphs/schema_propagation.cpp): the
// input fields in order, an item named like one of them replacing it in place, the others
// appended in order. Input fields that no item replaces pass through untouched.
graphs::Result<std::unique_ptr<runtime::Operator>> make_map(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.empty()) return params.error("expressions", "the input has no schema");
  const graphs::Schema& input = context.input_schemas[0];
  auto items = params.checked_expression_list("expressions", input);
  if (!items) return items.error();

  graphs::Schema fields = input;
  std::vector<expression::Projection::Source> sources;
  for (std::size_t i = 0; i < input.size(); ++i) sources.push_back({i, nullptr});
  std::vector<std::string> computed;
  for (const graphs::expr::NamedExpression& item : *items) {
    if (std::find(computed.begin(), computed.end(), item.name) != computed.end()) {
      return params.error("expressions", "duplicate output name '" + item.name + "'");
    }
    computed.push_back(item.name);
    auto source = expression::Projection::source_for(item.expression);
    if (!source)
      return params.error("expressions", "in '" + item.name + "': " + source.error().message);
    const graphs::expr::Type& type = item.expression.type;
    graphs::Field field{item.name, type.type, type.nullable || type.is_null_literal};
    auto same = std::find_if(fields.begin(), fields.end(),
                             [&](const graphs::Field& f) { return f.name == item.name; });
    if (same != fields.end()) {
      const auto index = static_cast<std::size_t>(same - fields.begin());
      *same = field;
      sources[index] = std::move(*source);
    } else {
      fields.push_back(field);
      sources.push_back(std::move(*source));
    }
  }
  if (!context.output_schemas.empty() && context.output_schemas[0] != fields) {
    return params.error("expressions",
                        "the output schema derived from the expressions differs from the "
                        "propagated one");
  }
  auto projection = std::make_unique<expression::Projection>(
      std::make_shared<const graphs::Schema>(std::move(fields)), std::move(sources));
  return std::unique_ptr<runtime::Operator>(
      std::make_unique<expression::ProjectionOperator>(context.node.id, std::move(projection)));
}

}  // namespace

runtime::OperatorFactory map_factory() { return runtime::TransformFactory(make_map); }

}  // namespace rivulet::operators
