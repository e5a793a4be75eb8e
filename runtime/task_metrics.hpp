#pragma once
// Live counters of one task. Written by the task's thread only (relaxed atomics, no locks) and
// read from anywhere: the CLI's live table, the node's metrics push, tests.

#include <atomic>
#include <chrono>
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
  // Completed waits only: a wait is booked here when credit comes back.
  std::atomic<std::uint64_t> backpressured_ns{0};
  // When the wait in progress began (steady_clock, ns since its epoch; 0 = not waiting), so a
  // reader sees a task that has been stuck for long as backpressured before it is released.
  // Read both through backpressured_ns_at(), which counts the ongoing wait exactly once.
  std::atomic<std::int64_t> backpressured_since_ns{0};
  // Even while the two fields above are consistent, odd while the task's thread updates them
  // (a seqlock: the updates happen only when capacity runs out or returns, never per record).
  std::atomic<std::uint64_t> backpressure_version{0};
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

  // Completed plus ongoing backpressured time as of `now_ns` (steady_clock_ns()); any thread.
  std::uint64_t backpressured_ns_at(std::int64_t now_ns) const {
    for (;;) {
      const std::uint64_t before = backpressure_version.load(std::memory_order_acquire);
      const std::uint64_t done = backpressured_ns.load(std::memory_order_relaxed);
      const std::int64_t since = backpressured_since_ns.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if ((before & 1) == 0 && backpressure_version.load(std::memory_order_relaxed) == before) {
        return done + (since != 0 && now_ns > since ? static_cast<std::uint64_t>(now_ns - since)
                                                    : 0);
      }
    }
  }
  // Writer side (the task's thread): a wait began at `since_ns`, or ended after `waited_ns`.
  void begin_backpressure(std::int64_t since_ns) {
    update_backpressure([&] { backpressured_since_ns.store(since_ns, std::memory_order_relaxed); });
  }
  void end_backpressure(std::uint64_t waited_ns) {
    update_backpressure([&] {
      add(backpressured_ns, waited_ns);
      backpressured_since_ns.store(0, std::memory_order_relaxed);
    });
  }
  static std::int64_t steady_clock_ns(
      std::chrono::steady_clock::time_point t = std::chrono::steady_clock::now()) {
    // +1 keeps a (theoretical) time point at the clock's epoch distinct from "not waiting".
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count() + 1;
  }

  static void raise(std::atomic<std::uint64_t>& high_water, std::uint64_t value) {
    if (value > high_water.load(std::memory_order_relaxed)) {
      high_water.store(value, std::memory_order_relaxed);
    }
  }
  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t value) {
    counter.fetch_add(value, std::memory_order_relaxed);
  }

 private:
  template <class Update>
  void update_backpressure(Update update) {
    const std::uint64_t v = backpressure_version.load(std::memory_order_relaxed);
    backpressure_version.store(v + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    update();
    backpressure_version.store(v + 2, std::memory_order_release);
  }
};

}  // namespace rivulet::runtime
