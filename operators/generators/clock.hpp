#pragma once
// Time as the rate limiter sees it. An interface so tests drive it by hand: rate limiting is
// then checked by counting records against simulated time, never against the wall clock.

#include <chrono>
#include <cstdint>
#include <thread>

namespace rivulet::operators::generators {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic nanoseconds (arbitrary origin).
  virtual std::int64_t now_ns() const = 0;
  // Blocks the calling thread; the rate limiter sleeps instead of spinning.
  virtual void sleep_ns(std::int64_t ns) = 0;
  // Wall clock, milliseconds since the Unix epoch (a datagen start_time of 0 means "now").
  virtual std::int64_t epoch_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void sleep_ns(std::int64_t ns) override {
    if (ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
  }
  std::int64_t epoch_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace rivulet::operators::generators
