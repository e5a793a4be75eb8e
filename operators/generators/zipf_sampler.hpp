#pragma once
// Zipf-distributed ranks 1..n (P(k) proportional to k^-exponent) in O(1) time and memory, by
// rejection-inversion (Hörmann & Derflinger, "Rejection-inversion to generate variates from
// monotone discrete distributions", 1996). A CDF table would cost 8 bytes per key, too much for
// the millions of keys a benchmark may ask for.

#include <cstdint>

#include "operators/generators/counter_rng.hpp"

namespace rivulet::operators::generators {

class ZipfSampler {
 public:
  // n >= 1, exponent > 0.
  ZipfSampler(std::uint64_t n, double exponent);

  // A rank in [1, n]; rank 1 is the most frequent.
  std::uint64_t sample(DrawStream& draws) const;

 private:
  double h(double x) const;          // the density k^-s, continued to reals
  double big_h(double x) const;      // its antiderivative
  double big_h_inv(double y) const;  // and that one's inverse

  std::uint64_t n_;
  double exponent_;
  double h_integral_x1_;
  double h_integral_n_;
  double threshold_;
};

}  // namespace rivulet::operators::generators
