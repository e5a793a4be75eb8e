#pragma once
// A time-bounded history of one operator's numbers (the last five minutes by default), for the
// sparkline in its box and the chart panel. Points older than the window, measured from the
// newest point, fall off the front; a hard cap bounds memory if samples arrive faster than
// expected.

#include <cstddef>
#include <cstdint>
#include <deque>

namespace rivulet::editor::monitor {

struct HistoryPoint {
  std::int64_t at_ms = 0;  // wall clock of the sample
  double records_in_per_second = 0;
  double records_out_per_second = 0;
  double busy = 0;           // max over instances, 0..1
  double backpressured = 0;  // max over instances, 0..1
  std::int64_t kafka_lag = 0;
  std::int64_t watermark_lag_ms = 0;
};

class MetricHistory {
 public:
  static constexpr std::int64_t kDefaultWindowMs = 5 * 60 * 1000;
  static constexpr std::size_t kMaxPoints = 3000;  // 10 samples a second for five minutes

  explicit MetricHistory(std::int64_t window_ms = kDefaultWindowMs) : window_ms_(window_ms) {}

  // A sample older than the newest one is ignored (samples arrive in order from one node; a
  // reordered one would make the lines double back).
  void push(const HistoryPoint& point) {
    if (!points_.empty() && point.at_ms < points_.back().at_ms) return;
    points_.push_back(point);
    while (!points_.empty() &&
           (points_.front().at_ms < point.at_ms - window_ms_ || points_.size() > kMaxPoints)) {
      points_.pop_front();
    }
  }
  void clear() { points_.clear(); }

  const std::deque<HistoryPoint>& points() const { return points_; }
  std::int64_t windowMs() const { return window_ms_; }

 private:
  std::int64_t window_ms_;
  std::deque<HistoryPoint> points_;
};

}  // namespace rivulet::editor::monitor
