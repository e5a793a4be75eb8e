#pragma once
// Counter-based random numbers: every draw is a pure function of (seed, record index, stream,
// draw number). A record can therefore be regenerated from its index alone, which is what makes
// datagen reproducible independently of batch sizes, of how records are divided among parallel
// instances, and of restores (the checkpointed state is just a position).
//
// We implement the mixing and the distributions ourselves instead of using <random>'s
// distributions, whose algorithms differ between standard libraries: the same seed must give
// the same records with libstdc++ and libc++.

#include <cmath>
#include <cstdint>

namespace rivulet::operators::generators {

// A 64-bit finaliser with full avalanche (the splitmix64 output function): consecutive inputs
// give statistically independent outputs.
inline constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

// Combines a seed with a salt (subtask, field, purpose) into a new independent seed.
inline constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t salt) {
  return mix64(seed ^ mix64(salt + kGolden));
}

// The draws of one record for one purpose (a field, the burst decision, the jitter).
class DrawStream {
 public:
  DrawStream(std::uint64_t stream_seed, std::uint64_t record_index)
      : base_(mix64(stream_seed + record_index * kGolden)) {}

  std::uint64_t next_u64() { return mix64(base_ + (++counter_) * kGolden); }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform integer in [lo, hi] (inclusive), by multiply-high (no modulo bias worth noting for
  // spans far below 2^64).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<unsigned __int128>(static_cast<std::uint64_t>(hi - lo) + 1);
    if (span > 0xffff'ffff'ffff'ffffULL) return static_cast<std::int64_t>(next_u64());
    const auto offset = static_cast<std::uint64_t>((next_u64() * span) >> 64);
    return lo + static_cast<std::int64_t>(offset);
  }

  // Standard normal by Box–Muller (one of the pair is discarded: simplicity over speed).
  double standard_normal() {
    const double u1 = 1.0 - uniform01();  // (0, 1]: log is finite
    const double u2 = uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  bool bernoulli(double p) { return uniform01() < p; }

 private:
  std::uint64_t base_;
  std::uint64_t counter_ = 0;
};

}  // namespace rivulet::operators::generators
