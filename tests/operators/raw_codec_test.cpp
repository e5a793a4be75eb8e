// The raw format (operators/codecs/raw_codec.*): a message is one string field's bytes.

#include "operators/codecs/raw_codec.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "operators/codecs/record_decoder.hpp"
#include "operators/codecs/record_encoder.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::codecs {
namespace {

using graphs::FieldType;

runtime::SchemaPtr payload_schema(bool nullable = false) {
  return std::make_shared<const graphs::Schema>(
      graphs::Schema{{"payload", FieldType::String, nullable}});
}

TEST(RawCodec, BytesRoundTripUnchangedWhateverTheyAre) {
  auto schema = payload_schema();
  DecoderOptions options;
  options.format = "raw";
  options.schema = schema;
  auto decoder = make_decoder(options);
  ASSERT_TRUE(decoder) << decoder.error().message;
  auto encoder = make_encoder("raw", *schema, ",");
  ASSERT_TRUE(encoder) << encoder.error().message;
  const std::string messages[] = {"{\"user\": 1", "", std::string("a\0b\xff\n,\"", 7),
                                  "plain text"};
  runtime::BatchBuilder builder(schema);
  for (const std::string& m : messages) ASSERT_TRUE((*decoder)->decode(m, builder, 42));
  const runtime::BatchPtr batch = builder.finish();
  ASSERT_EQ(batch->num_rows(), 4u);
  for (std::size_t row = 0; row < 4; ++row) {
    EXPECT_EQ(batch->event_times()[row], 42);  // the caller's fallback: the message timestamp
    std::string out;
    (*encoder)->encode(*batch, row, out);
    EXPECT_EQ(out, messages[row]) << row;
  }
}

TEST(RawCodec, NeedsExactlyOneStringFieldAndNoEventTimeField) {
  const graphs::Schema two = {{"a", FieldType::String, false}, {"b", FieldType::String, false}};
  auto wide = make_encoder("raw", two, ",");
  ASSERT_FALSE(wide);
  EXPECT_EQ(wide.error().message,
            "format raw needs a schema of exactly one string field (the message), got 2 field(s)");
  auto number = make_encoder("raw", graphs::Schema{{"n", FieldType::Int64, false}}, ",");
  ASSERT_FALSE(number);
  EXPECT_NE(number.error().message.find("of type int64"), std::string::npos)
      << number.error().message;

  DecoderOptions options;
  options.format = "raw";
  options.schema = payload_schema();
  options.event_time_field = "payload";
  auto decoder = make_decoder(options);
  ASSERT_FALSE(decoder);
  EXPECT_NE(decoder.error().message.find("event_time_field must be empty"), std::string::npos);
}

TEST(RawCodec, ANullValueEncodesAsAnEmptyMessage) {
  auto schema = payload_schema(/*nullable=*/true);
  runtime::BatchBuilder builder(schema);
  ASSERT_TRUE(builder.append_null(0));
  builder.end_row(0);
  const runtime::BatchPtr batch = builder.finish();
  std::string out = "unchanged:";
  RawEncoder().encode(*batch, 0, out);
  EXPECT_EQ(out, "unchanged:");
}

}  // namespace
}  // namespace rivulet::operators::codecs
