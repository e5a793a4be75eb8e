// The restart strategies' delay sequences, as pure functions (nothing sleeps).
#include <gtest/gtest.h>

#include <vector>

#include "runtime/restart_strategy.hpp"

namespace rivulet::runtime {
namespace {

using std::chrono::milliseconds;

// Delays until the strategy gives up (bounded, in case it never does).
std::vector<std::int64_t> sequence(const graphs::RestartStrategy& strategy) {
  std::vector<std::int64_t> delays;
  for (std::uint32_t restarts = 0; restarts < 100; ++restarts) {
    auto delay = restart_delay(strategy, restarts);
    if (!delay) break;
    delays.push_back(delay->count());
  }
  return delays;
}

TEST(RestartStrategyTest, NoneNeverRestarts) {
  EXPECT_TRUE(sequence({}).empty());
  EXPECT_EQ(make_restart_policy({}), nullptr);
}

TEST(RestartStrategyTest, FixedDelayRestartsAttemptsTimesWithTheSameDelay) {
  graphs::RestartStrategy fixed;
  fixed.kind = graphs::RestartKind::FixedDelay;
  fixed.attempts = 3;
  fixed.delay_ms = 250;
  EXPECT_EQ(sequence(fixed), (std::vector<std::int64_t>{250, 250, 250}));
  fixed.attempts = 0;
  EXPECT_TRUE(sequence(fixed).empty());
}

TEST(RestartStrategyTest, ExponentialBackoffGrowsByTheMultiplierUpToTheCap) {
  graphs::RestartStrategy backoff;
  backoff.kind = graphs::RestartKind::ExponentialBackoff;
  backoff.attempts = 7;
  backoff.initial_delay_ms = 100;
  backoff.max_delay_ms = 2000;
  backoff.multiplier = 2.0;
  EXPECT_EQ(sequence(backoff), (std::vector<std::int64_t>{100, 200, 400, 800, 1600, 2000, 2000}));
  backoff.multiplier = 1.5;
  backoff.attempts = 4;
  EXPECT_EQ(sequence(backoff), (std::vector<std::int64_t>{100, 150, 225, 337}));
}

TEST(RestartStrategyTest, ExponentialBackoffWithoutCapSaturatesInsteadOfOverflowing) {
  graphs::RestartStrategy backoff;
  backoff.kind = graphs::RestartKind::ExponentialBackoff;
  backoff.attempts = 100;
  backoff.initial_delay_ms = 1000;
  backoff.multiplier = 10.0;
  const auto delays = sequence(backoff);
  ASSERT_EQ(delays.size(), 100u);
  for (std::size_t i = 1; i < delays.size(); ++i) EXPECT_GE(delays[i], delays[i - 1]);
  EXPECT_GT(delays.back(), 0);
}

TEST(RestartStrategyTest, PolicyCountsRestartsSoFar) {
  graphs::RestartStrategy fixed;
  fixed.kind = graphs::RestartKind::FixedDelay;
  fixed.attempts = 1;
  fixed.delay_ms = 5;
  auto policy = make_restart_policy(fixed);
  ASSERT_NE(policy, nullptr);
  TaskFailure failure{0, "x#0: boom"};
  EXPECT_EQ(policy->restart_after(failure, 0), milliseconds(5));
  EXPECT_EQ(policy->restart_after(failure, 1), std::nullopt);
}

}  // namespace
}  // namespace rivulet::runtime
