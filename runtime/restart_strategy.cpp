#include "runtime/restart_strategy.hpp"

#include <algorithm>
#include <cmath>

namespace rivulet::runtime {

std::optional<std::chrono::milliseconds> restart_delay(const graphs::RestartStrategy& strategy,
                                                       std::uint32_t restarts_so_far) {
  using std::chrono::milliseconds;
  switch (strategy.kind) {
    case graphs::RestartKind::None:
      return std::nullopt;
    case graphs::RestartKind::FixedDelay:
      if (restarts_so_far >= strategy.attempts) return std::nullopt;
      return milliseconds(std::max<std::int64_t>(strategy.delay_ms, 0));
    case graphs::RestartKind::ExponentialBackoff: {
      if (restarts_so_far >= strategy.attempts) return std::nullopt;
      // In double, so a long series saturates at the cap instead of overflowing.
      const double multiplier = std::max(strategy.multiplier, 1.0);
      double delay = static_cast<double>(std::max<std::int64_t>(strategy.initial_delay_ms, 0)) *
                     std::pow(multiplier, static_cast<double>(restarts_so_far));
      if (strategy.max_delay_ms > 0) delay = std::min(delay, double(strategy.max_delay_ms));
      delay = std::min(delay, 1e15);  // an uncapped series still fits in int64 milliseconds
      return milliseconds(static_cast<std::int64_t>(delay));
    }
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> StrategyRestartPolicy::restart_after(
    const TaskFailure& /*failure*/, std::uint32_t restarts) {
  // Every task failure counts, whatever its cause: a fatal error repeats until the limit.
  return restart_delay(strategy_, restarts);
}

std::shared_ptr<RestartPolicy> make_restart_policy(const graphs::RestartStrategy& strategy) {
  if (strategy.kind == graphs::RestartKind::None) return nullptr;
  return std::make_shared<StrategyRestartPolicy>(strategy);
}

}  // namespace rivulet::runtime
