#pragma once
// What an operator counts about records it did not pass on the normal way, and the Kafka lag
// of a source: the operator's side of the task metrics (OperatorContext::counters). The
// runtime shows these numbers (live table, node metrics, Prometheus) without knowing which
// operator produced them.
//
// Counters are written by the task's thread only (relaxed atomics, batch-sized increments);
// the lag list is replaced at a low rate (about once a second) under a mutex.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace rivulet::runtime {

struct PartitionLagEntry {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t lag = 0;  // high watermark minus the next offset to read
};

class RecordCounters {
 public:
  // Records behind the watermark (a window's late output, connected or not).
  void count_late(std::uint64_t n) { add(late_, n); }
  // Records that could not be decoded and went to the dead-letter output.
  void count_dead_letters(std::uint64_t n) { add(dead_letters_, n); }
  // Records dropped on purpose (on_parse_error = skip).
  void count_skipped(std::uint64_t n) { add(skipped_, n); }
  // Replaces the consumer lag per partition (a Kafka source, at a low rate).
  void report_lag(std::vector<PartitionLagEntry> lag) {
    std::lock_guard lock(lag_mutex_);
    lag_ = std::move(lag);
  }

  std::uint64_t late() const { return late_.load(std::memory_order_relaxed); }
  std::uint64_t dead_letters() const { return dead_letters_.load(std::memory_order_relaxed); }
  std::uint64_t skipped() const { return skipped_.load(std::memory_order_relaxed); }
  std::vector<PartitionLagEntry> lag() const {
    std::lock_guard lock(lag_mutex_);
    return lag_;
  }

 private:
  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t n) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
  std::atomic<std::uint64_t> late_{0};
  std::atomic<std::uint64_t> dead_letters_{0};
  std::atomic<std::uint64_t> skipped_{0};
  mutable std::mutex lag_mutex_;
  std::vector<PartitionLagEntry> lag_;
};

}  // namespace rivulet::runtime
