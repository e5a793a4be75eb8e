#include "operators/keyed/key_encoder.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace rivulet::operators::keyed {
namespace {

using graphs::FieldType;

constexpr char kValueTag = 0x00;
constexpr char kNullTag = static_cast<char>(0xFF);

void put(std::string& out, const void* data, std::size_t size) {
  out.append(static_cast<const char*>(data), size);
}

double canonical(double v) {
  if (std::isnan(v)) return std::numeric_limits<double>::quiet_NaN();
  return v == 0.0 ? 0.0 : v;
}

bool doubles_equal(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

KeyEncoder::KeyEncoder(std::vector<std::size_t> key_columns) : columns_(std::move(key_columns)) {}

std::string_view KeyEncoder::encode(const runtime::RecordBatch& batch, std::size_t row) {
  buffer_.clear();  // keeps its capacity: no allocation once warmed up
  for (std::size_t index : columns_) {
    const runtime::Column& c = batch.column(index);
    if (c.is_null(row)) {
      buffer_.push_back(kNullTag);
      continue;
    }
    buffer_.push_back(kValueTag);
    switch (c.type()) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        put(buffer_, &c.int64s()[row], sizeof(std::int64_t));
        break;
      case FieldType::Float64: {
        const double v = canonical(c.float64s()[row]);
        put(buffer_, &v, sizeof v);
        break;
      }
      case FieldType::Bool:
        buffer_.push_back(static_cast<char>(c.bools()[row]));
        break;
      case FieldType::String: {
        const std::string_view s = c.string_at(row);
        const auto n = static_cast<std::uint32_t>(s.size());
        put(buffer_, &n, sizeof n);
        buffer_.append(s);
        break;
      }
    }
  }
  return buffer_;
}

bool KeyEncoder::has_null(const runtime::RecordBatch& batch, std::size_t row) const {
  for (std::size_t index : columns_) {
    if (batch.column(index).is_null(row)) return true;
  }
  return false;
}

bool keys_equal(const runtime::RecordBatch& a, std::size_t row_a,
                std::span<const std::size_t> columns_a, const runtime::RecordBatch& b,
                std::size_t row_b, std::span<const std::size_t> columns_b) {
  for (std::size_t k = 0; k < columns_a.size(); ++k) {
    const runtime::Column& ca = a.column(columns_a[k]);
    const runtime::Column& cb = b.column(columns_b[k]);
    const bool null_a = ca.is_null(row_a);
    const bool null_b = cb.is_null(row_b);
    if (null_a || null_b) {
      if (null_a != null_b) return false;
      continue;
    }
    switch (ca.type()) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        if (ca.int64s()[row_a] != cb.int64s()[row_b]) return false;
        break;
      case FieldType::Float64:
        if (!doubles_equal(ca.float64s()[row_a], cb.float64s()[row_b])) return false;
        break;
      case FieldType::Bool:
        if (ca.bools()[row_a] != cb.bools()[row_b]) return false;
        break;
      case FieldType::String:
        if (ca.string_at(row_a) != cb.string_at(row_b)) return false;
        break;
    }
  }
  return true;
}

bool key_types_compatible(graphs::FieldType a, graphs::FieldType b) {
  const auto integral = [](FieldType t) {
    return t == FieldType::Int64 || t == FieldType::Timestamp;
  };
  return a == b || (integral(a) && integral(b));
}

}  // namespace rivulet::operators::keyed
