#include "operators/aggregates/log_bucket_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rivulet::operators::aggregates {

LogBucketSketch::LogBucketSketch(double relative_accuracy)
    : gamma_((1 + relative_accuracy) / (1 - relative_accuracy)), log_gamma_(std::log(gamma_)) {}

std::int32_t LogBucketSketch::index_of(double magnitude) const {
  return static_cast<std::int32_t>(std::ceil(std::log(magnitude) / log_gamma_));
}

double LogBucketSketch::value_of(std::int32_t index) const {
  // The point of (gamma^(i-1), gamma^i] with equal relative distance to both ends.
  return 2.0 * std::pow(gamma_, index) / (gamma_ + 1.0);
}

void LogBucketSketch::Store::add(std::int32_t index, std::uint32_t n) {
  if (counts.empty()) {
    offset = index;
    counts.push_back(n);
    return;
  }
  if (index < offset) {
    // Grow downwards unless that exceeds the cap; then the value joins the lowest bucket.
    const std::size_t grown = counts.size() + static_cast<std::size_t>(offset - index);
    if (grown > kMaxBuckets) {
      counts.front() += n;
      return;
    }
    counts.insert(counts.begin(), static_cast<std::size_t>(offset - index), 0);
    offset = index;
  } else if (static_cast<std::size_t>(index - offset) >= counts.size()) {
    counts.resize(static_cast<std::size_t>(index - offset) + 1, 0);
    while (counts.size() > kMaxBuckets) collapse_lowest();
  }
  counts[static_cast<std::size_t>(index - offset)] += n;
}

// Folds the lowest-magnitude bucket into the next: large magnitudes keep their accuracy.
void LogBucketSketch::Store::collapse_lowest() {
  counts[1] += counts[0];
  counts.erase(counts.begin());
  ++offset;
}

void LogBucketSketch::add(double value) {
  if (!std::isfinite(value)) return;
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = count_ == 0 ? value : std::max(max_, value);
  ++count_;
  const double magnitude = std::fabs(value);
  if (magnitude < kMinMagnitude) {
    ++zeros_;
  } else if (value > 0) {
    positive_.add(index_of(magnitude), 1);
  } else {
    negative_.add(index_of(magnitude), 1);
  }
}

void LogBucketSketch::merge(const LogBucketSketch& other) {
  for (std::size_t i = 0; i < other.positive_.counts.size(); ++i) {
    if (other.positive_.counts[i] == 0) continue;
    positive_.add(other.positive_.offset + static_cast<std::int32_t>(i), other.positive_.counts[i]);
  }
  for (std::size_t i = 0; i < other.negative_.counts.size(); ++i) {
    if (other.negative_.counts[i] == 0) continue;
    negative_.add(other.negative_.offset + static_cast<std::int32_t>(i), other.negative_.counts[i]);
  }
  if (other.count_ > 0) {
    min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
    max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  }
  zeros_ += other.zeros_;
  count_ += other.count_;
}

double LogBucketSketch::quantile(double q) const {
  const double estimate = bucket_quantile(q);
  return std::isnan(estimate) ? estimate : std::clamp(estimate, min_, max_);
}

double LogBucketSketch::bucket_quantile(double q) const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1));
  std::uint64_t seen = 0;
  // Ascending value order: negatives from the largest magnitude down, zeros, positives up.
  for (std::size_t i = negative_.counts.size(); i-- > 0;) {
    seen += negative_.counts[i];
    if (seen > rank) return -value_of(negative_.offset + static_cast<std::int32_t>(i));
  }
  seen += zeros_;
  if (seen > rank) return 0.0;
  for (std::size_t i = 0; i < positive_.counts.size(); ++i) {
    seen += positive_.counts[i];
    if (seen > rank) return value_of(positive_.offset + static_cast<std::int32_t>(i));
  }
  return value_of(positive_.offset + static_cast<std::int32_t>(positive_.counts.size()) - 1);
}

namespace {

void save_store(keyed::ByteWriter& out, std::int32_t offset,
                const std::vector<std::uint32_t>& counts) {
  out.i64(offset);
  out.u64(counts.size());
  for (std::uint32_t c : counts) out.u32(c);
}

}  // namespace

void LogBucketSketch::save(keyed::ByteWriter& out) const {
  out.f64(gamma_);
  out.u64(zeros_);
  out.u64(count_);
  out.f64(min_);
  out.f64(max_);
  save_store(out, positive_.offset, positive_.counts);
  save_store(out, negative_.offset, negative_.counts);
}

bool LogBucketSketch::load(keyed::ByteReader& in) {
  const double gamma = in.f64();
  if (!in.ok() || gamma != gamma_) return false;  // a sketch of another accuracy
  zeros_ = in.u64();
  count_ = in.u64();
  min_ = in.f64();
  max_ = in.f64();
  for (Store* store : {&positive_, &negative_}) {
    store->offset = static_cast<std::int32_t>(in.i64());
    const std::size_t n = in.count(4);
    if (n > kMaxBuckets) return false;
    store->counts.resize(n);
    for (auto& c : store->counts) c = in.u32();
  }
  return in.ok();
}

}  // namespace rivulet::operators::aggregates
