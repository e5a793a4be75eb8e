// dedup's own state-backend tests (the ones every stateful operator passes are in
// state_backend_test.cpp): the key count of a checkpoint reads back through dedup, and RocksDB
// holds state far larger than its memory budget (200k keys of 1 KB with an 8 MB block cache and
// 4 MB of memtables, 4096 keys resident).

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend_cases.hpp"
#include "backend_test_support.hpp"
#include "keyed_test_support.hpp"
#include "operators/dedup.hpp"
#include "runtime/checkpoint/directory_checkpoint_store.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::operators {
namespace {

using graphs::StateBackend;
using testing::CollectingCollector;

// dedup's case with a horizon nothing in these tests reaches.
testing::BackendCase remembering() {
  testing::BackendCase c = testing::backend_case("Dedup");
  auto node = std::make_shared<graphs::Node>(*c.node);
  node->set_parameter("horizon", graphs::Duration{1'000'000'000});
  c.node = node;
  return c;
}

// Tools read the key count of a checkpoint through dedup, on either backend.
TEST(DedupBackendTest, KeysInACheckpointAreReadBackThroughDedup) {
  const testing::BackendCase c = remembering();
  auto s = std::make_shared<const graphs::Schema>(c.inputs[0]);
  for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
    auto op = c.make(kind);
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 300; ++r) {
      builder.append_string(0, "id-" + std::to_string(r % 120));  // 120 distinct keys
      builder.append_int64(1, r);
      builder.end_row(r);
    }
    CollectingCollector out;
    op->process(0, builder.finish(false), out);
    runtime::InMemoryCheckpointStore store;
    ASSERT_EQ(testing::checkpoint_into(store, *op, "d1#0"), "");
    auto latest = store.latest();
    ASSERT_TRUE(latest && *latest);
    auto reader = (*latest)->reader("d1#0");
    ASSERT_TRUE(reader) << reader.error().message;
    auto keys = dedup_keys_in_checkpoint(**reader);
    ASSERT_TRUE(keys) << keys.error().message;
    EXPECT_EQ(*keys, 120u);
    op->close();
  }
}

// 200k distinct 1 KB keys (random, so incompressible): ~200 MB of state against an 8 MB block
// cache, 4 MB of memtables and 4096 resident keys. Every key is remembered (a second pass drops all
// of it, also after a snapshot and restore), while the backend's memory stays within its budget.
TEST(DedupBackendTest, RocksDbHoldsStateFarLargerThanItsMemoryBudget) {
  constexpr int kKeys = 200'000;
  constexpr int kBatch = 1000;
  runtime::state::RocksDbBudget budget;
  budget.block_cache_bytes = 8ull << 20;
  budget.write_buffer_bytes = 4ull << 20;
  budget.resident_entries = 4096;  // the rest are evicted into RocksDB
  const testing::BackendCase c = remembering();
  auto op = c.make(StateBackend::RocksDb, true, budget);
  auto s = std::make_shared<const graphs::Schema>(c.inputs[0]);
  auto pass = [&](runtime::Operator& target) {
    std::mt19937_64 rng(42);
    std::size_t passed = 0;
    std::string key(1024, ' ');
    for (int b = 0; b < kKeys / kBatch; ++b) {
      runtime::BatchBuilder builder(s, kBatch);
      for (int r = 0; r < kBatch; ++r) {
        for (std::size_t i = 0; i < key.size(); i += 8) {
          const std::uint64_t x = rng();
          for (std::size_t j = 0; j < 8; ++j)
            key[i + j] = static_cast<char>('!' + (x >> (8 * j)) % 90);
        }
        builder.append_string(0, key);
        builder.append_int64(1, r);
        builder.end_row(b);
      }
      CollectingCollector out;
      target.process(0, builder.finish(false), out);
      for (const auto& batch : out.batches[0]) passed += batch->num_rows();
    }
    return passed;
  };
  EXPECT_EQ(pass(*op), static_cast<std::size_t>(kKeys)) << "every key is new";
  EXPECT_EQ(pass(*op), 0u) << "every key is remembered";

  // On disk, as a job with a checkpoint directory does it: RocksDB's checkpoint hard-links its
  // files into the checkpoint (no copy of the 200 MB).
  std::string pattern =
      (std::filesystem::temp_directory_path() / "rivulet-dedup-backend-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path dir = pattern;
  {
    auto store = runtime::checkpoint::DirectoryCheckpointStore::open(dir, 1, {});
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_EQ(testing::checkpoint_into(**store, *op, "d1#0"), "");
    op->close();
    auto restored = c.make(StateBackend::RocksDb, false, budget);
    auto st = testing::restore_from(**store, *restored, "d1#0");
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(pass(*restored), 0u) << "the restored instance remembers every key";
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace rivulet::operators
