#include "operators/codecs/csv_decoder.hpp"

#include <charconv>
#include <cmath>

#include "operators/codecs/timestamp_text.hpp"

namespace rivulet::operators::codecs {
namespace {

using graphs::FieldType;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string shown(std::string_view text) {
  return "'" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "...'" : "'");
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

graphs::Error field_error(const graphs::Field& field, const std::string& message) {
  return graphs::Error{"field '" + field.name + "': " + message};
}

}  // namespace

CsvDecoder::CsvDecoder(runtime::SchemaPtr schema, EventTimeColumn event_time, char delimiter)
    : schema_(std::move(schema)), event_time_(event_time), delimiter_(delimiter) {}

graphs::Status CsvDecoder::decode(std::string_view record, runtime::BatchBuilder& out,
                                  std::int64_t fallback_event_time_ms) {
  graphs::Status status = decode_fields(record, out, fallback_event_time_ms);
  if (!status) out.discard_row();
  return status;
}

graphs::Status CsvDecoder::decode_fields(std::string_view record, runtime::BatchBuilder& out,
                                         std::int64_t fallback_event_time_ms) {
  if (!record.empty() && record.back() == '\n') record.remove_suffix(1);
  if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
  const std::size_t columns = schema_->size();
  std::int64_t event_time = fallback_event_time_ms;
  std::size_t pos = 0;
  for (std::size_t column = 0; column < columns; ++column) {
    if (column > 0) {
      if (pos >= record.size() || record[pos] != delimiter_) {
        return graphs::Error{"expected " + std::to_string(columns) + " fields, got " +
                             std::to_string(column)};
      }
      ++pos;
    }
    std::string_view text;
    bool quoted = false;
    if (pos < record.size() && record[pos] == '"') {
      quoted = true;
      unquoted_.clear();
      ++pos;
      bool closed = false;
      while (pos < record.size()) {
        const char c = record[pos++];
        if (c != '"') {
          unquoted_.push_back(c);
        } else if (pos < record.size() && record[pos] == '"') {
          unquoted_.push_back('"');
          ++pos;
        } else {
          closed = true;
          break;
        }
      }
      if (!closed) return graphs::Error{"field " + std::to_string(column + 1) + ": unclosed quote"};
      if (pos < record.size() && record[pos] != delimiter_) {
        return graphs::Error{"field " + std::to_string(column + 1) +
                             ": unexpected character after the closing quote"};
      }
      text = unquoted_;
    } else {
      const std::size_t end = record.find(delimiter_, pos);
      text = record.substr(pos, end == std::string_view::npos ? record.size() - pos : end - pos);
      pos += text.size();
      if (text.find_first_of("\r\n") != std::string_view::npos) {
        return graphs::Error{"field " + std::to_string(column + 1) +
                             ": line break outside quotes (one record per message)"};
      }
    }
    graphs::Status converted = convert(column, text, quoted, out, event_time);
    if (!converted) return converted;
  }
  if (pos != record.size()) {
    return graphs::Error{"more than the schema's " + std::to_string(columns) + " fields"};
  }
  out.end_row(event_time);
  return graphs::Ok{};
}

graphs::Status CsvDecoder::convert(std::size_t column, std::string_view text, bool quoted,
                                   runtime::BatchBuilder& out, std::int64_t& event_time) {
  const graphs::Field& field = (*schema_)[column];
  if (text.empty() && !quoted && !(field.type == FieldType::String && !field.nullable)) {
    if (!out.append_null(column)) return field_error(field, "empty, but the field is not nullable");
    if (event_time_.column == column) return field_error(field, "null event time");
    return graphs::Ok{};
  }
  switch (field.type) {
    case FieldType::String:
      out.append_string(column, text);
      return graphs::Ok{};
    case FieldType::Int64:
    case FieldType::Timestamp: {
      const std::string_view number = trim(text);
      std::int64_t value = 0;
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (ec == std::errc::result_out_of_range) {
        return field_error(field, shown(number) + " is out of the int64 range");
      }
      if (ec != std::errc{} || end != number.data() + number.size()) {
        if (field.type == FieldType::Int64) {
          return field_error(field, "expected an integer, got " + shown(text));
        }
        auto ms = parse_timestamp_text(number);
        if (!ms) {
          return field_error(field, shown(text) +
                                        " is neither an ISO-8601 date-time nor epoch milliseconds");
        }
        value = *ms;
      }
      out.append_int64(column, value);
      if (event_time_.column == column) event_time = value;
      return graphs::Ok{};
    }
    case FieldType::Float64: {
      const std::string_view number = trim(text);
      double value = 0;
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (ec != std::errc{} || end != number.data() + number.size()) {
        return field_error(field, "expected a number, got " + shown(text));
      }
      out.append_float64(column, value);
      return graphs::Ok{};
    }
    case FieldType::Bool: {
      const std::string_view word = trim(text);
      if (equals_ignoring_case(word, "true") || word == "1") {
        out.append_bool(column, true);
      } else if (equals_ignoring_case(word, "false") || word == "0") {
        out.append_bool(column, false);
      } else {
        return field_error(field, "expected true or false, got " + shown(text));
      }
      return graphs::Ok{};
    }
  }
  return field_error(field, "unsupported field type");
}

}  // namespace rivulet::operators::codecs
