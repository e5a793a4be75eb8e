#pragma once
// CSV records → schema rows: one record per message (or line), fields in schema order, no
// header, RFC 4180 quoting ("a ""quoted"" word"; quoted fields may hold the delimiter and line
// breaks). One trailing line break is ignored.
//
// Values: an empty unquoted field is null for a nullable field, "" for a non-nullable string,
// and an error otherwise; a quoted "" is always the empty string (this is what CsvEncoder
// writes, so null and "" survive a round trip). Numbers are trimmed of surrounding spaces;
// int64 takes decimal integers, float64 any decimal or scientific number (also inf / nan),
// bool true/false/1/0 in any case, timestamp epoch ms or ISO-8601 (timestamp_text.hpp).

#include <string>

#include "operators/codecs/record_decoder.hpp"

namespace rivulet::operators::codecs {

class CsvDecoder final : public RecordDecoder {
 public:
  CsvDecoder(runtime::SchemaPtr schema, EventTimeColumn event_time, char delimiter);

  graphs::Status decode(std::string_view record, runtime::BatchBuilder& out,
                        std::int64_t fallback_event_time_ms) override;

 private:
  graphs::Status decode_fields(std::string_view record, runtime::BatchBuilder& out,
                               std::int64_t fallback_event_time_ms);
  // Converts one field's text; `quoted` distinguishes "" from an empty (null) field.
  graphs::Status convert(std::size_t column, std::string_view text, bool quoted,
                         runtime::BatchBuilder& out, std::int64_t& event_time);

  runtime::SchemaPtr schema_;
  EventTimeColumn event_time_;
  char delimiter_;
  std::string unquoted_;  // scratch for fields with "" escapes
};

}  // namespace rivulet::operators::codecs
