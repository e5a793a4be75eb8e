// Test operator plugin: `fail_once`, a pass-through that throws on the `fail_at`-th record one
// of its instances sees — once per process (a static flag), so after the job's restart strategy
// restarts the job inside the same process, the rebuilt instances pass everything through.
// It appends what happened to `marker_file` (if set), one line per event, for the test to
// check that the failure and the restart really happened:
//   open <task>                  each time an instance is opened (first start and restarts)
//   threw <task> <record number> once, just before the exception
// Used by tests/runtime/cli/operator_failure_test.cpp with `rivulet run --plugin`.

#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "operators/spec_builder.hpp"
#include "runtime/plugin_api.hpp"

namespace {

using namespace rivulet;  // NOLINT(google-build-using-namespace): a small self-contained plugin

std::atomic<bool> failed_once{false};  // per process: the plugin is loaded once
std::mutex marker_mutex;

void mark(const std::string& file, const std::string& line) {
  if (file.empty()) return;
  std::lock_guard lock{marker_mutex};
  std::ofstream out(file, std::ios::app);
  out << line << '\n';
}

graphs::OperatorSpec fail_once_spec() {
  using namespace operators::spec;  // NOLINT(google-build-using-namespace)
  return Operator("fail_once", "transform",
                  "Test operator: passes records through unchanged, but throws on the "
                  "'fail_at'-th record an instance sees, once per process.")
      .inputs({input("in", "Records.")})
      .outputs({output("out", same_as_input("in"), "The same records.")})
      .parameters({
          integer("fail_at", 1000, "Which record (1-based, per instance) throws.").min(1),
          text("marker_file", "", "File to append 'open' and 'threw' lines to; empty: none."),
      });
}

class FailOnceOperator final : public runtime::Operator {
 public:
  FailOnceOperator(std::uint64_t fail_at, std::string marker_file)
      : fail_at_(fail_at), marker_file_(std::move(marker_file)) {}

  graphs::Status open(const runtime::OperatorContext& context) override {
    task_ = context.task_name;
    mark(marker_file_, "open " + task_);
    return graphs::Ok{};
  }

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const std::uint64_t before = seen_;
    seen_ += batch->num_rows();
    if (before < fail_at_ && seen_ >= fail_at_ && !failed_once.exchange(true)) {
      mark(marker_file_, "threw " + task_ + " " + std::to_string(fail_at_));
      throw std::runtime_error("fail_once: injected failure at record " + std::to_string(fail_at_) +
                               " of " + task_);
    }
    out.emit(batch);
  }

 private:
  std::uint64_t fail_at_;
  std::string marker_file_;
  std::string task_;
  std::uint64_t seen_ = 0;
};

// Parameter access by hand, like the sample plugin: as few host symbols as possible.
template <class T>
T parameter(const runtime::OperatorBuildContext& context, const char* name, T fallback) {
  const graphs::Value* value = context.node.parameter(name);
  if (value == nullptr) return fallback;
  if (const T* typed = std::get_if<T>(value)) return *typed;
  return fallback;
}

graphs::Status register_fail_once(runtime::OperatorRegistry& registry) {
  runtime::TransformFactory factory = [](const runtime::OperatorBuildContext& context)
      -> graphs::Result<std::unique_ptr<runtime::Operator>> {
    const std::int64_t fail_at = parameter<std::int64_t>(context, "fail_at", 1000);
    if (fail_at < 1) {
      return graphs::Error{"node '" + context.node.id + "', parameter 'fail_at': must be >= 1"};
    }
    return std::unique_ptr<runtime::Operator>(std::make_unique<FailOnceOperator>(
        static_cast<std::uint64_t>(fail_at),
        parameter<std::string>(context, "marker_file", std::string())));
  };
  return registry.add(fail_once_spec(), std::move(factory));
}

}  // namespace

RIVULET_DEFINE_PLUGIN(register_fail_once)
