#pragma once
// Accumulates the time a task spends without output capacity (waiting for credit) into its
// metrics. Updated at the few points where capacity can change, never per record.

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
      return true;
    }
    if (has_capacity && since_) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - *since_);
      TaskMetrics::add(metrics_.backpressured_ns, static_cast<std::uint64_t>(ns.count()));
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

}  // namespace rivulet::runtime
