// Example operator plugin: `sample`, Bernoulli sampling of a stream — keep each record with
// probability `fraction`, reproducibly for a seed. Useful in front of expensive sinks (log
// analysis, clickstream debugging) and small enough to read in one go. Build: the
// rivulet_sample target (examples/plugins/CMakeLists.txt); use: rivulet run --plugin
// rivulet_sample.so graph.json with a node of kind "sample".

#include <cstdint>
#include <memory>
#include <vector>

#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/plugin_api.hpp"

namespace {

using namespace rivulet;  // NOLINT(google-build-using-namespace): a small self-contained plugin

graphs::OperatorSpec sample_spec() {
  using namespace operators::spec;  // NOLINT(google-build-using-namespace)
  return Operator("sample", "transform",
                  "Keeps each record with probability 'fraction', reproducibly for a seed. The "
                  "decision depends on the seed and the record's position in its instance's "
                  "input, so a replay of the same input keeps the same records.")
      .inputs({input("in", "Records to sample.")})
      .outputs({output("out", same_as_input("in"), "The kept records, unchanged.")})
      .parameters({
          floating("fraction", 0.1, "Probability of keeping a record.").min(0).max(1),
          integer("seed", 1, "Random seed; parallel instances derive their own from it."),
      });
}

std::uint64_t mix(std::uint64_t x) {  // a 64-bit avalanche finaliser (as splitmix64's)
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class SampleOperator final : public runtime::Operator {
 public:
  SampleOperator(double fraction, std::uint64_t seed) : fraction_(fraction), seed_(seed) {}

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    rows_.clear();
    for (std::uint32_t row = 0; row < batch->num_rows(); ++row) {
      const double u =
          static_cast<double>(mix(seed_ + position_++ * 0x9e3779b97f4a7c15ULL) >> 11) * 0x1.0p-53;
      if (u < fraction_) rows_.push_back(row);
    }
    if (rows_.empty()) return;
    if (rows_.size() == batch->num_rows()) {
      out.emit(batch);  // all kept: pass the shared batch on, no copy
      return;
    }
    runtime::BatchBuilder kept(batch->schema(), rows_.size());
    kept.append_rows(*batch, rows_);
    out.emit(kept.finish(/*reuse=*/false));
  }

 private:
  double fraction_;
  std::uint64_t seed_;
  std::uint64_t position_ = 0;
  std::vector<std::uint32_t> rows_;
};

// Parameter access by hand: ParameterReader lives in the host's operator library, and a plugin
// should depend on as few host symbols as it can.
template <class T>
T parameter(const runtime::OperatorBuildContext& context, const char* name, T fallback) {
  const graphs::Value* value = context.node.parameter(name);
  if (value == nullptr) return fallback;
  if (const T* typed = std::get_if<T>(value)) return *typed;
  if constexpr (std::is_same_v<T, double>) {
    if (const auto* whole = std::get_if<std::int64_t>(value)) return static_cast<double>(*whole);
  }
  return fallback;
}

graphs::Status register_sample(runtime::OperatorRegistry& registry) {
  runtime::TransformFactory factory = [](const runtime::OperatorBuildContext& context)
      -> graphs::Result<std::unique_ptr<runtime::Operator>> {
    const double fraction = parameter(context, "fraction", 0.1);
    const auto seed = static_cast<std::uint64_t>(parameter<std::int64_t>(context, "seed", 1));
    if (fraction < 0 || fraction > 1) {
      return graphs::Error{"node '" + context.node.id +
                           "', parameter 'fraction': must be between 0 and 1"};
    }
    // Each instance its own stream, derived from the seed and the subtask.
    return std::unique_ptr<runtime::Operator>(
        std::make_unique<SampleOperator>(fraction, mix(seed ^ mix(context.subtask_index + 1))));
  };
  return registry.add(sample_spec(), std::move(factory));
}

}  // namespace

RIVULET_DEFINE_PLUGIN(register_sample)
