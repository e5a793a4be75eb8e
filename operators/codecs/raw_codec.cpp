#include "operators/codecs/raw_codec.hpp"

#include "runtime/batch_builder.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::codecs {

graphs::Status check_raw_schema(const graphs::Schema& schema) {
  if (schema.size() != 1 || schema.front().type != graphs::FieldType::String) {
    return graphs::Error{
        "format raw needs a schema of exactly one string field (the message), "
        "got " +
        std::to_string(schema.size()) + " field(s)" +
        (schema.size() == 1 ? std::string(" of type ") + graphs::to_string(schema.front().type)
                            : std::string())};
  }
  return graphs::Ok{};
}

void RawEncoder::encode(const runtime::RecordBatch& batch, std::size_t row,
                        std::string& out) const {
  append_value_text(batch.column(0), row, out);
}

graphs::Status RawDecoder::decode(std::string_view record, runtime::BatchBuilder& out,
                                  std::int64_t fallback_event_time_ms) {
  out.append_string(0, record);
  out.end_row(fallback_event_time_ms);
  return graphs::Ok{};
}

}  // namespace rivulet::operators::codecs
