#pragma once
// Live counters of one task. Written by the task's thread only (relaxed atomics, no locks) and
// read from anywhere: the CLI's live table, the node's metrics push, tests.

#include <atomic>
#include <cstdint>

#include "runtime/channel_messages.hpp"

namespace rivulet::runtime {

enum class TaskState : std::uint32_t { Created, Running, Finishing, Finished, Failed };

struct TaskMetrics {
  std::atomic<std::uint64_t> records_in{0};
  std::atomic<std::uint64_t> records_out{0};
  std::atomic<std::uint64_t> batches_in{0};
  std::atomic<std::uint64_t> batches_out{0};  // per channel: a broadcast batch counts N times
  // Time with output capacity exhausted (waiting for credit) — Flink's "backpressured" time.
  std::atomic<std::uint64_t> backpressured_ns{0};
  std::atomic<std::int64_t> watermark_ms{kMinWatermark};
  std::atomic<std::uint64_t> checkpoints_completed{0};
  // High-water marks, exact because they are measured where the queues live:
  // data batches sent on one output channel and not yet credited back (<= credit window),
  std::atomic<std::uint64_t> max_in_flight{0};
  // data batches buffered on one output channel for lack of credit (<= max_pending + overshoot
  // of one input batch),
  std::atomic<std::uint64_t> max_pending{0};
  // data batches queued on one input channel (<= credit window if the sender honours credit).
  std::atomic<std::uint64_t> max_input_queue{0};
  // Data batches that arrived beyond the granted credit: a protocol bug if ever non-zero.
  std::atomic<std::uint64_t> credit_violations{0};
  std::atomic<TaskState> state{TaskState::Created};

  static void raise(std::atomic<std::uint64_t>& high_water, std::uint64_t value) {
    if (value > high_water.load(std::memory_order_relaxed)) {
      high_water.store(value, std::memory_order_relaxed);
    }
  }
  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t value) {
    counter.fetch_add(value, std::memory_order_relaxed);
  }
};

}  // namespace rivulet::runtime
