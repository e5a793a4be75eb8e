#pragma once
// Live counters of one task. Written by the task's thread only (relaxed atomics, no locks) and
// read from anywhere: the CLI's live table, the node's metrics push, tests.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/channel_messages.hpp"
#include "runtime/record_counters.hpp"

namespace rivulet::runtime {

enum class TaskState : std::uint32_t { Created, Running, Finishing, Finished, Failed };

class EdgeTap;

struct TaskMetrics {
  std::atomic<std::uint64_t> records_in{0};
  std::atomic<std::uint64_t> records_out{0};
  // RecordBatch::byte_size() of what came in / went out (a batch split by hash counts once).
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
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
  // Time waiting for input (Flink's "idle"): an operator task with every input queue empty, a
  // source whose poll produced nothing. Same scheme as the backpressured time (completed waits
  // plus the start of the one in progress, under the same seqlock); read via idle_ns_at().
  // Busy time is what is neither idle nor backpressured.
  std::atomic<std::uint64_t> idle_ns{0};
  std::atomic<std::int64_t> idle_since_ns{0};
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
  // Records emitted on an output port with no edge (e.g. dead letters or late records of an
  // unconnected output): counted, never silently gone.
  std::atomic<std::uint64_t> dropped_records{0};
  // Sources: how often output capacity ran out, and how often it stayed gone long enough
  // (ChannelConfig::pause_after_ms) for the source to be told (a Kafka source then pauses).
  std::atomic<std::uint64_t> capacity_shortages{0};
  std::atomic<std::uint64_t> capacity_pauses{0};
  // What the operator counts itself (late records, dead letters, skipped, Kafka lag).
  RecordCounters counters;

  // Data batches queued per input channel right now (index = input channel), and the credit
  // window they are measured against; sized once by the job before the task starts (empty:
  // not tracked).
  std::vector<std::atomic<std::uint32_t>> input_queued;
  std::uint32_t credit_window = 1;
  void track_inputs(std::size_t channels, std::uint32_t window) {
    input_queued = std::vector<std::atomic<std::uint32_t>>(channels);
    credit_window = window ? window : 1;
  }

  // Edge preview taps on this task's output ports (runtime/metrics/edge_tap.hpp). The task's
  // thread reads `tapped_ports` (bit per port < 32) once per emitted batch and takes the lock
  // only when its port is tapped, so an untapped job pays one relaxed load per batch.
  std::atomic<std::uint32_t> tapped_ports{0};
  std::mutex taps_mutex;
  std::vector<std::shared_ptr<EdgeTap>> taps;  // under taps_mutex

  // Completed plus ongoing idle time as of `now_ns`; any thread.
  std::uint64_t idle_ns_at(std::int64_t now_ns) const {
    return consistent_wait(idle_ns, idle_since_ns, now_ns);
  }
  void begin_idle(std::int64_t since_ns) {
    update_backpressure([&] { idle_since_ns.store(since_ns, std::memory_order_relaxed); });
  }
  void end_idle(std::uint64_t waited_ns) {
    update_backpressure([&] {
      add(idle_ns, waited_ns);
      idle_since_ns.store(0, std::memory_order_relaxed);
    });
  }

  // Completed plus ongoing backpressured time as of `now_ns` (steady_clock_ns()); any thread.
  std::uint64_t backpressured_ns_at(std::int64_t now_ns) const {
    return consistent_wait(backpressured_ns, backpressured_since_ns, now_ns);
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
  std::uint64_t consistent_wait(const std::atomic<std::uint64_t>& completed,
                                const std::atomic<std::int64_t>& ongoing_since,
                                std::int64_t now_ns) const {
    for (;;) {
      const std::uint64_t before = backpressure_version.load(std::memory_order_acquire);
      const std::uint64_t done = completed.load(std::memory_order_relaxed);
      const std::int64_t since = ongoing_since.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if ((before & 1) == 0 && backpressure_version.load(std::memory_order_relaxed) == before) {
        return done +
               (since != 0 && now_ns > since ? static_cast<std::uint64_t>(now_ns - since) : 0);
      }
    }
  }
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
