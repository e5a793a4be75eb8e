#pragma once
// Rows → JSON objects: {"name":value,...} in schema order (or a chosen subset of columns, as
// for a message key made of several fields).
//
// Values: int64 and timestamp as JSON integers (timestamps in epoch milliseconds, the form
// every decoder reads back), float64 in shortest round-trip form (NaN and ±inf, which JSON
// cannot express, as null), bools, strings escaped per RFC 8259 (invalid UTF-8 bytes become
// U+FFFD so the output is always valid JSON), nulls as null.

#include <string>
#include <vector>

#include "operators/codecs/record_encoder.hpp"

namespace rivulet::operators::codecs {

class JsonEncoder final : public RecordEncoder {
 public:
  // All columns of `schema`.
  explicit JsonEncoder(const graphs::Schema& schema);
  // Only `columns` (indices into `schema`), in that order.
  JsonEncoder(const graphs::Schema& schema, std::vector<std::size_t> columns);

  void encode(const runtime::RecordBatch& batch, std::size_t row,
              std::string& out) const override;

 private:
  std::vector<std::size_t> columns_;
  std::vector<std::string> prefixes_;  // ,"name": per column, escaped once
};

// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string_view text, std::string& out);
// Appends a float64 as a JSON number (null when not finite).
void append_json_double(double value, std::string& out);

}  // namespace rivulet::operators::codecs
