#pragma once
// A task's event-time clock: the minimum watermark over its input channels, where idle channels
// (no data, e.g. an empty Kafka partition) and ended channels do not hold it back. The result
// only moves forward; a channel that becomes active again with an older watermark holds the
// minimum until it catches up, and never drags the clock back.

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/channel_messages.hpp"

namespace rivulet::runtime {

class WatermarkMerger {
 public:
  explicit WatermarkMerger(std::size_t channels) : channels_(channels) {}

  // Each returns the new task watermark when it advanced.
  std::optional<std::int64_t> on_watermark(std::size_t channel, std::int64_t watermark_ms);
  std::optional<std::int64_t> on_idle(std::size_t channel, bool idle);
  std::optional<std::int64_t> on_end(std::size_t channel);

  std::int64_t current() const { return current_; }
  // Every channel that has not ended is idle (and at least one has not ended): the task's
  // output is idle too.
  bool all_idle() const;

 private:
  struct Channel {
    std::int64_t watermark = kMinWatermark;
    bool idle = false;
    bool ended = false;
  };
  std::optional<std::int64_t> advance();

  std::vector<Channel> channels_;
  std::int64_t current_ = kMinWatermark;
};

}  // namespace rivulet::runtime
