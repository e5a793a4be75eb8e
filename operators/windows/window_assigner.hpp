#pragma once
// Which windows an event time belongs to. Windows are [start, end) in epoch milliseconds,
// aligned to the epoch (offset 0, as Flink's default); starts round toward -infinity so times
// before 1970 land in the right window.
//   tumbling: the one window [floor(t / size) * size, + size)
//   sliding:  every window [k * slide, k * slide + size) containing t — ceil(size / slide) of
//             them when size is a multiple of slide, one fewer for some t otherwise
//   session:  [t, t + gap), merged with the key's sessions it overlaps (session_assigner.hpp)

#include <cstdint>
#include <limits>

namespace rivulet::operators::windows {

enum class WindowKind { Tumbling, Sliding, Session };

struct WindowSpec {
  WindowKind kind = WindowKind::Tumbling;
  std::int64_t size = 60'000;   // tumbling, sliding
  std::int64_t slide = 10'000;  // sliding
  std::int64_t gap = 300'000;   // session
  std::int64_t allowed_lateness = 0;
};

inline constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kMinTime = std::numeric_limits<std::int64_t>::min();

// a + b for b >= 0, clamped at +infinity (ends near the maximum time, +inf watermarks).
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  return a > kMaxTime - b ? kMaxTime : a + b;
}

inline std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  std::int64_t r = t % step;
  if (r < 0) r += step;
  return t - r;
}

// The last time that belongs to a window: it is complete once the watermark reaches it.
inline std::int64_t max_timestamp(std::int64_t end) { return end - 1; }
// Its state may go once the watermark reaches max_timestamp + allowed lateness.
inline std::int64_t purge_time(std::int64_t end, std::int64_t allowed_lateness) {
  return saturating_add(max_timestamp(end), allowed_lateness);
}

// Calls f(start, end) for each tumbling or sliding window containing t, latest start first.
template <class F>
inline void for_each_window(const WindowSpec& spec, std::int64_t t, F&& f) {
  if (spec.kind == WindowKind::Tumbling) {
    const std::int64_t start = floor_to(t, spec.size);
    f(start, saturating_add(start, spec.size));
    return;
  }
  for (std::int64_t start = floor_to(t, spec.slide); start > t - spec.size; start -= spec.slide) {
    f(start, saturating_add(start, spec.size));
  }
}

}  // namespace rivulet::operators::windows
