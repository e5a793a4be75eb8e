#pragma once
// The "raw" format (as Flink's): a message is one string field's bytes, unchanged — for
// payloads that are not records of a known format (text lines, broken messages a test injects,
// bytes passed through). The schema must be exactly one string field; event time comes from
// the caller's fallback (the Kafka message timestamp).

#include <memory>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "operators/codecs/record_decoder.hpp"
#include "operators/codecs/record_encoder.hpp"

namespace rivulet::operators::codecs {

// An error naming what is wrong unless `schema` is one string field.
graphs::Status check_raw_schema(const graphs::Schema& schema);

class RawEncoder final : public RecordEncoder {
 public:
  // Null values encode as an empty message.
  void encode(const runtime::RecordBatch& batch, std::size_t row, std::string& out) const override;
};

class RawDecoder final : public RecordDecoder {
 public:
  graphs::Status decode(std::string_view record, runtime::BatchBuilder& out,
                        std::int64_t fallback_event_time_ms) override;
};

}  // namespace rivulet::operators::codecs
