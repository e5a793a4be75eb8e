#pragma once
// What a user running a job must hear about its checkpoints, as it happens: each failed
// checkpoint with its cause, a warning when several failed in a row (once per run of them, and
// after how many the job fails: runtime.tolerableFailedCheckpoints), and a warning when no
// checkpoint completed for several intervals (a slow sink or a stuck barrier: output of
// exactly-once sinks waits for checkpoints). `rivulet run` prints the lines on stderr, `rivulet
// node` turns the warnings into job events; nothing here prints or reads a clock.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "runtime/checkpoint_coordinator.hpp"

namespace rivulet::runtime {

struct CheckpointHealthConfig {
  std::int64_t interval_ms = 0;  // the job's checkpoint interval; 0: no periodic checkpoints
  std::uint32_t tolerable_failures = 0;
  std::uint32_t stale_intervals = 3;  // warn after this many intervals without a completion
  // ... and at least this long: with short intervals the first checkpoint of a starting job
  // routinely takes several of them, which is no news.
  std::int64_t min_stale_ms = 10000;
  // A line for each failed checkpoint with its cause. The node reports those as
  // CheckpointFailed events of their own and wants the warnings only.
  bool report_failures = true;
};

class CheckpointHealth {
 public:
  // `started_ms`: wall clock when the job started (the first interval counts from there).
  CheckpointHealth(CheckpointHealthConfig config, std::int64_t started_ms);

  // The lines to report for what changed since the last call, oldest first. `history`:
  // CheckpointMetrics::history(); `consecutive_failures`: CheckpointMetrics's count of periodic
  // failures since the last completed checkpoint; `now_ms`: wall clock.
  std::vector<std::string> observe(const std::vector<CheckpointSummary>& history,
                                   std::uint64_t consecutive_failures, std::int64_t now_ms);

 private:
  CheckpointHealthConfig config_;
  std::int64_t last_completed_ms_;
  std::set<CheckpointId> reported_;  // ids whose outcome (completed or failed) was seen
  bool stale_warned_ = false;        // once per stretch without a completed checkpoint
  bool failures_warned_ = false;     // once per run of consecutive failures
};

}  // namespace rivulet::runtime
