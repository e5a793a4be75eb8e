#include "operators/project.hpp"

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

OperatorFactory project_factory() { return {}; }

}  // namespace rivulet::operators
