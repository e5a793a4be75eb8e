#include "operators/project.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "operators/expression/projection_operator.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec project_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("project", "transform",
                  "Keeps only the listed fields or expressions, in the listed order. Like SQL "
                  "SELECT, it reorders, renames, drops and computes fields.")
      .inputs({input("in", "Records to project.")})
      .outputs({output("out", projection("fields"), "Records with only the listed fields.")})
      .parameters({
          required_list("fields", ParameterType::ExpressionList,
                        "Output fields: bare input field names (\"card_id\") or \"expression AS "
                        "name\" items (\"amount / 100 AS amount_eur\").")
              .over("in"),
      });
}

namespace {

// Output: exactly the listed items, in order (the Projection schema rule). Bare field
// references pass the input column through; everything else is evaluated.
graphs::Result<std::unique_ptr<runtime::Operator>> make_project(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.empty()) return params.error("fields", "the input has no schema");
  auto items = params.checked_expression_list("fields", context.input_schemas[0]);
  if (!items) return items.error();
  graphs::Schema fields;
  std::vector<expression::Projection::Source> sources;
  for (const graphs::expr::NamedExpression& item : *items) {
    const bool repeated = std::any_of(fields.begin(), fields.end(),
                                      [&](const graphs::Field& f) { return f.name == item.name; });
    if (repeated) return params.error("fields", "duplicate output name '" + item.name + "'");
    auto source = expression::Projection::source_for(item.expression);
    if (!source) {
      return params.error("fields", "in '" + item.name + "': " + source.error().message);
    }
    const graphs::expr::Type& type = item.expression.type;
    fields.push_back({item.name, type.type, type.nullable || type.is_null_literal});
    sources.push_back(std::move(*source));
  }
  if (!context.output_schemas.empty() && context.output_schemas[0] != fields) {
    return params.error("fields",
                        "the output schema derived from the items differs from the propagated "
                        "one");
  }
  auto projection = std::make_unique<expression::Projection>(
      std::make_shared<const graphs::Schema>(std::move(fields)), std::move(sources));
  return std::unique_ptr<runtime::Operator>(
      std::make_unique<expression::ProjectionOperator>(context.node.id, std::move(projection)));
}

}  // namespace

runtime::OperatorFactory project_factory() { return runtime::TransformFactory(make_project); }

}  // namespace rivulet::operators
