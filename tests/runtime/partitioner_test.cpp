#include "runtime/partitioner.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "batch_test_support.hpp"

namespace rivulet::runtime {
namespace {

using testing::make_batch;
using testing::test_schema;

BatchPtr strings_batch(const std::vector<std::string>& keys) {
  BatchBuilder b(std::make_shared<const graphs::Schema>(graphs::Schema{
      {"key", graphs::FieldType::String, true}, {"n", graphs::FieldType::Int64, false}}));
  std::int64_t n = 0;
  for (const std::string& k : keys) {
    b.append_string(0, k);
    b.append_int64(1, n);
    b.end_row(n++);
  }
  return b.finish();
}

// Pinned values: XXH3-64 of the key's canonical bytes. If these change, keyed state written by
// an older build would be read by the wrong instance — change them only with a migration.
TEST(Partitioner, HashIsStableAcrossRunsAndBuilds) {
  const BatchPtr s = strings_batch({"user-42"});
  std::vector<std::uint64_t> h(1);
  const std::vector<std::size_t> key0{0};
  hash_key_columns(*s, key0, h);
  EXPECT_EQ(h[0], 0x50fe4b21cf7b09cdULL);
  const std::vector<std::size_t> key1{1};
  const BatchPtr ints = strings_batch(std::vector<std::string>(43, "x"));  // n = 0..42
  std::vector<std::uint64_t> hi(ints->num_rows());
  hash_key_columns(*ints, key1, hi);
  EXPECT_EQ(hi[42], 0xd5a6f8c838df27c8ULL);  // int64 42, little-endian
}

TEST(Partitioner, SameKeySameTargetRegardlessOfBatch) {
  const SchemaPtr schema = test_schema();
  HashPartitioner p({1}, 4);
  std::map<std::string, std::uint32_t> target_of_key;
  std::vector<BatchPtr> out;
  for (std::int64_t start = 0; start < 5000; start += 250) {
    p.split(make_batch(schema, start, 250, /*keys=*/37), out);
    ASSERT_EQ(out.size(), 4u);
    for (std::uint32_t t = 0; t < 4; ++t) {
      if (!out[t]) continue;
      for (std::size_t r = 0; r < out[t]->num_rows(); ++r) {
        const std::string key(out[t]->column(1).string_at(r));
        auto [it, inserted] = target_of_key.emplace(key, t);
        EXPECT_EQ(it->second, t) << key << " moved";
      }
    }
  }
  EXPECT_EQ(target_of_key.size(), 37u);
  // A fresh partitioner (another run, another process) agrees.
  HashPartitioner again({1}, 4);
  const BatchPtr b = make_batch(schema, 0, 37, 37);
  std::vector<std::uint64_t> h(b->num_rows());
  const std::vector<std::size_t> key{1};
  hash_key_columns(*b, key, h);
  for (std::size_t r = 0; r < b->num_rows(); ++r) {
    EXPECT_EQ(again.target_of_hash(h[r]), target_of_key.at(std::string(b->column(1).string_at(r))));
  }
}

TEST(Partitioner, SplitKeepsEveryRowOnceInInputOrder) {
  const SchemaPtr schema = test_schema();
  const BatchPtr in = make_batch(schema, 1000, 1024, 1000);
  HashPartitioner p({1, 0}, 3);  // compound key
  std::vector<BatchPtr> out;
  p.split(in, out);
  std::set<std::int64_t> seen;
  for (const BatchPtr& b : out) {
    ASSERT_TRUE(b);
    std::int64_t last = -1;
    for (std::size_t r = 0; r < b->num_rows(); ++r) {
      const std::int64_t seq = b->column(0).int64s()[r];
      EXPECT_GT(seq, last);  // input order kept per target
      last = seq;
      EXPECT_TRUE(seen.insert(seq).second);
      EXPECT_EQ(b->event_times()[r], seq);
      EXPECT_EQ(b->column(2).is_null(r), seq % 7 == 0);
    }
  }
  EXPECT_EQ(seen.size(), 1024u);
}

TEST(Partitioner, DistributesKeysEvenly) {
  std::vector<std::string> keys;
  for (int i = 0; i < 20000; ++i) keys.push_back(std::string("user-").append(std::to_string(i)));
  const BatchPtr in = strings_batch(keys);
  for (std::uint32_t n : {2u, 3u, 4u, 8u}) {
    HashPartitioner p({0}, n);
    std::vector<BatchPtr> out;
    p.split(in, out);
    const double mean = 20000.0 / n;
    for (std::uint32_t t = 0; t < n; ++t) {
      ASSERT_TRUE(out[t]);
      // Key groups (128) map to instances in contiguous ranges, so an instance's share is
      // within a key group or so of 1/n; allow 15%.
      EXPECT_NEAR(static_cast<double>(out[t]->num_rows()), mean, mean * 0.15) << n << "/" << t;
    }
  }
}

TEST(Partitioner, SingleTargetBatchIsNotCopied) {
  const BatchPtr in = strings_batch({"same", "same", "same"});
  HashPartitioner p({0}, 5);
  std::vector<BatchPtr> out;
  p.split(in, out);
  int non_null = 0;
  for (const BatchPtr& b : out) {
    if (!b) continue;
    ++non_null;
    EXPECT_EQ(b, in);  // the very same batch
  }
  EXPECT_EQ(non_null, 1);
}

TEST(Partitioner, NullKeysHashApartFromEmptyString) {
  BatchBuilder b(std::make_shared<const graphs::Schema>(
      graphs::Schema{{"key", graphs::FieldType::String, true}}));
  b.append_string(0, "");
  b.end_row(0);
  b.append_null(0);
  b.end_row(1);
  b.append_null(0);
  b.end_row(2);
  const BatchPtr in = b.finish();
  std::vector<std::uint64_t> h(3);
  const std::vector<std::size_t> key{0};
  hash_key_columns(*in, key, h);
  EXPECT_NE(h[0], h[1]);
  EXPECT_EQ(h[1], h[2]);
}

TEST(Partitioner, RoundRobinCycles) {
  RoundRobin rr(3, 1);
  EXPECT_EQ(rr.next(), 1u);
  EXPECT_EQ(rr.next(), 2u);
  EXPECT_EQ(rr.next(), 0u);
  EXPECT_EQ(rr.next(), 1u);
}

}  // namespace
}  // namespace rivulet::runtime
