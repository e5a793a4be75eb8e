#pragma once
// Encoding one row of a RecordBatch as an external record (a Kafka message value, a file line).
// Shared by kafka_sink and file_sink. encode() *appends* to `out` (a file sink can build many
// lines in one buffer; a Kafka sink clears it per message) and never fails: every value of
// every schema type has an encoding.

#include <cstddef>
#include <memory>
#include <string>

#include "graphs/result.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::codecs {

class RecordEncoder {
 public:
  virtual ~RecordEncoder() = default;
  virtual void encode(const runtime::RecordBatch& batch, std::size_t row,
                      std::string& out) const = 0;
};

// "json" or "csv" (csv_delimiter: one character). Errors name the parameter.
graphs::Result<std::unique_ptr<RecordEncoder>> make_encoder(const std::string& format,
                                                            const graphs::Schema& schema,
                                                            const std::string& csv_delimiter);

// A value as plain text (a Kafka key made of one field): strings as they are, numbers in
// shortest round-trip form, bools true/false, timestamps as epoch ms. False for null.
bool append_value_text(const runtime::Column& column, std::size_t row, std::string& out);

}  // namespace rivulet::operators::codecs
