#pragma once
// Accumulates the time a task spends without output capacity (waiting for credit) into its
// metrics. Updated at the few points where capacity can change, never per record. While a wait
// is in progress its start is published too (TaskMetrics::backpressured_since_ns), so readers
// see a task stuck for a long time as backpressured before credit comes back.

#include <chrono>
#include <optional>

#include "runtime/task_metrics.hpp"

namespace rivulet::runtime {

class BackpressureClock {
 public:
  explicit BackpressureClock(TaskMetrics& metrics) : metrics_(metrics) {}

  // Returns true when the capacity state changed.
  bool update(bool has_capacity) {
    using clock = std::chrono::steady_clock;
    if (!has_capacity && !since_) {
      since_ = clock::now();
      metrics_.begin_backpressure(TaskMetrics::steady_clock_ns(*since_));
      return true;
    }
    if (has_capacity && since_) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - *since_);
      metrics_.end_backpressure(static_cast<std::uint64_t>(ns.count()));
      since_.reset();
      return true;
    }
    return false;
  }
  bool backpressured() const { return since_.has_value(); }

 private:
  TaskMetrics& metrics_;
  std::optional<std::chrono::steady_clock::time_point> since_;
};

// The same for the time a task waits for input (TaskMetrics::idle_ns): begin() when it runs
// out of input, end() when input (or the end of the job) arrives. One clock read per
// transition, and the transitions happen per batch at most.
class IdleClock {
 public:
  explicit IdleClock(TaskMetrics& metrics) : metrics_(metrics) {}
  ~IdleClock() { end(); }
  IdleClock(const IdleClock&) = delete;
  IdleClock& operator=(const IdleClock&) = delete;

  void begin() {
    if (since_ != 0) return;
    since_ = TaskMetrics::steady_clock_ns();
    metrics_.begin_idle(since_);
  }
  void end() {
    if (since_ == 0) return;
    const std::int64_t now = TaskMetrics::steady_clock_ns();
    metrics_.end_idle(now > since_ ? static_cast<std::uint64_t>(now - since_) : 0);
    since_ = 0;
  }

 private:
  TaskMetrics& metrics_;
  std::int64_t since_ = 0;
};

}  // namespace rivulet::runtime
