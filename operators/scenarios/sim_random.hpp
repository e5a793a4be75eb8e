#pragma once
// The sequential random numbers of the use-case simulations (scenario models). Unlike datagen's
// counter-based draws, a simulation's next event depends on its state, so its draws come from
// one stream in order; a restore replays the stream from the start (ScenarioSource::restore).
//
// The algorithms are our own (splitmix64 and simple transforms), not <random>'s distributions,
// so a seed gives the same events with every standard library.

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>

#include "operators/generators/counter_rng.hpp"

namespace rivulet::operators::scenarios {

class SimRandom {
 public:
  explicit SimRandom(std::uint64_t seed) : state_(generators::mix64(seed)) {}

  std::uint64_t next_u64() {
    state_ += generators::kGolden;
    return generators::mix64(state_);
  }
  // Uniform in [0, 1).
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // Uniform integer in [lo, hi], inclusive.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<unsigned __int128>(static_cast<std::uint64_t>(hi - lo) + 1);
    return lo + static_cast<std::int64_t>((next_u64() * span) >> 64);
  }
  bool bernoulli(double p) { return uniform01() < p; }
  // Exponential with the given mean (inter-arrival times of a Poisson process).
  double exponential(double mean) { return -mean * std::log(1.0 - uniform01()); }
  double normal(double mean, double stddev) {
    const double u1 = 1.0 - uniform01();
    const double u2 = uniform01();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // 1 + a geometric count with the given mean (>= 1).
  std::int64_t geometric_at_least_one(double mean) {
    if (mean <= 1.0) return 1;
    const double p = 1.0 / mean;
    return 1 +
           static_cast<std::int64_t>(std::floor(std::log(1.0 - uniform01()) / std::log(1.0 - p)));
  }
  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[static_cast<std::size_t>(
        uniform_int(0, static_cast<std::int64_t>(items.size()) - 1))];
  }
  // An index drawn with probability proportional to weights[i].
  std::size_t weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = uniform01() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  std::uint64_t state_;
};

}  // namespace rivulet::operators::scenarios
