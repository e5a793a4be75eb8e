// CheckpointHealth: what `rivulet run` (and, as job events, `rivulet node`) says about
// checkpoints as they happen. Times are given, not read from a clock.
#include "runtime/checkpoint_health.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rivulet::runtime {
namespace {

using Outcome = CheckpointSummary::Outcome;

CheckpointSummary summary(CheckpointId id, Outcome outcome, std::int64_t ended_ms,
                          std::string failure = "") {
  CheckpointSummary s;
  s.id = id;
  s.started_ms = ended_ms;
  s.ended_ms = ended_ms;
  s.outcome = outcome;
  s.failure = std::move(failure);
  return s;
}

TEST(CheckpointHealthTest, EachFailureIsReportedOnceWithItsCauseAndARunOfThemWarns) {
  CheckpointHealth health({1000, 3}, 0);
  std::vector<CheckpointSummary> history{summary(1, Outcome::Completed, 900)};
  EXPECT_TRUE(health.observe(history, 0, 1000).empty());
  history.push_back(summary(2, Outcome::Failed, 1900, "checkpoint 2 could not begin: EROFS"));
  EXPECT_EQ(health.observe(history, 1, 2000),
            (std::vector<std::string>{"checkpoint 2 could not begin: EROFS"}));
  EXPECT_TRUE(health.observe(history, 1, 2100).empty()) << "reported once";
  history.push_back(summary(3, Outcome::InProgress, 0));
  EXPECT_TRUE(health.observe(history, 1, 2200).empty());
  history.back() = summary(3, Outcome::Failed, 2900, "checkpoint 3 aborted: timed out");
  EXPECT_EQ(health.observe(history, 2, 3000),
            (std::vector<std::string>{"checkpoint 3 aborted: timed out",
                                      "2 checkpoints failed in a row; the job fails once more "
                                      "than 3 do (runtime.tolerableFailedCheckpoints)"}));
  // Once per run of failures: the next one is reported, the warning not again until a
  // completed checkpoint ended the run.
  history.push_back(summary(4, Outcome::Failed, 3900, "checkpoint 4 aborted: timed out"));
  EXPECT_EQ(health.observe(history, 3, 4000),
            (std::vector<std::string>{"checkpoint 4 aborted: timed out"}));
  history.push_back(summary(5, Outcome::Completed, 4900));
  history.push_back(summary(6, Outcome::Failed, 5900, "checkpoint 6 aborted: timed out"));
  history.push_back(summary(7, Outcome::Failed, 6900, "checkpoint 7 aborted: timed out"));
  EXPECT_EQ(health.observe(history, 2, 7000).size(), 3u) << "a new run warns again";
}

// The node's view: failures are events of their own, so only the warnings come back.
TEST(CheckpointHealthTest, WithoutFailureLinesOnlyTheWarningsAreReturned) {
  CheckpointHealthConfig config{1000, 3};
  config.report_failures = false;
  CheckpointHealth health(config, 0);
  std::vector<CheckpointSummary> history{summary(1, Outcome::Failed, 900, "cause 1")};
  EXPECT_TRUE(health.observe(history, 1, 1000).empty());
  history.push_back(summary(2, Outcome::Failed, 1900, "cause 2"));
  const std::vector<std::string> warned = health.observe(history, 2, 2000);
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_EQ(warned[0].rfind("2 checkpoints failed in a row", 0), 0u) << warned[0];
}

TEST(CheckpointHealthTest, NoCompletedCheckpointForSeveralIntervalsWarnsOncePerStretch) {
  CheckpointHealth health({1000, 3, 3, 0}, 10'000);
  std::vector<CheckpointSummary> history;
  EXPECT_TRUE(health.observe(history, 0, 12'999).empty());
  const std::vector<std::string> stale = health.observe(history, 0, 13'000);
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0],
            "no checkpoint completed for 3 s (the checkpoint interval is 1000 ms): exactly-once "
            "output waits for checkpoints");
  EXPECT_TRUE(health.observe(history, 0, 20'000).empty()) << "once per stretch";
  history.push_back(summary(1, Outcome::Completed, 20'500));
  EXPECT_TRUE(health.observe(history, 0, 21'000).empty());
  EXPECT_EQ(health.observe(history, 0, 24'000).size(), 1u) << "a new stretch warns again";
}

TEST(CheckpointHealthTest, ShortIntervalsWarnOnlyAfterTheMinimumStretch) {
  CheckpointHealth health({100, 3}, 0);  // default minimum: 10 s
  EXPECT_TRUE(health.observe({}, 0, 9'999).empty());
  EXPECT_EQ(health.observe({}, 0, 10'000).size(), 1u);
}

TEST(CheckpointHealthTest, WithoutPeriodicCheckpointsNothingIsStale) {
  CheckpointHealth health({0, 3}, 0);
  EXPECT_TRUE(health.observe({}, 0, 1'000'000).empty());
}

}  // namespace
}  // namespace rivulet::runtime
