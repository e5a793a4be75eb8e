#include "operators/filter.hpp"

#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec filter_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("filter", "transform",
                  "Keeps the records for which a boolean predicate is true. Records for which it "
                  "is false or NULL are dropped, as with SQL WHERE.")
      .inputs({input("in", "Records to filter.")})
      .outputs({output("out", same_as_input("in"), "The records that passed, unchanged.")})
      .parameters({
          required_expression("predicate",
                              "Boolean expression over the input fields, e.g. "
                              "\"amount > 1000 AND country <> 'US'\".")
              .over("in")
              .result("bool"),
      });
}

OperatorFactory filter_factory() { return {}; }

}  // namespace rivulet::operators
