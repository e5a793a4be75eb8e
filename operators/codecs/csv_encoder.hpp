#pragma once
// Rows → CSV records (no line break appended): fields in schema order, separated by the
// delimiter. Nulls are empty fields; empty strings are written "" so that CsvDecoder tells them
// apart; fields holding the delimiter, a quote or a line break are quoted with "" escapes.
// Timestamps as epoch ms, floats in shortest round-trip form, bools true/false.

#include "operators/codecs/record_encoder.hpp"

namespace rivulet::operators::codecs {

class CsvEncoder final : public RecordEncoder {
 public:
  explicit CsvEncoder(char delimiter) : delimiter_(delimiter) {}
  void encode(const runtime::RecordBatch& batch, std::size_t row,
              std::string& out) const override;

 private:
  char delimiter_;
};

}  // namespace rivulet::operators::codecs
