#include "operators/codecs/record_decoder.hpp"

#include "operators/codecs/csv_decoder.hpp"
#include "operators/codecs/json_decoder.hpp"
#include "operators/codecs/raw_codec.hpp"

namespace rivulet::operators::codecs {

graphs::Result<EventTimeColumn> resolve_event_time(const graphs::Schema& schema,
                                                   const std::string& field) {
  if (field.empty()) return EventTimeColumn{};
  for (std::size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name != field) continue;
    if (schema[i].type != graphs::FieldType::Timestamp &&
        schema[i].type != graphs::FieldType::Int64) {
      return graphs::Error{"event_time_field '" + field + "' is " +
                           graphs::to_string(schema[i].type) +
                           "; it must be a timestamp or an int64 (epoch milliseconds)"};
    }
    return EventTimeColumn{i};
  }
  return graphs::Error{"event_time_field '" + field + "' is not a field of the schema"};
}

graphs::Result<std::unique_ptr<RecordDecoder>> make_decoder(const DecoderOptions& options) {
  if (!options.schema) return graphs::Error{"no schema"};
  if (options.format == "raw") {
    if (graphs::Status ok = check_raw_schema(*options.schema); !ok) return ok.error();
    if (!options.event_time_field.empty()) {
      return graphs::Error{
          "event_time_field must be empty with format raw: raw messages take "
          "their event time from the Kafka message timestamp"};
    }
    return std::unique_ptr<RecordDecoder>(std::make_unique<RawDecoder>());
  }
  auto event_time = resolve_event_time(*options.schema, options.event_time_field);
  if (!event_time) return event_time.error();
  if (options.format == "json") {
    return std::unique_ptr<RecordDecoder>(
        std::make_unique<JsonDecoder>(options.schema, *event_time));
  }
  if (options.format == "csv") {
    if (options.csv_delimiter.size() != 1 || options.csv_delimiter[0] == '"' ||
        options.csv_delimiter[0] == '\n' || options.csv_delimiter[0] == '\r') {
      return graphs::Error{
          "csv_delimiter must be one character other than a quote or line "
          "break, got '" +
          options.csv_delimiter + "'"};
    }
    return std::unique_ptr<RecordDecoder>(
        std::make_unique<CsvDecoder>(options.schema, *event_time, options.csv_delimiter[0]));
  }
  return graphs::Error{"format '" + options.format + "' is not supported (json, csv or raw)"};
}

}  // namespace rivulet::operators::codecs
