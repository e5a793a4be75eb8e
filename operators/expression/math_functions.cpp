// Numeric functions and hash().
//   abs(INT64_MIN) wraps to INT64_MIN (two's complement, as in Java/Flink).
//   round(x [, d]) rounds half away from zero to d decimal digits (d < 0: tens, hundreds...);
//     on int64 a non-negative d keeps x.
//   floor/ceil on int64 keep x. sqrt, ln, exp, pow follow IEEE 754 (sqrt(-1) is NaN, ln(0) is
//     -inf): the checker types them as non-nullable, so a domain error cannot become NULL.
//   hash(x) is XXH3-64 of the value's canonical bytes (little-endian integers, -0.0 as 0.0),
//     stable across runs and machines; NULL hashes to NULL.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#define XXH_INLINE_ALL  // header-only use, as runtime/partitioner.cpp does
#include <xxhash.h>

#include "operators/expression/kernel.hpp"
#include "operators/expression/rowwise_kernel.hpp"
#include "operators/geo_distance.hpp"

namespace rivulet::operators::expression {
namespace {

using graphs::expr::FunctionId;
using Args = std::vector<View>;

double round_float(double x, std::int64_t digits) {
  if (digits == 0) return std::round(x);
  if (digits > 0) {
    if (digits > 340) return x;
    const double p = std::pow(10.0, static_cast<double>(digits));
    const double scaled = x * p;
    return std::isfinite(scaled) ? std::round(scaled) / p : x;
  }
  if (digits < -340) return 0.0 * x;
  const double p = std::pow(10.0, static_cast<double>(-digits));
  return std::round(x / p) * p;
}

std::int64_t round_int(std::int64_t x, std::int64_t digits) {
  if (digits >= 0) return x;
  if (digits < -18) return 0;
  std::int64_t p = 1;
  for (std::int64_t k = 0; k < -digits; ++k) p *= 10;
  std::int64_t q = x / p;
  const std::int64_t r = x % p;
  // |r| * 2 >= p without overflow: |r| < p <= 1e18.
  const std::int64_t abs_r = r < 0 ? -r : r;
  if (abs_r >= p - abs_r) q += x < 0 ? -1 : 1;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(q) * static_cast<std::uint64_t>(p));
}

std::uint64_t hash_value(const View& v, std::size_t i) {
  const std::size_t r = v.at(i);
  switch (v.type) {
    case FieldType::Int64:
    case FieldType::Timestamp: {
      std::uint8_t bytes[8];
      const auto u = static_cast<std::uint64_t>(v.ints[r]);
      for (int k = 0; k < 8; ++k) bytes[k] = static_cast<std::uint8_t>(u >> (8 * k));
      return XXH3_64bits(bytes, sizeof bytes);
    }
    case FieldType::Float64: {
      double d = v.floats[r];
      if (d == 0.0) d = 0.0;  // -0.0 hashes like 0.0
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
      const auto u = std::bit_cast<std::uint64_t>(d);
      std::uint8_t bytes[8];
      for (int k = 0; k < 8; ++k) bytes[k] = static_cast<std::uint8_t>(u >> (8 * k));
      return XXH3_64bits(bytes, sizeof bytes);
    }
    case FieldType::Bool: {
      const std::uint8_t b = v.bools[r] ? 1 : 0;
      return XXH3_64bits(&b, 1);
    }
    case FieldType::String: {
      const std::string_view s = v.string_at(i);
      return XXH3_64bits(s.data(), s.size());
    }
  }
  return 0;
}

template <class IntOp, class FloatOp>
KernelPtr numeric(NodeRef node, std::vector<KernelPtr> args, IntOp int_op, FloatOp float_op) {
  if (node.type.type == FieldType::Float64) {
    return make_rowwise(FieldType::Float64, std::move(args),
                        [float_op](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                          out.floats[r] = float_op(a, i);
                          return true;
                        });
  }
  return make_rowwise(FieldType::Int64, std::move(args),
                      [int_op](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                        out.ints[r] = int_op(a, i);
                        return true;
                      });
}

double f(const Args& a, std::size_t k, std::size_t i) { return a[k].floats[a[k].at(i)]; }
std::int64_t n(const Args& a, std::size_t k, std::size_t i) { return a[k].ints[a[k].at(i)]; }

}  // namespace

KernelPtr make_math_call(NodeRef node, std::vector<KernelPtr> args) {
  switch (node.function) {
    case FunctionId::Abs:
      return numeric(
          node, std::move(args),
          [](const Args& a, std::size_t i) {
            const std::int64_t x = n(a, 0, i);
            return x < 0 ? static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(x)) : x;
          },
          [](const Args& a, std::size_t i) { return std::fabs(f(a, 0, i)); });
    case FunctionId::Round:
      return numeric(
          node, std::move(args),
          [](const Args& a, std::size_t i) {
            return round_int(n(a, 0, i), a.size() > 1 ? n(a, 1, i) : 0);
          },
          [](const Args& a, std::size_t i) {
            return round_float(f(a, 0, i), a.size() > 1 ? n(a, 1, i) : 0);
          });
    case FunctionId::Floor:
      return numeric(
          node, std::move(args), [](const Args& a, std::size_t i) { return n(a, 0, i); },
          [](const Args& a, std::size_t i) { return std::floor(f(a, 0, i)); });
    case FunctionId::Ceil:
      return numeric(
          node, std::move(args), [](const Args& a, std::size_t i) { return n(a, 0, i); },
          [](const Args& a, std::size_t i) { return std::ceil(f(a, 0, i)); });
    case FunctionId::Sqrt:
      return numeric(
          node, std::move(args), [](const Args&, std::size_t) { return std::int64_t{0}; },
          [](const Args& a, std::size_t i) { return std::sqrt(f(a, 0, i)); });
    case FunctionId::Ln:
      return numeric(
          node, std::move(args), [](const Args&, std::size_t) { return std::int64_t{0}; },
          [](const Args& a, std::size_t i) { return std::log(f(a, 0, i)); });
    case FunctionId::Exp:
      return numeric(
          node, std::move(args), [](const Args&, std::size_t) { return std::int64_t{0}; },
          [](const Args& a, std::size_t i) { return std::exp(f(a, 0, i)); });
    case FunctionId::Pow:
      return numeric(
          node, std::move(args), [](const Args&, std::size_t) { return std::int64_t{0}; },
          [](const Args& a, std::size_t i) { return std::pow(f(a, 0, i), f(a, 1, i)); });
    case FunctionId::GeoDistanceKm:
      return numeric(
          node, std::move(args), [](const Args&, std::size_t) { return std::int64_t{0}; },
          [](const Args& a, std::size_t i) {
            return great_circle_km(f(a, 0, i), f(a, 1, i), f(a, 2, i), f(a, 3, i));
          });
    case FunctionId::Hash:
      return make_rowwise(FieldType::Int64, std::move(args),
                          [](const Args& a, std::size_t i, Buffer& out, std::size_t r) {
                            out.ints[r] = static_cast<std::int64_t>(hash_value(a[0], i));
                            return true;
                          });
    default:
      return nullptr;
  }
}

}  // namespace rivulet::operators::expression
