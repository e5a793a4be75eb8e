#pragma once
// A quantile sketch with relative-error guarantees, after the idea of DDSketch (Masson, Rim,
// Lee, VLDB 2019), written for our needs: values fall into logarithmic buckets
// (gamma^(i-1), gamma^i] with gamma = (1 + a) / (1 - a), and each bucket reports the value
// 2 gamma^i / (gamma + 1), which is within a relative distance `a` of every value in it.
//
// Error bound: for a quantile q over n values, the sketch returns an estimate of the value x of
// rank floor(q (n - 1)) in sorted order (0-based) with |estimate - x| <= a |x|, a = 1% by default,
// for any distribution — as long as |x| >= kMinMagnitude (smaller magnitudes are counted as 0,
// an absolute error below 1e-12) and no bucket collapsing happened (each sign keeps at most
// kMaxBuckets = 2048 buckets, i.e. values spanning a factor of ~1e17 at a = 1%; beyond that the
// smallest-magnitude buckets merge, losing accuracy only for those values). Non-finite values
// (NaN, infinities) are ignored. Memory: 4 bytes per bucket between the smallest and the largest
// magnitude seen, a few hundred bytes for typical latency or price distributions. Sketches
// merge exactly (bucket counts add), which session windows need. Estimates are clamped to the
// exact minimum and maximum seen, so a constant series comes out exact and an estimate never
// leaves the observed range (which only tightens the bound).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "operators/keyed/byte_io.hpp"

namespace rivulet::operators::aggregates {

class LogBucketSketch {
 public:
  static constexpr double kDefaultRelativeAccuracy = 0.01;
  static constexpr double kMinMagnitude = 1e-12;
  static constexpr std::size_t kMaxBuckets = 2048;

  explicit LogBucketSketch(double relative_accuracy = kDefaultRelativeAccuracy);

  void add(double value);
  void merge(const LogBucketSketch& other);
  std::uint64_t count() const { return count_; }
  // Estimate of the q-quantile (0 <= q <= 1); NaN when empty.
  double quantile(double q) const;

  void save(keyed::ByteWriter& out) const;
  // Replaces the contents with a saved sketch; false on a malformed blob.
  bool load(keyed::ByteReader& in);

 private:
  // Dense counts for bucket indices [offset, offset + counts.size()).
  struct Store {
    std::int32_t offset = 0;
    std::vector<std::uint32_t> counts;
    void add(std::int32_t index, std::uint32_t n);
    void collapse_lowest();
  };

  double bucket_quantile(double q) const;
  std::int32_t index_of(double magnitude) const;
  double value_of(std::int32_t index) const;

  double gamma_;
  double log_gamma_;
  Store positive_;
  Store negative_;  // by magnitude
  std::uint64_t zeros_ = 0;
  std::uint64_t count_ = 0;
  double min_ = 0;  // exact, valid when count_ > 0
  double max_ = 0;
};

}  // namespace rivulet::operators::aggregates
