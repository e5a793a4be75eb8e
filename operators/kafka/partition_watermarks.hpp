#pragma once
// Event-time progress of the partitions one source instance reads, merged into the instance's
// watermark: per partition, the highest event time seen minus the bounded out-of-orderness
// minus 1 ms (a record at exactly the watermark would already be late); merged, the minimum over
// the partitions that are not idle. A partition that delivered nothing for idle_timeout is idle
// and stops holding the watermark back until it delivers again; a partition that has delivered
// nothing yet holds it back (its first record may be old) until it turns idle. While the source
// is paused for backpressure nothing turns idle: silence then means "not asked", not "no data".
//
// Pure bookkeeping over caller-supplied times, so tests can drive it without a broker or a clock.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace rivulet::operators::kafka {

inline constexpr std::int64_t kNoEventTime = std::numeric_limits<std::int64_t>::min();

class PartitionWatermarks {
 public:
  using Key = std::pair<std::string, std::int32_t>;  // topic, partition

  PartitionWatermarks(std::int64_t max_out_of_orderness_ms, std::int64_t idle_timeout_ms)
      : bound_ms_(max_out_of_orderness_ms), idle_timeout_ms_(idle_timeout_ms) {}

  // A newly assigned partition starts active at `now_ms` (monotonic milliseconds).
  void add(const Key& key, std::int64_t now_ms);
  void remove(const Key& key);
  bool empty() const { return partitions_.empty(); }

  // A record with event time `event_time_ms` arrived on `key` at `now_ms`.
  void on_record(const Key& key, std::int64_t event_time_ms, std::int64_t now_ms);
  // Backpressure pause ended: restart every partition's idle clock.
  void touch_all(std::int64_t now_ms);

  struct Merged {
    std::optional<std::int64_t> watermark;  // set when it advanced past the last one returned
    std::optional<bool> idle;               // set when the all-idle state changed
  };
  // Updates idleness (unless `paused`) and merges; returns only changes, so the caller emits
  // each watermark and idleness transition once.
  Merged advance(std::int64_t now_ms, bool paused);

  std::int64_t current() const { return emitted_; }
  bool all_idle() const { return all_idle_; }

 private:
  struct Progress {
    std::int64_t max_event_time = kNoEventTime;
    std::int64_t last_activity_ms = 0;
    bool idle = false;
  };

  std::int64_t bound_ms_;
  std::int64_t idle_timeout_ms_;
  std::map<Key, Progress> partitions_;
  std::int64_t emitted_ = kNoEventTime;
  bool all_idle_ = false;
};

}  // namespace rivulet::operators::kafka
