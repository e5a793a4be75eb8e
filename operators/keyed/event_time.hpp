#pragma once
// Tumbling-window arithmetic on event time (epoch ms). Our own small version rather than the
// window assigners of window_aggregate, so the keyed operators do not depend on that work.
// Windows are [start, start + size), aligned to the epoch; start rounds toward -inf so negative
// times (before 1970) land in the right window. A window "fires" once the watermark reaches
// its end: every record it contains has ts < end <= watermark.

#include <cstdint>
#include <limits>

namespace rivulet::operators::keyed {

inline constexpr std::int64_t kMinTime = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();

inline std::int64_t tumbling_start(std::int64_t ts, std::int64_t size) {
  std::int64_t r = ts % size;
  if (r < 0) r += size;
  return ts - r;
}

// a + b for b >= 0, clamped at the maximum (window ends and expiry times near +inf).
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  return a > kMaxTime - b ? kMaxTime : a + b;
}

}  // namespace rivulet::operators::keyed
