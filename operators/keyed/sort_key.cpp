#include "operators/keyed/sort_key.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "runtime/state/state_keys.hpp"

namespace rivulet::operators::keyed {
namespace {

using graphs::FieldType;

void put_be(std::string& out, std::uint64_t v, bool invert) {
  runtime::state::append_big_endian_u64(out, invert ? ~v : v);
}

std::uint64_t order_bits(double v) {
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();  // one NaN, above +inf
  if (v == 0.0) v = 0.0;
  const auto bits = std::bit_cast<std::uint64_t>(v);
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  return (bits & kSign) ? ~bits : bits | kSign;
}

}  // namespace

void SortKeyEncoder::encode(const runtime::RecordBatch& batch, std::size_t row,
                            std::string& out) const {
  out.clear();
  for (const SortField& f : fields_) {
    const runtime::Column& c = batch.column(f.column);
    if (c.is_null(row)) {
      out.push_back(1);
      continue;
    }
    out.push_back(0);
    const bool inv = f.descending;
    switch (c.type()) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        put_be(out, static_cast<std::uint64_t>(c.int64s()[row]) ^ (std::uint64_t{1} << 63), inv);
        break;
      case FieldType::Float64:
        put_be(out, order_bits(c.float64s()[row]), inv);
        break;
      case FieldType::Bool: {
        const auto b = static_cast<unsigned char>(c.bools()[row] ? 1 : 0);
        out.push_back(static_cast<char>(inv ? static_cast<unsigned char>(~b) : b));
        break;
      }
      case FieldType::String: {
        const unsigned char mask = inv ? 0xFF : 0x00;
        for (char ch : c.string_at(row)) {
          out.push_back(static_cast<char>(static_cast<unsigned char>(ch) ^ mask));
          if (ch == 0) out.push_back(static_cast<char>(0xFF ^ mask));
        }
        out.push_back(static_cast<char>(mask));
        out.push_back(static_cast<char>(mask));
        break;
      }
    }
  }
}

}  // namespace rivulet::operators::keyed
