#pragma once
// Decoding one external record (a Kafka message value, a file line) into one row of a
// BatchBuilder typed by the declared schema. Shared by kafka_source and file_source.
//
// decode() either appends exactly one complete row (end_row included) or appends nothing and
// returns an Error whose message is the dead-letter reason ("field 'amount': expected a number,
// got string"). Input bytes are data: no input makes a decoder crash, throw or allocate without
// bound beyond the record's own size.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "graphs/result.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::codecs {

// Where a row's event time comes from: a schema column (int64 or timestamp, epoch ms), or,
// when `column` is empty, the caller's fallback (the Kafka message timestamp, the read time).
struct EventTimeColumn {
  std::optional<std::size_t> column;
};

class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;
  virtual graphs::Status decode(std::string_view record, runtime::BatchBuilder& out,
                                std::int64_t fallback_event_time_ms) = 0;
};

struct DecoderOptions {
  std::string format = "json";  // "json" | "csv"
  runtime::SchemaPtr schema;
  std::string event_time_field;  // empty: fallback event time
  std::string csv_delimiter = ",";
};

// Checks the options (format known, event-time field present with a usable type, delimiter one
// character) and builds the decoder. Error messages name the offending parameter.
graphs::Result<std::unique_ptr<RecordDecoder>> make_decoder(const DecoderOptions& options);

// Resolves an event-time field name against a schema ("" → no column).
graphs::Result<EventTimeColumn> resolve_event_time(const graphs::Schema& schema,
                                                   const std::string& field);

}  // namespace rivulet::operators::codecs
