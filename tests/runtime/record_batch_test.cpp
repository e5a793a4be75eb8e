#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "batch_test_support.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/field_ref.hpp"

namespace rivulet::runtime {
namespace {

using testing::make_batch;
using testing::test_schema;

TEST(RecordBatch, BuilderFillsTypedColumns) {
  const SchemaPtr schema = test_schema();
  const BatchPtr batch = make_batch(schema, 0, 100);
  ASSERT_EQ(batch->num_rows(), 100u);
  ASSERT_EQ(batch->num_columns(), 5u);
  EXPECT_EQ(batch->schema(), schema);

  const auto seq = batch->column(0).int64s();
  ASSERT_EQ(seq.size(), 100u);
  EXPECT_EQ(std::accumulate(seq.begin(), seq.end(), std::int64_t{0}), 4950);
  EXPECT_EQ(batch->column(1).string_at(13), "k3");
  EXPECT_EQ(batch->column(1).string_offsets().size(), 101u);
  EXPECT_DOUBLE_EQ(batch->column(2).float64s()[3], 1.5);
  EXPECT_EQ(batch->column(3).bools()[4], 1);
  EXPECT_EQ(batch->column(3).bools()[5], 0);
  EXPECT_EQ(batch->column(4).int64s()[2], 1'700'000'000'002);
  EXPECT_EQ(batch->event_times()[42], 42);
  EXPECT_GT(batch->byte_size(), 100u * 8);
}

TEST(RecordBatch, NullsOnlyWhereNullable) {
  const BatchPtr batch = make_batch(test_schema(), 0, 70);
  const Column& value = batch->column(2);
  ASSERT_TRUE(value.nullable());
  EXPECT_EQ(value.validity().size(), 2u);  // 70 rows -> two 64-bit words
  for (std::size_t r = 0; r < 70; ++r) {
    EXPECT_EQ(value.is_null(r), r % 7 == 0) << r;
  }
  EXPECT_DOUBLE_EQ(value.float64s()[7], 0.0);  // null slots hold a default
  // Non-nullable columns carry no bitmap at all.
  EXPECT_TRUE(batch->column(0).validity().empty());
  EXPECT_FALSE(batch->column(0).is_null(0));
}

TEST(RecordBatch, AppendNullRefusedForNonNullableField) {
  BatchBuilder b(test_schema());
  EXPECT_FALSE(b.append_null(0));
  EXPECT_TRUE(b.append_null(2));
}

TEST(RecordBatch, StringsShareOneArena) {
  BatchBuilder b(std::make_shared<const graphs::Schema>(
      graphs::Schema{{"s", graphs::FieldType::String, true}}));
  b.append_string(0, "");
  b.end_row(1);
  b.append_string(0, "héllo");
  b.end_row(2);
  ASSERT_TRUE(b.append_null(0));
  b.end_row(3);
  b.append_string(0, std::string_view("a\0b", 3));
  b.end_row(4);
  const BatchPtr batch = b.finish();
  const Column& s = batch->column(0);
  EXPECT_EQ(s.string_at(0), "");
  EXPECT_EQ(s.string_at(1), "héllo");
  EXPECT_TRUE(s.is_null(2));
  EXPECT_EQ(s.string_at(2), "");
  EXPECT_EQ(s.string_at(3), std::string_view("a\0b", 3));
  EXPECT_EQ(s.string_arena().size(), std::string_view("héllo").size() + 3);
}

TEST(RecordBatch, DiscardRowDropsAPartialRow) {
  const SchemaPtr schema = test_schema();
  BatchBuilder b(schema);
  b.append_int64(0, 1);
  b.append_string(1, "a");
  b.append_null(2);
  b.append_bool(3, true);
  b.append_int64(4, 5);
  b.end_row(5);
  // A decoder fails half way through the second record.
  b.append_int64(0, 2);
  b.append_string(1, "bbbb");
  b.append_float64(2, 1.0);
  EXPECT_FALSE(b.row_complete());
  b.discard_row();
  const BatchPtr batch = b.finish();
  ASSERT_EQ(batch->num_rows(), 1u);
  EXPECT_EQ(batch->column(0).int64s().size(), 1u);
  EXPECT_EQ(batch->column(1).string_arena(), "a");
  EXPECT_EQ(batch->column(2).float64s().size(), 1u);
  EXPECT_TRUE(batch->column(2).is_null(0));
}

TEST(RecordBatch, BuilderIsReusableAfterFinish) {
  const SchemaPtr schema = test_schema();
  BatchBuilder b(schema, 8);
  const BatchPtr first = make_batch(schema, 0, 3);
  std::vector<std::uint32_t> all{0, 1, 2};
  b.append_rows(*first, all);
  const BatchPtr a = b.finish();
  b.append_rows(*first, std::vector<std::uint32_t>{2});
  const BatchPtr c = b.finish();
  EXPECT_EQ(a->num_rows(), 3u);
  ASSERT_EQ(c->num_rows(), 1u);
  EXPECT_EQ(c->column(0).int64s()[0], 2);
  EXPECT_EQ(c->column(1).string_at(0), "k2");
  EXPECT_EQ(b.num_rows(), 0u);
}

TEST(RecordBatch, AppendRowsGathersEveryColumnAndNulls) {
  const SchemaPtr schema = test_schema();
  const BatchPtr source = make_batch(schema, 0, 200);
  std::vector<std::uint32_t> rows;
  for (std::uint32_t r = 199; r < 200; r -= 3) rows.push_back(r);  // reversed, sparse
  BatchBuilder b(schema, rows.size());
  b.append_rows(*source, rows);
  const BatchPtr out = b.finish();
  ASSERT_EQ(out->num_rows(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::uint32_t r = rows[i];
    EXPECT_EQ(out->column(0).int64s()[i], source->column(0).int64s()[r]);
    EXPECT_EQ(out->column(1).string_at(i), source->column(1).string_at(r));
    EXPECT_EQ(out->column(2).is_null(i), source->column(2).is_null(r)) << "row " << r;
    EXPECT_EQ(out->column(2).float64s()[i], source->column(2).float64s()[r]);
    EXPECT_EQ(out->column(3).bools()[i], source->column(3).bools()[r]);
    EXPECT_EQ(out->column(4).int64s()[i], source->column(4).int64s()[r]);
    EXPECT_EQ(out->event_times()[i], source->event_times()[r]);
  }
}

TEST(FieldRef, ResolvesOnceByNameWithTypeCheck) {
  const SchemaPtr schema = test_schema();
  auto key = resolve_field(*schema, "key", graphs::FieldType::String);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->index, 1u);
  auto wrong = resolve_field(*schema, "key", graphs::FieldType::Int64);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("is string, expected int64"), std::string::npos);
  auto missing = resolve_field(*schema, "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("seq, key, value, flag, ts"), std::string::npos);
  auto many = resolve_fields(*schema, {"ts", "seq"});
  ASSERT_TRUE(many.ok());
  EXPECT_EQ(*many, (std::vector<std::size_t>{4, 0}));
}

}  // namespace
}  // namespace rivulet::runtime
