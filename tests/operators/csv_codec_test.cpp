// CsvDecoder / CsvEncoder and the shared timestamp text rules.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "operators/codecs/csv_decoder.hpp"
#include "operators/codecs/csv_encoder.hpp"
#include "operators/codecs/record_decoder.hpp"
#include "operators/codecs/timestamp_text.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::codecs {
namespace {

using graphs::FieldType;

runtime::SchemaPtr schema() {
  return std::make_shared<const graphs::Schema>(graphs::Schema{
      {"id", FieldType::Int64, false},
      {"amount", FieldType::Float64, true},
      {"name", FieldType::String, true},
      {"ok", FieldType::Bool, false},
      {"ts", FieldType::Timestamp, false},
  });
}

struct Fixture {
  explicit Fixture(char delimiter = ',') : decoder(s, EventTimeColumn{4}, delimiter) {}
  runtime::SchemaPtr s = schema();
  CsvDecoder decoder;
  runtime::BatchBuilder builder{s, 16};

  std::string decode_error(std::string_view record) {
    graphs::Status status = decoder.decode(record, builder, 0);
    return status ? "" : status.error().message;
  }
};

TEST(CsvDecoder, DecodesFieldsInSchemaOrder) {
  Fixture f;
  ASSERT_EQ(f.decode_error("7,12.5,alice,true,1000\n"), "");
  ASSERT_EQ(f.decode_error(" -1 , 3 ,\"b, \"\"quoted\"\"\nline\",FALSE,2024-03-01T12:00:00Z\r\n"),
            "");
  runtime::BatchPtr batch = f.builder.finish();
  ASSERT_EQ(batch->num_rows(), 2u);
  EXPECT_EQ(batch->column(0).int64s()[1], -1);
  EXPECT_DOUBLE_EQ(batch->column(1).float64s()[1], 3.0);
  EXPECT_EQ(batch->column(2).string_at(0), "alice");
  EXPECT_EQ(batch->column(2).string_at(1), "b, \"quoted\"\nline");
  EXPECT_EQ(batch->column(3).bools()[1], 0);
  EXPECT_EQ(batch->event_times()[0], 1000);
  EXPECT_EQ(batch->event_times()[1], 1709294400000);
}

TEST(CsvDecoder, EmptyFieldsAreNullQuotedEmptyIsEmptyString) {
  Fixture f;
  ASSERT_EQ(f.decode_error("1,,,1,5"), "");
  ASSERT_EQ(f.decode_error("1,,\"\",0,5"), "");
  runtime::BatchPtr batch = f.builder.finish();
  EXPECT_TRUE(batch->column(1).is_null(0));
  EXPECT_TRUE(batch->column(2).is_null(0));
  EXPECT_FALSE(batch->column(2).is_null(1));
  EXPECT_EQ(batch->column(2).string_at(1), "");
}

TEST(CsvDecoder, OtherDelimiters) {
  Fixture f(';');
  ASSERT_EQ(f.decode_error("1;2.5;a,b;true;9"), "");
  EXPECT_EQ(f.builder.finish()->column(2).string_at(0), "a,b");
  EXPECT_EQ(f.decode_error("1,2,a,true,9"), "field 'id': expected an integer, got '1,2,a,true,9'");
}

TEST(CsvDecoder, Reasons) {
  Fixture f;
  EXPECT_EQ(f.decode_error("1,2,a,true"), "expected 5 fields, got 4");
  EXPECT_EQ(f.decode_error("1,2,a,true,5,6"), "more than the schema's 5 fields");
  EXPECT_EQ(f.decode_error(",2,a,true,5"), "field 'id': empty, but the field is not nullable");
  EXPECT_EQ(f.decode_error("x,2,a,true,5"), "field 'id': expected an integer, got 'x'");
  EXPECT_EQ(f.decode_error("99999999999999999999,2,a,true,5"),
            "field 'id': '99999999999999999999' is out of the int64 range");
  EXPECT_EQ(f.decode_error("1,abc,a,true,5"), "field 'amount': expected a number, got 'abc'");
  EXPECT_EQ(f.decode_error("1,2,a,yes,5"), "field 'ok': expected true or false, got 'yes'");
  EXPECT_EQ(f.decode_error("1,2,\"a,true,5"), "field 3: unclosed quote");
  EXPECT_EQ(f.decode_error("1,2,\"a\"x,true,5"),
            "field 3: unexpected character after the closing quote");
  EXPECT_EQ(f.decode_error("1,2,a\nb,true,5"),
            "field 3: line break outside quotes (one record per message)");
  EXPECT_EQ(f.decode_error("1,2,a,true,2024-13-01"),
            "field 'ts': '2024-13-01' is neither an ISO-8601 date-time nor epoch milliseconds");
  EXPECT_NE(f.decode_error(std::string("\xff\0,\"", 4)), "");
  EXPECT_EQ(f.builder.num_rows(), 0u);
}

TEST(CsvEncoder, RoundTripsNullsQuotesAndDelimiters) {
  Fixture f;
  ASSERT_EQ(f.decode_error("1,,\"x,\"\"y\"\"\",true,5"), "");
  ASSERT_EQ(f.decode_error("2,0.5,\"\",false,6"), "");
  ASSERT_EQ(f.decode_error("3,1e300,,false,7"), "");
  runtime::BatchPtr batch = f.builder.finish();
  CsvEncoder encoder(',');
  std::string lines[3];
  for (std::size_t row = 0; row < 3; ++row) encoder.encode(*batch, row, lines[row]);
  EXPECT_EQ(lines[0], "1,,\"x,\"\"y\"\"\",true,5");
  EXPECT_EQ(lines[1], "2,0.5,\"\",false,6");
  EXPECT_EQ(lines[2], "3,1e+300,,false,7");
  Fixture again;
  for (const std::string& line : lines) EXPECT_EQ(again.decode_error(line), "") << line;
}

TEST(TimestampText, AcceptedForms) {
  EXPECT_EQ(parse_timestamp_text("0"), 0);
  EXPECT_EQ(parse_timestamp_text("-1500"), -1500);
  EXPECT_EQ(parse_timestamp_text("1970-01-02"), 86'400'000);
  EXPECT_EQ(parse_timestamp_text("2024-02-29T00:00"), 1709164800000);
  EXPECT_EQ(parse_timestamp_text("2024-02-29 00:00:01.5"), 1709164801500);
  EXPECT_EQ(parse_timestamp_text("2024-02-29T00:00:01.123999Z"), 1709164801123);
  EXPECT_EQ(parse_timestamp_text("2024-02-29T05:30:00+0530"), 1709164800000);
  EXPECT_EQ(parse_timestamp_text("2024-02-28T23:00:00-01"), 1709164800000);
  EXPECT_EQ(parse_timestamp_text("1969-12-31T23:59:59Z"), -1000);
}

TEST(TimestampText, RejectedForms) {
  for (const char* bad : {"", "-", "2023-02-29", "2024-1-01", "2024-01-01T25:00", "2024-01-01T",
                          "2024-01-01T10:00:00.", "2024-01-01T10:00Zx", "2024-01-01X10:00",
                          "99999999999999999999", "2024-01-01T10:00+24:00", "12:00"}) {
    EXPECT_FALSE(parse_timestamp_text(bad).has_value()) << bad;
  }
}

TEST(MakeDecoder, ChecksFormatDelimiterAndEventTimeField) {
  DecoderOptions options;
  options.schema = schema();
  options.event_time_field = "name";
  EXPECT_EQ(make_decoder(options).error().message,
            "event_time_field 'name' is string; it must be a timestamp or an int64 (epoch "
            "milliseconds)");
  options.event_time_field = "nope";
  EXPECT_EQ(make_decoder(options).error().message,
            "event_time_field 'nope' is not a field of the schema");
  options.event_time_field = "ts";
  options.format = "csv";
  options.csv_delimiter = ";;";
  EXPECT_FALSE(make_decoder(options).ok());
  options.csv_delimiter = "\t";
  EXPECT_TRUE(make_decoder(options).ok());
  options.format = "avro";
  EXPECT_EQ(make_decoder(options).error().message,
            "format 'avro' is not supported (json, csv or raw)");
}

}  // namespace
}  // namespace rivulet::operators::codecs
