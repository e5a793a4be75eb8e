#pragma once
// A token bucket: tokens accrue at a fixed rate up to a capacity; generating a record costs
// one. The capacity bounds the catch-up burst after the source was held back (backpressure, a
// slow poll), so a rate-limited generator never floods downstream with a backlog.

#include <cstdint>

namespace rivulet::operators::generators {

class TokenBucket {
 public:
  // Starts empty at `now_ns`: the first token arrives 1/rate after the start.
  TokenBucket(double tokens_per_second, double capacity, std::int64_t now_ns);

  // Adds the tokens accrued since the last refill.
  void refill(std::int64_t now_ns);
  // Whole tokens available now (as of the last refill).
  std::uint64_t available() const;
  // Spends `n` <= available() tokens.
  void take(std::uint64_t n);
  // Nanoseconds from the last refill until `n` tokens are available (0 when they already are).
  std::int64_t ns_until(std::uint64_t n) const;

  double rate() const { return tokens_per_ns_ * 1e9; }
  double capacity() const { return capacity_; }

 private:
  double tokens_per_ns_;
  double capacity_;
  double tokens_ = 0;
  std::int64_t last_ns_;
};

}  // namespace rivulet::operators::generators
