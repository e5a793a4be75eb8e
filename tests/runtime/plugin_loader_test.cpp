// Operator plugins: the example `sample` plugin loads, registers and runs on a batch; broken
// libraries fail with messages that say what is wrong.

#include "runtime/plugin_loader.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/batch_builder.hpp"
#include "runtime/builtin_operators.hpp"
#include "runtime/plugin_api.hpp"

namespace rivulet::runtime {
namespace {

using graphs::FieldType;

class CollectingCollector : public runtime::Collector {
 public:
  void emit(std::size_t, runtime::BatchPtr batch) override { batches.push_back(std::move(batch)); }
  bool has_capacity() const override { return true; }
  std::vector<runtime::BatchPtr> batches;
};

runtime::BatchPtr numbers(int rows) {
  auto schema = std::make_shared<const graphs::Schema>(
      graphs::Schema{{"n", FieldType::Int64}, {"s", FieldType::String}});
  runtime::BatchBuilder b(schema);
  for (int i = 0; i < rows; ++i) {
    b.append_int64(0, i);
    b.append_string(1, "row" + std::to_string(i));
    b.end_row(i);
  }
  return b.finish();
}

std::unique_ptr<runtime::Operator> build_sample(const runtime::OperatorRegistry& registry,
                                                double fraction) {
  graphs::Node node;
  node.id = "s1";
  node.kind = "sample";
  node.set_parameter("fraction", fraction);
  const runtime::OperatorFactory* factory = registry.factory("sample");
  EXPECT_NE(factory, nullptr);
  if (factory == nullptr) return nullptr;
  runtime::OperatorBuildContext context{node, *registry.find("sample"), {}, {}, {}, 0, 1, ""};
  auto op = std::get<runtime::TransformFactory>(*factory)(context);
  EXPECT_TRUE(op.ok());
  return op.ok() ? std::move(*op) : nullptr;
}

TEST(Plugin, SamplePluginRegistersBesideTheBuiltinsAndRuns) {
  runtime::OperatorRegistry registry =
      builtin_operators();  // a copy: the CLI's registry for one job
  const std::size_t builtins = registry.size();
  auto kinds = load_plugin(RIVULET_SAMPLE_PLUGIN, registry);
  ASSERT_TRUE(kinds.ok()) << kinds.error().message;
  EXPECT_EQ(*kinds, std::vector<std::string>{"sample"});
  EXPECT_EQ(registry.size(), builtins + 1);
  ASSERT_NE(registry.find("sample"), nullptr);
  EXPECT_EQ(registry.find("sample")->category, "transform");

  auto sample = build_sample(registry, 0.25);
  ASSERT_TRUE(sample);
  CollectingCollector out;
  sample->process(0, numbers(4000), out);
  ASSERT_EQ(out.batches.size(), 1u);
  const runtime::RecordBatch& kept = *out.batches[0];
  EXPECT_NEAR(static_cast<double>(kept.num_rows()), 1000, 120);
  for (std::size_t r = 0; r < kept.num_rows(); ++r) {  // rows are copied whole, in order
    EXPECT_EQ(kept.column(1).string_at(r), "row" + std::to_string(kept.column(0).int64s()[r]));
    if (r > 0) {
      EXPECT_GT(kept.column(0).int64s()[r], kept.column(0).int64s()[r - 1]);
    }
  }

  // Same seed, same input: the same records.
  auto again = build_sample(registry, 0.25);
  CollectingCollector out2;
  again->process(0, numbers(4000), out2);
  ASSERT_EQ(out2.batches.size(), 1u);
  ASSERT_EQ(out2.batches[0]->num_rows(), kept.num_rows());
  for (std::size_t r = 0; r < kept.num_rows(); ++r) {
    EXPECT_EQ(out2.batches[0]->column(0).int64s()[r], kept.column(0).int64s()[r]);
  }

  // fraction 1 keeps everything and passes the shared batch on.
  auto all = build_sample(registry, 1.0);
  CollectingCollector out3;
  auto input = numbers(10);
  all->process(0, input, out3);
  ASSERT_EQ(out3.batches.size(), 1u);
  EXPECT_EQ(out3.batches[0], input);
}

TEST(Plugin, LoadingTwiceClashesAndChangesNothing) {
  runtime::OperatorRegistry registry;
  ASSERT_TRUE(load_plugin(RIVULET_SAMPLE_PLUGIN, registry).ok());
  auto twice = load_plugin(RIVULET_SAMPLE_PLUGIN, registry);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, std::string("plugin '") + RIVULET_SAMPLE_PLUGIN +
                                       "': operator kind 'sample' is already registered");
  EXPECT_EQ(registry.size(), 1u);
}

TEST(Plugin, VersionMismatchSaysToRebuild) {
  runtime::OperatorRegistry registry;
  auto loaded = load_plugin(RIVULET_WRONG_VERSION_PLUGIN, registry);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message,
            std::string("plugin '") + RIVULET_WRONG_VERSION_PLUGIN +
                "': built for plugin API version 999, this Rivulet provides version " +
                std::to_string(kPluginApiVersion) +
                "; rebuild the plugin against this Rivulet's headers");
  EXPECT_EQ(registry.size(), 0u);
}

TEST(Plugin, MissingEntryPointIsNotAPlugin) {
  runtime::OperatorRegistry registry;
  auto loaded = load_plugin(RIVULET_NO_ENTRY_PLUGIN, registry);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message,
            std::string("plugin '") + RIVULET_NO_ENTRY_PLUGIN +
                "': not a Rivulet operator plugin: it does not export rivulet_register_operators "
                "(define it with RIVULET_DEFINE_PLUGIN from runtime/plugin_api.hpp)");
}

TEST(Plugin, MissingFileNamesTheFile) {
  runtime::OperatorRegistry registry;
  auto loaded = load_plugin("/no/such/plugin.so", registry);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message.rfind("plugin '/no/such/plugin.so': cannot load: ", 0), 0u)
      << loaded.error().message;
}

// A bare name is a file in the working directory, never a library found on the system's
// search path: libc is loadable by name with a plain dlopen, and must not be here.
TEST(Plugin, BareNameIsNotLookedUpOnTheLibraryPath) {
  runtime::OperatorRegistry registry;
  auto loaded = load_plugin("libc.so.6", registry);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message.rfind("plugin 'libc.so.6': cannot load: ", 0), 0u)
      << loaded.error().message;
}

}  // namespace
}  // namespace rivulet::runtime
