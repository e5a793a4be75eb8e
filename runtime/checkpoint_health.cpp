#include "runtime/checkpoint_health.hpp"

#include <algorithm>

namespace rivulet::runtime {
namespace {

// "2.5 s", "60 s".
std::string seconds_text(std::int64_t ms) {
  std::string text = std::to_string(ms / 1000);
  if (const std::int64_t tenths = (ms % 1000) / 100; tenths != 0) {
    text += "." + std::to_string(tenths);
  }
  return text + " s";
}

}  // namespace

CheckpointHealth::CheckpointHealth(CheckpointHealthConfig config, std::int64_t started_ms)
    : config_(config), last_completed_ms_(started_ms) {}

std::vector<std::string> CheckpointHealth::observe(const std::vector<CheckpointSummary>& history,
                                                   std::uint64_t consecutive_failures,
                                                   std::int64_t now_ms) {
  std::vector<std::string> lines;
  bool failed_now = false;
  for (const CheckpointSummary& summary : history) {
    if (summary.outcome == CheckpointSummary::Outcome::InProgress) continue;
    if (!reported_.insert(summary.id).second) continue;
    if (summary.outcome == CheckpointSummary::Outcome::Completed) {
      if (!summary.savepoint) {
        last_completed_ms_ = std::max(last_completed_ms_, summary.ended_ms);
        stale_warned_ = false;
        failures_warned_ = false;
      }
      continue;
    }
    if (config_.report_failures) {
      lines.push_back(summary.failure.empty()
                          ? "checkpoint " + std::to_string(summary.id) + " failed"
                          : summary.failure);
    }
    failed_now = true;
  }
  if (failed_now && consecutive_failures >= 2 && !failures_warned_) {
    failures_warned_ = true;
    lines.push_back(std::to_string(consecutive_failures) +
                    " checkpoints failed in a row; the job fails once more than " +
                    std::to_string(config_.tolerable_failures) +
                    " do (runtime.tolerableFailedCheckpoints)");
  }
  const std::int64_t stale_ms =
      std::max(static_cast<std::int64_t>(config_.stale_intervals) * config_.interval_ms,
               config_.min_stale_ms);
  if (config_.interval_ms > 0 && !stale_warned_ && now_ms - last_completed_ms_ >= stale_ms) {
    stale_warned_ = true;
    lines.push_back("no checkpoint completed for " + seconds_text(now_ms - last_completed_ms_) +
                    " (the checkpoint interval is " + std::to_string(config_.interval_ms) +
                    " ms): exactly-once output waits for checkpoints");
  }
  return lines;
}

}  // namespace rivulet::runtime
