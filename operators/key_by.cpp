#include "operators/key_by.hpp"

#include <memory>

#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/field_ref.hpp"

namespace rivulet::operators {

graphs::OperatorSpec key_by_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  // Its output declares that it is keyed by "keys" (PortSpec::keyed_by): the validator and the
  // planner take the stream's keys from there.
  return Operator("key_by", "keying",
                  "Partitions the stream by key fields, for the stateful operators downstream. "
                  "Like Flink's keyBy or Kafka Streams' groupByKey, all records with the same key "
                  "reach the same instance of the downstream stateful operator, in order. Connect "
                  "its output with hash partitioning on the same fields.")
      .inputs({input("in", "Records to key.")})
      .outputs({keying_output("out", same_as_input("in"), "The same records, keyed.", "keys")})
      .parameters({
          required_list("keys", ParameterType::FieldList,
                        "Key fields, e.g. [\"card_id\"]. Records whose key is NULL are keyed by "
                        "NULL like any other value.")
              .over("in"),
      });
}

namespace {

// key_by moves no data itself. Keying is a property of its output edges: the planner
// (runtime/planner.cpp, effective_partitioning) plans every edge out of a keying output (keyed_by)
// as a hash edge on the "keys" fields — a forward edge included — and the output gate hashes each
// record's key columns (XXH3, key groups; runtime/partitioner.hpp) to pick the downstream
// instance. So the operator re-emits each batch as the same pointer, without a copy; it runs
// with the parallelism of its input and the partitioning happens as the batch leaves it.
class KeyByOperator final : public runtime::Operator {
 public:
  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    if (batch->num_rows() > 0) out.emit(batch);
  }
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_key_by(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  auto keys = params.string_list("keys");
  if (!keys) return keys.error();
  if (keys->empty()) return params.error("keys", "at least one key field is required");
  if (context.input_schemas.empty()) return params.error("keys", "the input has no schema");
  // The hash edge resolves the same names; failing here names the node and parameter.
  auto resolved = runtime::resolve_fields(context.input_schemas[0], *keys);
  if (!resolved) return params.error("keys", resolved.error().message);
  return std::unique_ptr<runtime::Operator>(std::make_unique<KeyByOperator>());
}

}  // namespace

runtime::OperatorFactory key_by_factory() { return runtime::TransformFactory(make_key_by); }

}  // namespace rivulet::operators
