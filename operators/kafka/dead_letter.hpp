#pragma once
// A kafka_source dead letter: one row of the `dead_letters` output for a message that did not
// decode. It must never be what fails the job, so it is bounded: the value (`raw`), the key and
// the headers text are each cut to `max_bytes` (at a UTF-8 character boundary), and the whole
// value is described by its size and digest instead. The default bound keeps a dead letter well
// under a Kafka sink's default message.max.bytes (1,000,000) even when JSON escaping of binary
// bytes makes each byte six (3 texts x 32 KiB x 6 < 1 MB).
//
// Columns (kafka_source's catalog spec uses this schema):
//   reason     why it did not decode ("not valid JSON: ...", "tombstone: ...", "empty value")
//   raw        the value as text, cut to max_bytes; null for a tombstone (no value at all),
//              "" for an empty value
//   topic, partition, offset, timestamp   where it came from (Kafka timestamp)
//   key        the message key as text, cut to max_bytes; null when the message has no key
//   headers    the headers as a JSON object text ({"name":"value",...}; a header without a
//              value is null; bytes that are not UTF-8 are escaped as \u00XX), cut to max_bytes
//              as a whole (then no longer valid JSON: raw_truncated tells); "{}" without headers
//   raw_size   the value's size in bytes before any cut (0 for a tombstone)
//   raw_digest "xxh3-128:<32 hex digits>" of the whole value: finds the original message
//              (not a cryptographic digest); null for a tombstone
//   raw_truncated  true when raw, key or headers were cut

#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/batch_builder.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::kafka {

constexpr std::int64_t kDefaultDeadLetterMaxBytes = 32 * 1024;

runtime::SchemaPtr dead_letter_schema();

// The longest prefix of `text` of at most `max_bytes` that does not split a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// "xxh3-128:" and 32 lowercase hex digits.
std::string value_digest(std::string_view bytes);

// The headers of `message` as a JSON object text ("{}" when it has none).
std::string headers_json(const rd_kafka_message_t& message);

// Appends one dead-letter row for `message` (of `topic`) to `out`.
void append_dead_letter(runtime::BatchBuilder& out, const rd_kafka_message_t& message,
                        const std::string& topic, const std::string& reason,
                        std::int64_t timestamp_ms, std::size_t max_bytes);

}  // namespace rivulet::operators::kafka
