#include "graphs/runtime_rules.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "graphs/validation_text.hpp"

namespace rivulet::graphs::validation {
namespace {

// Every duration in the runtime section is a count of milliseconds that makes no sense below 0
// (before, a negative interval or delay was accepted and then clamped or misread).
void non_negative(Context& context, const char* field, std::int64_t ms) {
  if (ms < 0) {
    context.graph_problem(field, "must not be negative, got " + std::to_string(ms) + " ms");
  }
}

}  // namespace

void check_runtime(Context& context) {
  const RuntimeConfig& runtime = context.graph.runtime;
  non_negative(context, "runtime.checkpointIntervalMs", runtime.checkpoint_interval_ms);
  if (runtime.checkpoints_retained == 0) {
    context.graph_problem("runtime.checkpointsRetained",
                          "must be at least 1 (0 would keep no checkpoint to restore from)");
  }
  // UInt32 already refuses negatives; a huge count is a typo that silently disables the limit.
  constexpr std::uint32_t kMaxTolerable = 10000;
  if (runtime.tolerable_failed_checkpoints > kMaxTolerable) {
    context.graph_problem("runtime.tolerableFailedCheckpoints",
                          "must be at most " + std::to_string(kMaxTolerable) + ", got " +
                              std::to_string(runtime.tolerable_failed_checkpoints));
  }
  const RestartStrategy& restart = runtime.restart;
  switch (restart.kind) {
    case RestartKind::None:
      break;
    case RestartKind::FixedDelay:
      non_negative(context, "runtime.restartStrategy.fixedDelay.delayMs", restart.delay_ms);
      break;
    case RestartKind::ExponentialBackoff: {
      const std::string group = "runtime.restartStrategy.exponentialBackoff.";
      non_negative(context, (group + "initialDelayMs").c_str(), restart.initial_delay_ms);
      non_negative(context, (group + "maxDelayMs").c_str(), restart.max_delay_ms);
      if (!std::isfinite(restart.multiplier) || restart.multiplier < 1.0) {
        context.graph_problem(group + "multiplier", "must be a number of at least 1, got " +
                                                        format_number(restart.multiplier));
      }
      if (restart.max_delay_ms > 0 && restart.max_delay_ms < restart.initial_delay_ms) {
        context.graph_problem(
            group + "maxDelayMs",
            "is below initialDelayMs (" + std::to_string(restart.initial_delay_ms) + " ms)");
      }
      break;
    }
  }
}

}  // namespace rivulet::graphs::validation
