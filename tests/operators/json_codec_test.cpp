// JsonDecoder / JsonEncoder against hand-written records: every conversion rule, every error
// reason, and bytes that are not JSON at all.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "operators/codecs/json_decoder.hpp"
#include "operators/codecs/json_encoder.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::codecs {
namespace {

using graphs::FieldType;

runtime::SchemaPtr schema() {
  return std::make_shared<const graphs::Schema>(graphs::Schema{
      {"id", FieldType::Int64, false},
      {"amount", FieldType::Float64, false},
      {"name", FieldType::String, true},
      {"ok", FieldType::Bool, true},
      {"ts", FieldType::Timestamp, false},
  });
}

struct Fixture {
  runtime::SchemaPtr s = schema();
  JsonDecoder decoder{s, EventTimeColumn{4}};
  runtime::BatchBuilder builder{s, 16};

  std::string decode_error(std::string_view record) {
    graphs::Status status = decoder.decode(record, builder, 0);
    return status ? "" : status.error().message;
  }
};

TEST(JsonDecoder, DecodesAllTypesInAnyMemberOrder) {
  Fixture f;
  ASSERT_EQ(f.decode_error(R"({"id": 7, "amount": 12.5, "name": "a", "ok": true, "ts": 1000})"),
            "");
  ASSERT_EQ(f.decode_error(R"({"ts": 2000, "ok": false, "name": "b", "amount": 3, "id": -1})"), "");
  runtime::BatchPtr batch = f.builder.finish();
  ASSERT_EQ(batch->num_rows(), 2u);
  EXPECT_EQ(batch->column(0).int64s()[0], 7);
  EXPECT_EQ(batch->column(0).int64s()[1], -1);
  EXPECT_DOUBLE_EQ(batch->column(1).float64s()[0], 12.5);
  EXPECT_DOUBLE_EQ(batch->column(1).float64s()[1], 3.0);  // integer into a float field
  EXPECT_EQ(batch->column(2).string_at(1), "b");
  EXPECT_EQ(batch->column(3).bools()[0], 1);
  EXPECT_EQ(batch->event_times()[0], 1000);
  EXPECT_EQ(batch->event_times()[1], 2000);
}

TEST(JsonDecoder, MissingAndNullNullableFieldsAreNull) {
  Fixture f;
  ASSERT_EQ(f.decode_error(R"({"id": 1, "amount": 1, "name": null, "ts": 5})"), "");
  runtime::BatchPtr batch = f.builder.finish();
  EXPECT_TRUE(batch->column(2).is_null(0));
  EXPECT_TRUE(batch->column(3).is_null(0));
  EXPECT_FALSE(batch->column(0).is_null(0));
}

TEST(JsonDecoder, EscapesAndUnicodeAreUnescaped) {
  Fixture f;
  ASSERT_EQ(
      f.decode_error(R"({"id":1,"amount":0,"name":"q\"b\\s\/\n\u00e9\ud83d\ude00 ü","ts":1})"), "");
  runtime::BatchPtr batch = f.builder.finish();
  EXPECT_EQ(batch->column(2).string_at(0), "q\"b\\s/\n\xC3\xA9\xF0\x9F\x98\x80 \xC3\xBC");
}

TEST(JsonDecoder, EscapedMemberNamesMatchFields) {
  Fixture f;
  ASSERT_EQ(f.decode_error(R"({"\u0069d":3,"amount":0,"ts":1})"), "");
  EXPECT_EQ(f.builder.finish()->column(0).int64s()[0], 3);
}

TEST(JsonDecoder, UnknownMembersOfAnyShapeAreIgnored) {
  Fixture f;
  ASSERT_EQ(f.decode_error(R"({"x":{"y":[1,{"z":null}]},"id":1,"amount":0,"ts":1,"w":"s"})"), "");
  EXPECT_EQ(f.builder.num_rows(), 1u);
}

TEST(JsonDecoder, TimestampsFromIsoStringsAndEpochStrings) {
  Fixture f;
  ASSERT_EQ(f.decode_error(R"({"id":1,"amount":0,"ts":"2024-03-01T12:00:00.250Z"})"), "");
  ASSERT_EQ(f.decode_error(R"({"id":1,"amount":0,"ts":"2024-03-01T14:00:00+02:00"})"), "");
  ASSERT_EQ(f.decode_error(R"({"id":1,"amount":0,"ts":"1709294400000"})"), "");
  ASSERT_EQ(f.decode_error(R"({"id":1,"amount":0,"ts":1.7e12})"), "");  // integral float
  runtime::BatchPtr batch = f.builder.finish();
  EXPECT_EQ(batch->column(4).int64s()[0], 1709294400250);
  EXPECT_EQ(batch->column(4).int64s()[1], 1709294400000);
  EXPECT_EQ(batch->column(4).int64s()[2], 1709294400000);
  EXPECT_EQ(batch->column(4).int64s()[3], 1700000000000);
  EXPECT_EQ(batch->event_times()[0], 1709294400250);
}

TEST(JsonDecoder, ReasonsNameTheFieldAndTheProblem) {
  Fixture f;
  EXPECT_EQ(f.decode_error(R"({"amount":1,"ts":1})"), "field 'id' is missing");
  EXPECT_EQ(f.decode_error(R"({"id":null,"amount":1,"ts":1})"),
            "field 'id': null, but the field is not nullable");
  EXPECT_EQ(f.decode_error(R"({"id":"7","amount":1,"ts":1})"),
            "field 'id': expected an integer, got a string");
  EXPECT_EQ(f.decode_error(R"({"id":1.5,"amount":1,"ts":1})"),
            "field 'id': expected an integer, got 1.5");
  EXPECT_EQ(f.decode_error(R"({"id":1,"amount":"x","ts":1})"),
            "field 'amount': expected a number, got a string");
  EXPECT_EQ(f.decode_error(R"({"id":1,"amount":1,"ok":1,"ts":1})"),
            "field 'ok': expected true or false, got a number");
  EXPECT_EQ(f.decode_error(R"({"id":1,"amount":1,"name":5,"ts":1})"),
            "field 'name': expected a string, got a number");
  EXPECT_EQ(f.decode_error(R"({"id":1,"amount":1,"ts":"yesterday"})"),
            "field 'ts': 'yesterday' is neither an ISO-8601 date-time nor epoch milliseconds");
  EXPECT_EQ(f.decode_error(R"({"id":1,"id":2,"amount":1,"ts":1})"), "field 'id' appears twice");
  EXPECT_EQ(f.decode_error(R"([1,2])"), "expected a JSON object, got an array");
  EXPECT_EQ(f.decode_error(R"("text")"), "expected a JSON object, got a string");
  // Input that only starts like a JSON value is not JSON, not "a null" or "a boolean".
  for (const char* text : {"nonsense", "not json at all", "tru", "-x", "\"open", "[1,"}) {
    EXPECT_EQ(f.decode_error(text).rfind("not valid JSON: ", 0), 0u)
        << text << ": " << f.decode_error(text);
  }
  EXPECT_EQ(f.decode_error("null"), "expected a JSON object, got null");
  EXPECT_EQ(f.builder.num_rows(), 0u);  // nothing half-appended
}

TEST(JsonDecoder, HugeNumbersAreErrorsNotWraparounds) {
  Fixture f;
  EXPECT_EQ(f.decode_error(R"({"id":9223372036854775808,"amount":1,"ts":1})"),
            "field 'id': 9223372036854775808 is out of the int64 range");
  EXPECT_EQ(f.decode_error(R"({"id":1e300,"amount":1,"ts":1})"),
            "field 'id': 1e300 is out of the int64 range");
  EXPECT_NE(f.decode_error(R"({"id":1,"amount":1e999,"ts":1})"), "");
  ASSERT_EQ(f.decode_error(R"({"id":9223372036854775807,"amount":1e308,"ts":-1})"), "");
  runtime::BatchPtr batch = f.builder.finish();
  ASSERT_EQ(batch->num_rows(), 1u);
  EXPECT_EQ(batch->column(0).int64s()[0], std::numeric_limits<std::int64_t>::max());
  EXPECT_DOUBLE_EQ(batch->column(1).float64s()[0], 1e308);
}

TEST(JsonDecoder, GarbageIsAReasonNeverACrash) {
  Fixture f;
  const std::string inputs[] = {"",
                                "{",
                                "{\"id\":1,",
                                "{\"id\":1,\"amount\":1,\"ts\":1}}",
                                "{\"id\":1,\"amount\":1,\"ts\":1} trailing",
                                "{\"id\":1,\"amount\":1,\"ts\":1,\"name\":\"\\ud800\"}",
                                "{\"id\":tru,\"amount\":1,\"ts\":1}",
                                "{\"id\":1,\"amount\":1,\"ts\":1,\"ok\":nul}",
                                std::string("{\"id\":1,\"amount\":1,\"ts\":1,\"name\":\"\xff\"}"),
                                std::string("\0\0\0", 3),
                                "{\"id\":1,\"amount\":1,\"ts\":1,\"x\":[[[[[[}",
                                "nul"};
  for (const std::string& input : inputs) {
    EXPECT_NE(f.decode_error(input), "") << input;
  }
  EXPECT_EQ(f.builder.num_rows(), 0u);
  // The decoder is still usable afterwards.
  EXPECT_EQ(f.decode_error(R"({"id":1,"amount":1,"ts":1})"), "");
}

TEST(JsonDecoder, FallbackEventTimeWithoutAnEventTimeField) {
  runtime::SchemaPtr s = schema();
  JsonDecoder decoder(s, EventTimeColumn{});
  runtime::BatchBuilder builder(s);
  ASSERT_TRUE(decoder.decode(R"({"id":1,"amount":1,"ts":1})", builder, 42).ok());
  EXPECT_EQ(builder.finish()->event_times()[0], 42);
}

runtime::BatchPtr one_row(const runtime::SchemaPtr& s, std::string_view json) {
  JsonDecoder decoder(s, EventTimeColumn{});
  runtime::BatchBuilder builder(s);
  graphs::Status status = decoder.decode(json, builder, 0);
  EXPECT_TRUE(status.ok()) << status.error().message;
  return builder.finish();
}

TEST(JsonEncoder, EncodesEveryTypeAndNulls) {
  runtime::SchemaPtr s = schema();
  runtime::BatchPtr batch =
      one_row(s, R"({"id":-3,"amount":0.1,"name":"tab\there \"q\" \u0001 é","ts":1700000000000})");
  std::string out;
  JsonEncoder(*s).encode(*batch, 0, out);
  EXPECT_EQ(
      out,
      R"({"id":-3,"amount":0.1,"name":"tab\there \"q\" \u0001 é","ok":null,"ts":1700000000000})");
}

TEST(JsonEncoder, RoundTripsThroughTheDecoder) {
  runtime::SchemaPtr s = schema();
  runtime::BatchPtr batch =
      one_row(s, R"({"id":9223372036854775807,"amount":1e-300,"name":"😀\\","ok":false,"ts":-5})");
  std::string out;
  JsonEncoder(*s).encode(*batch, 0, out);
  runtime::BatchPtr again = one_row(s, out);
  std::string out2;
  JsonEncoder(*s).encode(*again, 0, out2);
  EXPECT_EQ(out, out2);
}

TEST(JsonEncoder, InvalidUtf8BecomesReplacementCharacters) {
  std::string out;
  append_json_string(std::string("a\xff"
                                 "b\xe2\x82"
                                 "c\xed\xa0\x80",
                                 9),
                     out);
  EXPECT_EQ(out,
            "\"a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonEncoder, NonFiniteFloatsAreNull) {
  std::string out;
  append_json_double(std::numeric_limits<double>::quiet_NaN(), out);
  out += ',';
  append_json_double(-std::numeric_limits<double>::infinity(), out);
  EXPECT_EQ(out, "null,null");
}

TEST(JsonEncoder, SubsetOfColumnsForKeys) {
  runtime::SchemaPtr s = schema();
  runtime::BatchPtr batch = one_row(s, R"({"id":5,"amount":2.5,"name":"n","ts":1})");
  std::string out;
  JsonEncoder(*s, {2, 0}).encode(*batch, 0, out);
  EXPECT_EQ(out, R"({"name":"n","id":5})");
}

}  // namespace
}  // namespace rivulet::operators::codecs
