// key_by: batches pass through as the same pointer (the hash edge after it does the keying);
// the factory checks the key fields against the input schema.
#include "operators/key_by.hpp"

#include <gtest/gtest.h>

#include "expression_test_support.hpp"
#include "operators/builtin_catalog.hpp"
#include "runtime/operator_registry.hpp"

namespace rivulet::operators::testing {
namespace {

using graphs::FieldType;
using I = std::int64_t;

graphs::Schema input_schema() {
  return {{"user", FieldType::String, true}, {"n", FieldType::Int64, false}};
}

BuiltOperator key_by_of(const graphs::StringList& keys) {
  const graphs::Node node = node_with("k1", "key_by", "keys", keys);
  return build_operator(key_by_factory(), key_by_spec(), node, input_schema(), {input_schema()});
}

TEST(KeyBy, PassesBatchesThroughUnchanged) {
  auto built = key_by_of({"user"});
  ASSERT_EQ(built.error, "");
  const auto batch =
      make_batch(std::make_shared<const graphs::Schema>(input_schema()), {{"a", I{1}}, {N, I{2}}});
  CollectingCollector out;
  built.op->process(0, batch, out);
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0].get(), batch.get());
  built.op->process(0, make_batch(batch->schema(), {}), out);
  EXPECT_EQ(out.batches.size(), 1u);  // empty batches are not forwarded
}

TEST(KeyBy, FactoryChecksKeys) {
  EXPECT_EQ(key_by_of({"user", "n"}).error, "");
  const auto unknown = key_by_of({"usr"});
  EXPECT_EQ(unknown.error.rfind("node 'k1', parameter 'keys': unknown field 'usr'", 0), 0u)
      << unknown.error;
  EXPECT_EQ(key_by_of({}).error, "node 'k1', parameter 'keys': at least one key field is required");
}

TEST(KeyBy, IsRegisteredWithItsFactory) {
  EXPECT_NE(builtin_registry().factory("key_by"), nullptr);
}

}  // namespace
}  // namespace rivulet::operators::testing
