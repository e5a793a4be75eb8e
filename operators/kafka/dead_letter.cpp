#include "operators/kafka/dead_letter.hpp"

#include <xxhash.h>

#include <cstdio>

namespace rivulet::operators::kafka {
namespace {

std::string_view bytes_of(const void* data, std::size_t size) {
  return data != nullptr ? std::string_view(static_cast<const char*>(data), size)
                         : std::string_view();
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 if none starts there.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    length = 2;
  else if (lead >= 0xE0 && lead <= 0xEF)
    length = 3;
  else if (lead >= 0xF0 && lead <= 0xF4)
    length = 4;
  else
    return 0;
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c >= 0x20 && c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t length = c >= 0x80 ? utf8_sequence(text, i) : 0; length > 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {  // a control character, or a byte that is not UTF-8: its code as latin-1
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
      ++i;
    }
  }
  out += '"';
}

}  // namespace

runtime::SchemaPtr dead_letter_schema() {
  using graphs::FieldType;
  static const runtime::SchemaPtr schema = std::make_shared<const graphs::Schema>(graphs::Schema{
      {"reason", FieldType::String, false},
      {"raw", FieldType::String, true},
      {"topic", FieldType::String, false},
      {"partition", FieldType::Int64, false},
      {"offset", FieldType::Int64, false},
      {"timestamp", FieldType::Timestamp, false},
      {"key", FieldType::String, true},
      {"headers", FieldType::String, false},
      {"raw_size", FieldType::Int64, false},
      {"raw_digest", FieldType::String, true},
      {"raw_truncated", FieldType::Bool, false},
  });
  return schema;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const auto continuation = [&](std::size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  // The byte after the cut continues a sequence: cut before that sequence's lead byte instead.
  std::size_t end = max_bytes;
  for (int k = 0; k < 3 && end > 0 && continuation(end); ++k) --end;
  if (continuation(end)) end = max_bytes;  // not UTF-8 there anyway: cut at the bound
  return text.substr(0, end);
}

std::string value_digest(std::string_view bytes) {
  const XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                static_cast<unsigned long long>(hash.low64));
  return std::string("xxh3-128:") + hex;
}

std::string headers_json(const rd_kafka_message_t& message) {
  rd_kafka_headers_t* headers = nullptr;
  // Not const in librdkafka's signature; it only parses the message's header block.
  if (rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(&message), &headers) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      headers == nullptr) {
    return "{}";
  }
  std::string out = "{";
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    if (i > 0) out += ',';
    append_json_string(out, name != nullptr ? name : "");
    out += ':';
    if (value == nullptr) {
      out += "null";
    } else {
      append_json_string(out, bytes_of(value, size));
    }
  }
  return out + "}";
}

void append_dead_letter(runtime::BatchBuilder& out, const rd_kafka_message_t& message,
                        const std::string& topic, const std::string& reason,
                        std::int64_t timestamp_ms, std::size_t max_bytes) {
  const bool tombstone = message.payload == nullptr;
  const std::string_view value = bytes_of(message.payload, message.len);
  const std::string_view raw = utf8_prefix(value, max_bytes);
  const std::string_view key_bytes = bytes_of(message.key, message.key_len);
  const std::string_view key = utf8_prefix(key_bytes, max_bytes);
  const std::string all_headers = headers_json(message);
  const std::string_view headers = utf8_prefix(all_headers, max_bytes);
  out.append_string(0, reason);
  if (tombstone) {
    (void)out.append_null(1);
  } else {
    out.append_string(1, raw);
  }
  out.append_string(2, topic);
  out.append_int64(3, message.partition);
  out.append_int64(4, message.offset);
  out.append_int64(5, timestamp_ms);
  if (message.key == nullptr) {
    (void)out.append_null(6);
  } else {
    out.append_string(6, key);
  }
  out.append_string(7, headers);
  out.append_int64(8, static_cast<std::int64_t>(value.size()));
  if (tombstone) {
    (void)out.append_null(9);
  } else {
    out.append_string(9, value_digest(value));
  }
  out.append_bool(10, raw.size() < value.size() || key.size() < key_bytes.size() ||
                          headers.size() < all_headers.size());
  out.end_row(timestamp_ms);
}

}  // namespace rivulet::operators::kafka
