#include "operators/generators/value_generators.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

namespace rivulet::operators::generators {

void append_scalar(runtime::BatchBuilder& out, std::size_t column, const Scalar& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t>) {
          out.append_int64(column, v);
        } else if constexpr (std::is_same_v<T, double>) {
          out.append_float64(column, v);
        } else if constexpr (std::is_same_v<T, bool>) {
          out.append_bool(column, v);
        } else {
          out.append_string(column, v);
        }
      },
      value);
}

void UniformInt::append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
                        std::size_t column) const {
  out.append_int64(column, draws.uniform_int(lo_, hi_));
}

void UniformReal::append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
                         std::size_t column) const {
  out.append_float64(column, lo_ + draws.uniform01() * (hi_ - lo_));
}

void Gaussian::append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
                      std::size_t column) const {
  double v = mean_ + stddev_ * draws.standard_normal();
  if (log_normal_) v = std::exp(v);
  if (integral_) {
    out.append_int64(column, std::llround(v));
  } else {
    out.append_float64(column, v);
  }
}

KeyGenerator::KeyGenerator(std::uint64_t cardinality, std::optional<double> zipf_exponent,
                           std::string prefix, bool as_string)
    : cardinality_(cardinality), prefix_(std::move(prefix)), as_string_(as_string) {
  if (zipf_exponent) zipf_.emplace(cardinality_, *zipf_exponent);
}

void KeyGenerator::append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
                          std::size_t column) const {
  const std::uint64_t index = zipf_ ? zipf_->sample(draws) - 1
                                    : static_cast<std::uint64_t>(draws.uniform_int(
                                          0, static_cast<std::int64_t>(cardinality_) - 1));
  if (!as_string_) {
    out.append_int64(column, static_cast<std::int64_t>(index));
    return;
  }
  // Formatted into a stack buffer: no allocation per record for the common short prefixes.
  char buffer[64];
  if (prefix_.size() + 20 <= sizeof(buffer)) {
    prefix_.copy(buffer, prefix_.size());
    char* end = std::to_chars(buffer + prefix_.size(), buffer + sizeof(buffer), index).ptr;
    out.append_string(column, std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
  } else {
    out.append_string(column, prefix_ + std::to_string(index));
  }
}

void Sequence::append(const RecordInfo& record, DrawStream&, runtime::BatchBuilder& out,
                      std::size_t column) const {
  const std::int64_t value = start_ + static_cast<std::int64_t>(record.index);
  switch (type_) {
    case graphs::FieldType::Float64:
      out.append_float64(column, static_cast<double>(value));
      break;
    case graphs::FieldType::String: {
      char buffer[24];
      char* end = std::to_chars(buffer, buffer + sizeof(buffer), value).ptr;
      out.append_string(column, std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
      break;
    }
    default:
      out.append_int64(column, value);
  }
}

void Choice::append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
                    std::size_t column) const {
  const auto pick = draws.uniform_int(0, static_cast<std::int64_t>(values_.size()) - 1);
  append_scalar(out, column, values_[static_cast<std::size_t>(pick)]);
}

void Word::append(const RecordInfo&, DrawStream& draws, runtime::BatchBuilder& out,
                  std::size_t column) const {
  char buffer[64];
  const std::size_t n = std::min(length_, sizeof(buffer));
  for (std::size_t i = 0; i < n; ++i) {
    buffer[i] = static_cast<char>('a' + draws.uniform_int(0, 25));
  }
  out.append_string(column, std::string_view(buffer, n));
}

void Nullable::append(const RecordInfo& record, DrawStream& draws, runtime::BatchBuilder& out,
                      std::size_t column) const {
  if (draws.bernoulli(p_null_)) {
    out.append_null(column);  // the parser only accepts null(p) on nullable fields
  } else {
    inner_->append(record, draws, out, column);
  }
}

}  // namespace rivulet::operators::generators
