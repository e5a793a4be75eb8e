#include "operators/codecs/json_decoder.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "operators/codecs/timestamp_text.hpp"

namespace rivulet::operators::codecs {

// Stage 2 is whatever SIMDJSON_BUILTIN_IMPLEMENTATION this file was compiled with (the
// library's own builtin_implementation() reports how the .so was compiled, not this file).
#define RIVULET_SIMDJSON_NAME_(x) #x
#define RIVULET_SIMDJSON_NAME(x) RIVULET_SIMDJSON_NAME_(x)

std::string json_parser_implementation() {
  return "stage 1: " + std::string(simdjson::get_active_implementation()->name()) +
         " (runtime dispatch), stage 2: " RIVULET_SIMDJSON_NAME(
             SIMDJSON_BUILTIN_IMPLEMENTATION) " (compile-time builtin)";
}

struct JsonDecoder::Parser {
  simdjson::ondemand::parser parser;
};

namespace {

using graphs::FieldType;
using simdjson::ondemand::json_type;
using simdjson::ondemand::number_type;

const char* type_name(json_type type) {
  switch (type) {
    case json_type::array:
      return "an array";
    case json_type::object:
      return "an object";
    case json_type::number:
      return "a number";
    case json_type::string:
      return "a string";
    case json_type::boolean:
      return "a boolean";
    case json_type::null:
      return "null";
  }
  return "a value";
}

graphs::Error field_error(const graphs::Field& field, const std::string& message) {
  return graphs::Error{"field '" + field.name + "': " + message};
}

// The number's source text for messages, shortened so a dead letter's reason stays one line.
std::string token_text(simdjson::ondemand::value& value) {
  std::string_view raw = value.raw_json_token();
  while (!raw.empty() &&
         (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t')) {
    raw.remove_suffix(1);
  }
  if (raw.size() > 40) return std::string(raw.substr(0, 40)) + "...";
  return std::string(raw);
}

// int64 from a JSON number: integers in range, or floats with an integral value in range.
graphs::Result<std::int64_t> integer_value(const graphs::Field& field,
                                           simdjson::ondemand::value& value) {
  number_type kind{};
  if (value.get_number_type().get(kind)) {
    return field_error(field, "malformed number " + token_text(value));
  }
  if (kind == number_type::signed_integer) {
    std::int64_t result = 0;
    if (!value.get_int64().get(result)) return result;
  } else if (kind == number_type::floating_point_number) {
    double real = 0;
    // 2^63 is exactly representable; anything at or above it does not fit.
    if (!value.get_double().get(real) && std::trunc(real) == real &&
        real >= -9.2233720368547758e18 && real < 9.2233720368547758e18) {
      return static_cast<std::int64_t>(real);
    }
    if (std::trunc(real) != real) {
      return field_error(field, "expected an integer, got " + token_text(value));
    }
  }
  return field_error(field, token_text(value) + " is out of the int64 range");
}

}  // namespace

JsonDecoder::JsonDecoder(runtime::SchemaPtr schema, EventTimeColumn event_time)
    : schema_(std::move(schema)),
      event_time_(event_time),
      parser_(std::make_unique<Parser>()),
      seen_(schema_->size(), 0) {}

JsonDecoder::~JsonDecoder() = default;

std::size_t JsonDecoder::find_column(std::string_view key) {
  const std::size_t n = schema_->size();
  for (std::size_t probe = 0; probe < n; ++probe) {
    std::size_t i = next_guess_ + probe;
    if (i >= n) i -= n;
    if ((*schema_)[i].name == key) {
      next_guess_ = i + 1 == n ? 0 : i + 1;
      return i;
    }
  }
  return std::string::npos;
}

namespace {

// One member's value into its column; `event_time` receives the value when `column` is the
// event-time column.
graphs::Status decode_member(const graphs::Field& field, std::size_t column, bool is_event_time,
                             simdjson::ondemand::value& value, runtime::BatchBuilder& out,
                             std::int64_t& event_time) {
  json_type type{};
  if (value.type().get(type)) return field_error(field, "malformed value");
  if (type == json_type::null) {
    // simdjson only checks the first letter for the type; insist on the whole literal.
    bool is_null = false;
    if (value.is_null().get(is_null) || !is_null) return field_error(field, "malformed value");
    if (!out.append_null(column)) return field_error(field, "null, but the field is not nullable");
    if (is_event_time) return field_error(field, "null event time");
    return graphs::Ok{};
  }
  switch (field.type) {
    case FieldType::Int64:
    case FieldType::Timestamp: {
      std::int64_t result = 0;
      if (type == json_type::number) {
        auto parsed = integer_value(field, value);
        if (!parsed) return parsed.error();
        result = *parsed;
      } else if (type == json_type::string && field.type == FieldType::Timestamp) {
        std::string_view text;
        if (value.get_string().get(text)) return field_error(field, "malformed string");
        auto ms = parse_timestamp_text(text);
        if (!ms) {
          return field_error(field,
                             "'" + std::string(text.substr(0, 40)) +
                                 "' is neither an ISO-8601 date-time nor epoch milliseconds");
        }
        result = *ms;
      } else {
        return field_error(
            field, std::string("expected ") +
                       (field.type == FieldType::Int64 ? "an integer" : "a timestamp") + ", got " +
                       type_name(type));
      }
      out.append_int64(column, result);
      if (is_event_time) event_time = result;
      return graphs::Ok{};
    }
    case FieldType::Float64: {
      double result = 0;
      if (type != json_type::number) {
        return field_error(field, std::string("expected a number, got ") + type_name(type));
      }
      if (value.get_double().get(result)) {
        return field_error(field, token_text(value) + " is not a representable float64");
      }
      out.append_float64(column, result);
      return graphs::Ok{};
    }
    case FieldType::Bool: {
      bool result = false;
      if (type != json_type::boolean || value.get_bool().get(result)) {
        return field_error(field, std::string("expected true or false, got ") + type_name(type));
      }
      out.append_bool(column, result);
      return graphs::Ok{};
    }
    case FieldType::String: {
      std::string_view result;
      if (type != json_type::string) {
        return field_error(field, std::string("expected a string, got ") + type_name(type));
      }
      if (value.get_string().get(result)) return field_error(field, "malformed string");
      out.append_string(column, result);
      return graphs::Ok{};
    }
  }
  return field_error(field, "unsupported field type");
}

}  // namespace

graphs::Status JsonDecoder::decode(std::string_view record, runtime::BatchBuilder& out,
                                   std::int64_t fallback_event_time_ms) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; a Kafka payload has no such
  // slack, so the record is copied into a buffer that keeps it (one memcpy per record).
  padded_.reserve(record.size() + simdjson::SIMDJSON_PADDING);
  padded_.assign(record.data(), record.size());
  graphs::Status status = decode_object(out, fallback_event_time_ms);
  if (!status) out.discard_row();
  return status;
}

namespace {

// Reads a document that is not an object: its error if it does not even start a JSON value.
simdjson::error_code scalar_or_array_error(simdjson::ondemand::document& document, json_type type) {
  simdjson::error_code error = simdjson::SUCCESS;
  switch (type) {
    case json_type::null: {
      bool null = false;
      error = document.is_null().get(null);
      if (!error && !null) error = simdjson::N_ATOM_ERROR;
      break;
    }
    case json_type::boolean: {
      bool value = false;
      error = document.get_bool().get(value);
      break;
    }
    case json_type::number: {
      double value = 0;
      error = document.get_double().get(value);
      break;
    }
    case json_type::string: {
      std::string_view value;
      error = document.get_string().get(value);
      break;
    }
    case json_type::array: {
      simdjson::ondemand::array array;
      std::size_t count = 0;
      error = document.get_array().get(array);
      if (!error) error = array.count_elements().get(count);
      break;
    }
    case json_type::object:
      break;
  }
  return error;
}

}  // namespace

graphs::Status JsonDecoder::decode_object(runtime::BatchBuilder& out,
                                          std::int64_t fallback_event_time_ms) {
  simdjson::padded_string_view input(padded_.data(), padded_.size(), padded_.capacity());
  simdjson::ondemand::document document;
  if (auto error = parser_->parser.iterate(input).get(document)) {
    return graphs::Error{std::string("not valid JSON: ") + simdjson::error_message(error)};
  }
  simdjson::ondemand::object object;
  if (auto object_error = document.get_object().get(object)) {
    json_type type{};
    if (document.type().get(type) || type == json_type::object) {
      return graphs::Error{std::string("not valid JSON: ") + simdjson::error_message(object_error)};
    }
    // The first byte only says what the input would be ("nonsense" starts like null): read
    // the value, so input that is not JSON at all is called that.
    if (auto error = scalar_or_array_error(document, type)) {
      return graphs::Error{std::string("not valid JSON: ") + simdjson::error_message(error)};
    }
    return graphs::Error{std::string("expected a JSON object, got ") + type_name(type)};
  }
  std::fill(seen_.begin(), seen_.end(), 0);
  event_time_value_ = fallback_event_time_ms;
  for (auto member : object) {
    simdjson::ondemand::field field;
    std::string_view key;
    if (auto error = std::move(member).get(field)) {
      return graphs::Error{std::string("not valid JSON: ") + simdjson::error_message(error)};
    }
    if (auto error = field.unescaped_key().get(key)) {
      return graphs::Error{std::string("not valid JSON: ") + simdjson::error_message(error)};
    }
    const std::size_t column = find_column(key);
    if (column == std::string::npos) continue;  // unknown members are ignored (On-Demand skips)
    if (seen_[column]) {
      return graphs::Error{"field '" + (*schema_)[column].name + "' appears twice"};
    }
    seen_[column] = 1;
    graphs::Status decoded = decode_member((*schema_)[column], column, event_time_.column == column,
                                           field.value(), out, event_time_value_);
    if (!decoded) return decoded;
  }
  // Iteration above stops at the object's end; a location inside the input means more tokens
  // follow it.
  if (!document.current_location().error()) {
    return graphs::Error{"not valid JSON: content after the object"};
  }
  for (std::size_t column = 0; column < seen_.size(); ++column) {
    if (seen_[column]) continue;
    if (!out.append_null(column)) {
      return graphs::Error{"field '" + (*schema_)[column].name + "' is missing"};
    }
    if (event_time_.column == column) {
      return graphs::Error{"field '" + (*schema_)[column].name + "': missing event time"};
    }
  }
  out.end_row(event_time_value_);
  return graphs::Ok{};
}

}  // namespace rivulet::operators::codecs
