#include "runtime/watermark_merger.hpp"

#include <algorithm>

namespace rivulet::runtime {

std::optional<std::int64_t> WatermarkMerger::on_watermark(std::size_t channel,
                                                          std::int64_t watermark_ms) {
  Channel& c = channels_[channel];
  c.watermark = std::max(c.watermark, watermark_ms);
  c.idle = false;  // a watermark is activity
  return advance();
}

std::optional<std::int64_t> WatermarkMerger::on_idle(std::size_t channel, bool idle) {
  channels_[channel].idle = idle;
  return advance();
}

std::optional<std::int64_t> WatermarkMerger::on_end(std::size_t channel) {
  channels_[channel].ended = true;
  return advance();
}

bool WatermarkMerger::all_idle() const {
  bool any_open = false;
  for (const Channel& c : channels_) {
    if (c.ended) continue;
    if (!c.idle) return false;
    any_open = true;
  }
  return any_open;
}

std::optional<std::int64_t> WatermarkMerger::advance() {
  bool any_active = false;
  bool all_ended = true;
  std::int64_t low = kMaxWatermark;
  for (const Channel& c : channels_) {
    if (c.ended) continue;
    all_ended = false;
    if (c.idle) continue;
    any_active = true;
    low = std::min(low, c.watermark);
  }
  // All idle: nothing can be concluded, hold. All ended: event time is complete.
  if (!any_active && !all_ended) return std::nullopt;
  if (low <= current_) return std::nullopt;
  current_ = low;
  return current_;
}

}  // namespace rivulet::runtime
