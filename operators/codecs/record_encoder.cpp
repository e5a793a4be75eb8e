#include "operators/codecs/record_encoder.hpp"

#include "operators/codecs/csv_encoder.hpp"
#include "operators/codecs/json_encoder.hpp"
#include "operators/codecs/raw_codec.hpp"

namespace rivulet::operators::codecs {

graphs::Result<std::unique_ptr<RecordEncoder>> make_encoder(const std::string& format,
                                                            const graphs::Schema& schema,
                                                            const std::string& csv_delimiter) {
  if (format == "raw") {
    if (graphs::Status ok = check_raw_schema(schema); !ok) return ok.error();
    return std::unique_ptr<RecordEncoder>(std::make_unique<RawEncoder>());
  }
  if (format == "json")
    return std::unique_ptr<RecordEncoder>(std::make_unique<JsonEncoder>(schema));
  if (format == "csv") {
    if (csv_delimiter.size() != 1 || csv_delimiter[0] == '"' || csv_delimiter[0] == '\n' ||
        csv_delimiter[0] == '\r') {
      return graphs::Error{
          "csv_delimiter must be one character other than a quote or line "
          "break, got '" +
          csv_delimiter + "'"};
    }
    return std::unique_ptr<RecordEncoder>(std::make_unique<CsvEncoder>(csv_delimiter[0]));
  }
  return graphs::Error{"format '" + format + "' is not supported (json, csv or raw)"};
}

}  // namespace rivulet::operators::codecs
