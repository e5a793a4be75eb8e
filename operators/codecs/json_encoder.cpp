#include "operators/codecs/json_encoder.hpp"

#include <charconv>
#include <cmath>
#include <numeric>

#include <simdjson.h>

namespace rivulet::operators::codecs {
namespace {

using graphs::FieldType;

void append_escaped_byte(unsigned char c, std::string& out) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    default:
      break;
  }
  if (c < 0x20) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\u00";
    out += kHex[c >> 4];
    out += kHex[c & 15];
    return;
  }
  out += static_cast<char>(c);
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid
// (truncated, overlong, a surrogate, beyond U+10FFFF, a stray continuation byte).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  if (length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) return 0;
  if (length == 4 && (code < 0x10000 || code > 0x10FFFF)) return 0;
  return length;
}

void append_int(std::int64_t value, std::string& out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  out += '"';
  // Fast path: valid UTF-8 (the common case) only needs ASCII escapes.
  const bool valid = simdjson::validate_utf8(text.data(), text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      append_escaped_byte(c, out);
      ++i;
      continue;
    }
    const std::size_t length = valid ? 1 : utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER for one invalid byte
      ++i;
    } else {
      out.append(text.data() + i, length);
      i += length;
    }
  }
  out += '"';
}

void append_json_double(double value, std::string& out) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

bool append_value_text(const runtime::Column& column, std::size_t row, std::string& out) {
  if (column.is_null(row)) return false;
  switch (column.type()) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      append_int(column.int64s()[row], out);
      break;
    case FieldType::Float64: {
      char buffer[32];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, column.float64s()[row]);
      out.append(buffer, end);
      break;
    }
    case FieldType::Bool:
      out += column.bools()[row] ? "true" : "false";
      break;
    case FieldType::String:
      out += column.string_at(row);
      break;
  }
  return true;
}

JsonEncoder::JsonEncoder(const graphs::Schema& schema)
    : JsonEncoder(schema, [&] {
        std::vector<std::size_t> all(schema.size());
        std::iota(all.begin(), all.end(), std::size_t{0});
        return all;
      }()) {}

JsonEncoder::JsonEncoder(const graphs::Schema& schema, std::vector<std::size_t> columns)
    : columns_(std::move(columns)) {
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    std::string prefix = k == 0 ? "{" : ",";
    append_json_string(schema[columns_[k]].name, prefix);
    prefix += ':';
    prefixes_.push_back(std::move(prefix));
  }
}

void JsonEncoder::encode(const runtime::RecordBatch& batch, std::size_t row,
                         std::string& out) const {
  if (columns_.empty()) {
    out += "{}";
    return;
  }
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    out += prefixes_[k];
    const runtime::Column& column = batch.column(columns_[k]);
    if (column.is_null(row)) {
      out += "null";
      continue;
    }
    switch (column.type()) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        append_int(column.int64s()[row], out);
        break;
      case FieldType::Float64:
        append_json_double(column.float64s()[row], out);
        break;
      case FieldType::Bool:
        out += column.bools()[row] ? "true" : "false";
        break;
      case FieldType::String:
        append_json_string(column.string_at(row), out);
        break;
    }
  }
  out += '}';
}

}  // namespace rivulet::operators::codecs
