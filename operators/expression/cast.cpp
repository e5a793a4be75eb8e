// CAST(x AS type), explicit or inserted by the checker (int64 -> float64 promotion, ...).
//
//   to string: int64 in decimal, float64 in the shortest text that reads back to the same
//              double ("0.1", "1e+20", "inf", "nan"), bool as true/false, timestamps as
//              ISO-8601 UTC with milliseconds ("2024-03-01T12:34:56.789Z").
//   from string (NULL when the text does not parse; surrounding ASCII whitespace is ignored):
//              int64 decimal with optional sign; float64 decimal/scientific, inf, nan;
//              bool true/false/t/f/1/0 (any case); timestamp as parse_timestamp().
//   float64 -> int64 truncates toward zero; NaN gives 0 and out-of-range values saturate (the
//              checker types this cast as non-nullable, so it cannot give NULL).
//   numbers <-> bool: non-zero is true; true is 1. int64 <-> timestamp: epoch milliseconds.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "operators/expression/kernel.hpp"
#include "operators/expression/timestamp_text.hpp"

namespace rivulet::operators::expression {
namespace {

std::string_view trim_space(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  s = trim_space(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> parse_float(std::string_view s) {
  s = trim_space(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  s = trim_space(s);
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (lower == "true" || lower == "t" || lower == "1") return true;
  if (lower == "false" || lower == "f" || lower == "0") return false;
  return std::nullopt;
}

std::int64_t float_to_int(double x) {
  if (std::isnan(x)) return 0;
  // 2^63 is exactly representable; anything at or beyond it saturates.
  if (x >= 9223372036854775808.0) return std::numeric_limits<std::int64_t>::max();
  if (x < -9223372036854775808.0) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(x);
}

void append_number(std::int64_t v, std::string& out) {
  char text[24];
  auto [end, ec] = std::to_chars(text, text + sizeof text, v);
  out.append(text, end);
}

void append_number(double v, std::string& out) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, v);
  out.append(text, end);
}

class CastKernel final : public Kernel {
 public:
  CastKernel(FieldType to, KernelPtr operand) : Kernel(to), operand_(std::move(operand)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = operand_->evaluate(batch);
    const std::size_t m = a.rows();
    const FieldType from = a.type;
    const FieldType to = type();
    if (from != FieldType::String && to == FieldType::Float64) {
      // The checker's int64 -> float64 promotion (`amount * 1.1`): a tight loop, NULLs kept.
      buffer_.prepare(to, m, false);
      for (std::size_t i = 0; i < m; ++i) {
        buffer_.floats[i] = from == FieldType::Float64 ? a.floats[i]
                            : from == FieldType::Bool  ? a.bools[i]
                                                       : static_cast<double>(a.ints[i]);
      }
      View out = buffer_.view(to, a.size, a.constant, false);
      out.nulls = a.nulls;
      return out;
    }
    // Parse failures add NULLs, so a string source always gets null bytes.
    const bool may_fail = from == FieldType::String && to != FieldType::String;
    const bool nullable = a.has_nulls() || may_fail;
    buffer_.prepare(to, m, nullable);
    bool any_null = false;
    for (std::size_t i = 0; i < m; ++i) {
      const bool null = a.is_null(i);
      if (nullable) buffer_.nulls[i] = null;
      any_null = any_null || null;
      if (null && to != FieldType::String) continue;
      if (to == FieldType::String) {
        scratch_.clear();
        if (!null) to_text(a, i, scratch_);
        buffer_.append_string(scratch_);
      } else if (from == FieldType::String) {
        if (!from_text(a.string_at(i), i)) {
          buffer_.nulls[i] = 1;
          any_null = true;
        }
      } else {
        convert(a, i);
      }
    }
    return buffer_.view(to, a.size, a.constant, any_null);
  }

 private:
  void to_text(const View& a, std::size_t i, std::string& out) const {
    const std::size_t r = a.at(i);
    switch (a.type) {
      case FieldType::Int64:
        append_number(a.ints[r], out);
        break;
      case FieldType::Timestamp:
        append_timestamp(a.ints[r], out);
        break;
      case FieldType::Float64:
        append_number(a.floats[r], out);
        break;
      case FieldType::Bool:
        out += a.bools[r] ? "true" : "false";
        break;
      case FieldType::String:
        out += a.string_at(i);
        break;
    }
  }

  bool from_text(std::string_view text, std::size_t i) {
    switch (type()) {
      case FieldType::Int64:
        if (auto v = parse_int(text)) return buffer_.ints[i] = *v, true;
        return false;
      case FieldType::Timestamp:
        if (auto v = parse_timestamp(text)) return buffer_.ints[i] = *v, true;
        return false;
      case FieldType::Float64:
        if (auto v = parse_float(text)) return buffer_.floats[i] = *v, true;
        return false;
      case FieldType::Bool:
        if (auto v = parse_bool(text)) return buffer_.bools[i] = *v ? 1 : 0, true;
        return false;
      case FieldType::String:
        return true;
    }
    return false;
  }

  // Between int64, timestamp, float64 and bool.
  void convert(const View& a, std::size_t i) {
    const std::size_t r = a.at(i);
    const bool from_float = a.type == FieldType::Float64;
    const bool from_bool = a.type == FieldType::Bool;
    switch (type()) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        buffer_.ints[i] = from_float  ? float_to_int(a.floats[r])
                          : from_bool ? a.bools[r]
                                      : a.ints[r];
        break;
      case FieldType::Float64:
        buffer_.floats[i] = from_float  ? a.floats[r]
                            : from_bool ? a.bools[r]
                                        : static_cast<double>(a.ints[r]);
        break;
      case FieldType::Bool:
        buffer_.bools[i] = from_float  ? a.floats[r] != 0.0
                           : from_bool ? a.bools[r]
                                       : a.ints[r] != 0;
        break;
      case FieldType::String:
        break;
    }
  }

  KernelPtr operand_;
  Buffer buffer_;
  std::string scratch_;
};

}  // namespace

KernelPtr make_cast(NodeRef node) {
  KernelPtr operand = compile_node(node.child(0));
  if (operand->type() == node.type.type) return operand;
  return std::make_unique<CastKernel>(node.type.type, std::move(operand));
}

}  // namespace rivulet::operators::expression
