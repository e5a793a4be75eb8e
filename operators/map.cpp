#include "operators/map.hpp"

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

OperatorFactory map_factory() { return {}; }

}  // namespace rivulet::operators
