#pragma once
// The graph's restart strategy (graphs::RestartStrategy) as a RestartPolicy for the job
// supervisor. The delay sequence is a pure function so it can be tested without sleeping.
//
// - none: never restart.
// - fixed delay: up to `attempts` restarts, each after `delay_ms`.
// - exponential backoff: up to `attempts` restarts (max attempts), the k-th (0-based) after
//   initial_delay_ms * multiplier^k, capped at max_delay_ms (no cap when max_delay_ms <= 0).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "graphs/graph.hpp"
#include "runtime/job_supervisor.hpp"

namespace rivulet::runtime {

// The delay before restart number `restarts_so_far + 1`, or nullopt when the strategy gives up.
std::optional<std::chrono::milliseconds> restart_delay(const graphs::RestartStrategy& strategy,
                                                       std::uint32_t restarts_so_far);

class StrategyRestartPolicy final : public RestartPolicy {
 public:
  explicit StrategyRestartPolicy(graphs::RestartStrategy strategy) : strategy_(strategy) {}
  std::optional<std::chrono::milliseconds> restart_after(const TaskFailure& failure,
                                                         std::uint32_t restarts) override;

 private:
  graphs::RestartStrategy strategy_;
};

// Null for RestartKind::None (the supervisor then fails the job on the first task failure).
std::shared_ptr<RestartPolicy> make_restart_policy(const graphs::RestartStrategy& strategy);

}  // namespace rivulet::runtime
