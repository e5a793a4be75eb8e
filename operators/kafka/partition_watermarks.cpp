#include "operators/kafka/partition_watermarks.hpp"

#include <algorithm>

namespace rivulet::operators::kafka {

void PartitionWatermarks::add(const Key& key, std::int64_t now_ms) {
  Progress& progress = partitions_[key];
  progress.last_activity_ms = now_ms;
  progress.idle = false;
}

void PartitionWatermarks::remove(const Key& key) { partitions_.erase(key); }

void PartitionWatermarks::on_record(const Key& key, std::int64_t event_time_ms,
                                    std::int64_t now_ms) {
  Progress& progress = partitions_[key];
  progress.max_event_time = std::max(progress.max_event_time, event_time_ms);
  progress.last_activity_ms = now_ms;
  progress.idle = false;
}

void PartitionWatermarks::touch_all(std::int64_t now_ms) {
  for (auto& [key, progress] : partitions_) progress.last_activity_ms = now_ms;
}

PartitionWatermarks::Merged PartitionWatermarks::advance(std::int64_t now_ms, bool paused) {
  Merged result;
  bool any_active = false;
  bool blocked = false;  // an active partition without any record yet
  std::int64_t minimum = std::numeric_limits<std::int64_t>::max();
  for (auto& [key, progress] : partitions_) {
    if (!paused && idle_timeout_ms_ > 0 && now_ms - progress.last_activity_ms >= idle_timeout_ms_) {
      progress.idle = true;
    }
    if (progress.idle) continue;
    any_active = true;
    if (progress.max_event_time == kNoEventTime) {
      blocked = true;
      continue;
    }
    // Saturating: a bound larger than the event time must not wrap around.
    const std::int64_t lag = bound_ms_ + 1;
    const std::int64_t partition_watermark =
        progress.max_event_time < kNoEventTime + lag ? kNoEventTime : progress.max_event_time - lag;
    minimum = std::min(minimum, partition_watermark);
  }
  const bool all_idle = !partitions_.empty() && !any_active;
  if (all_idle != all_idle_) {
    all_idle_ = all_idle;
    result.idle = all_idle;
  }
  if (any_active && !blocked && minimum > emitted_ && minimum != kNoEventTime) {
    emitted_ = minimum;
    result.watermark = minimum;
  }
  return result;
}

}  // namespace rivulet::operators::kafka
