#include "operators/codecs/csv_encoder.hpp"

#include "operators/codecs/json_encoder.hpp"

namespace rivulet::operators::codecs {

void CsvEncoder::encode(const runtime::RecordBatch& batch, std::size_t row,
                        std::string& out) const {
  for (std::size_t c = 0; c < batch.num_columns(); ++c) {
    if (c > 0) out += delimiter_;
    const runtime::Column& column = batch.column(c);
    if (column.type() != graphs::FieldType::String) {
      append_value_text(column, row, out);  // nothing for null
      continue;
    }
    if (column.is_null(row)) continue;
    const std::string_view text = column.string_at(row);
    const char specials[] = {delimiter_, '"', '\r', '\n', '\0'};
    if (!text.empty() && text.find_first_of(specials) == std::string_view::npos) {
      out += text;
      continue;
    }
    out += '"';
    for (char ch : text) {
      if (ch == '"') out += '"';
      out += ch;
    }
    out += '"';
  }
}

}  // namespace rivulet::operators::codecs
