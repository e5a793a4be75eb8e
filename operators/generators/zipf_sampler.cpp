#include "operators/generators/zipf_sampler.hpp"

#include <algorithm>
#include <cmath>

namespace rivulet::operators::generators {
namespace {

// log1p(t)/t and expm1(t)/t, continued to 1 at t = 0, so that exponent 1 (where the
// antiderivative turns into a logarithm) needs no special case and stays accurate near it.
double log1p_over(double t) {
  return std::abs(t) > 1e-8 ? std::log1p(t) / t : 1.0 - t * (0.5 - t / 3.0);
}
double expm1_over(double t) {
  return std::abs(t) > 1e-8 ? std::expm1(t) / t : 1.0 + t * (0.5 + t / 6.0);
}

}  // namespace

ZipfSampler::ZipfSampler(std::uint64_t n, double exponent)
    : n_(std::max<std::uint64_t>(n, 1)), exponent_(exponent) {
  h_integral_x1_ = big_h(1.5) - 1.0;
  h_integral_n_ = big_h(static_cast<double>(n_) + 0.5);
  threshold_ = 2.0 - big_h_inv(big_h(2.5) - h(2.0));
}

double ZipfSampler::h(double x) const { return std::exp(-exponent_ * std::log(x)); }

double ZipfSampler::big_h(double x) const {
  const double log_x = std::log(x);
  return expm1_over((1.0 - exponent_) * log_x) * log_x;
}

double ZipfSampler::big_h_inv(double y) const {
  double t = y * (1.0 - exponent_);
  t = std::max(t, -1.0);  // rounding at the lower end of the range must not leave the domain
  return std::exp(log1p_over(t) * y);
}

std::uint64_t ZipfSampler::sample(DrawStream& draws) const {
  // Inverts the continuous hat function and accepts the rounded rank when it falls under the
  // true probability; the acceptance rate is high for every exponent, so the loop is short.
  for (;;) {
    const double u = h_integral_n_ + draws.uniform01() * (h_integral_x1_ - h_integral_n_);
    const double x = big_h_inv(u);
    auto k =
        static_cast<std::uint64_t>(std::clamp(std::floor(x + 0.5), 1.0, static_cast<double>(n_)));
    const double kd = static_cast<double>(k);
    if (kd - x <= threshold_ || u >= big_h(kd + 0.5) - h(kd)) return k;
  }
}

}  // namespace rivulet::operators::generators
