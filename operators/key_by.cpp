#include "operators/key_by.hpp"

#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec key_by_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  // The validator takes the keys of a keyed stream from the "keys" parameter of the "keying"
  // operator that produced it; keep both names in step with graphs/validator.cpp.
  return Operator("key_by", "keying",
                  "Partitions the stream by key fields, for the stateful operators downstream. "
                  "Like Flink's keyBy or Kafka Streams' groupByKey, all records with the same key "
                  "reach the same instance of the downstream stateful operator, in order. Connect "
                  "its output with hash partitioning on the same fields.")
      .inputs({input("in", "Records to key.")})
      .outputs({keyed_output("out", same_as_input("in"), "The same records, keyed.")})
      .parameters({
          required_list("keys", ParameterType::FieldList,
                        "Key fields, e.g. [\"card_id\"]. Records whose key is NULL are keyed by "
                        "NULL like any other value.")
              .over("in"),
      });
}

OperatorFactory key_by_factory() { return {}; }

}  // namespace rivulet::operators
