#include "operators/generators/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace rivulet::operators::generators {

TokenBucket::TokenBucket(double tokens_per_second, double capacity, std::int64_t now_ns)
    : tokens_per_ns_(tokens_per_second / 1e9),
      capacity_(std::max(capacity, 1.0)),
      last_ns_(now_ns) {}

void TokenBucket::refill(std::int64_t now_ns) {
  if (now_ns <= last_ns_) return;  // a clock that stands still (or a test) adds nothing
  tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ns - last_ns_) * tokens_per_ns_);
  last_ns_ = now_ns;
}

std::uint64_t TokenBucket::available() const {
  return static_cast<std::uint64_t>(std::floor(tokens_));
}

void TokenBucket::take(std::uint64_t n) {
  tokens_ = std::max(0.0, tokens_ - static_cast<double>(n));
}

std::int64_t TokenBucket::ns_until(std::uint64_t n) const {
  const double missing = static_cast<double>(n) - tokens_;
  if (missing <= 0) return 0;
  if (tokens_per_ns_ <= 0) return INT64_MAX;
  return static_cast<std::int64_t>(std::ceil(missing / tokens_per_ns_));
}

}  // namespace rivulet::operators::generators
