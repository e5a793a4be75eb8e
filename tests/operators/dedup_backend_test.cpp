// dedup on both keyed state backends (operators/dedup.cpp): the same decisions from memory and
// RocksDB, a mid-stream snapshot restored (before open, as the supervisor does) into a fresh
// instance continues like an uninterrupted run, a checkpoint of one backend is refused by the
// other, and RocksDB holds state far larger than its memory budget (200k keys of 1 KB with an
// 8 MB block cache and 4 MB of memtables).

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "backend_test_support.hpp"
#include "keyed_test_support.hpp"
#include "operators/dedup.hpp"
#include "runtime/checkpoint/directory_checkpoint_store.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using graphs::StateBackend;
using testing::CollectingCollector;

graphs::Schema schema() {
  return {{"id", FieldType::String, true}, {"v", FieldType::Int64, false}};
}

struct Step {
  runtime::BatchPtr batch;
  std::int64_t watermark;
};

std::vector<Step> workload(std::uint32_t seed, int batches, int keys) {
  std::mt19937 rng(seed);
  auto s = std::make_shared<const graphs::Schema>(schema());
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(s);
    for (int r = 0; r < 50; ++r) {
      t += 1;
      const std::uint32_t k = rng() % keys;
      if (k == 0) {
        builder.append_null(0);
      } else {
        builder.append_string(0, "id-" + std::to_string(k));
      }
      builder.append_int64(1, r);
      builder.end_row(t - static_cast<std::int64_t>(rng() % 30));
    }
    steps.push_back(Step{builder.finish(false), t - 30});
  }
  return steps;
}

class DedupBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(StateBackend kind, bool open = true,
                                          runtime::state::RocksDbBudget budget = {}) {
    runtime::state::StateBackendOptions backend;
    backend.kind = kind;
    backend.budget = budget;
    auto built = testing::build(dedup_factory(), spec_, node_, {schema()}, {schema()}, {{"id"}},
                                backend, open);
    EXPECT_EQ(built.error, "");
    return std::move(built.op);
  }

  static void run(runtime::Operator& op, const std::vector<Step>& steps, std::size_t from,
                  std::size_t to, CollectingCollector& out) {
    for (std::size_t i = from; i < to; ++i) {
      op.process(0, steps[i].batch, out);
      op.on_watermark(steps[i].watermark, out);
    }
  }

  static graphs::Node node() {
    graphs::Node n;
    n.id = "d1";
    n.kind = "dedup";
    n.set_parameter("horizon", graphs::Duration{100});
    return n;
  }

  graphs::OperatorSpec spec_ = dedup_spec();
  graphs::Node node_ = node();
};

TEST_F(DedupBackendTest, BothBackendsDecideTheSameAndRestoreMidStreamIdentically) {
  const auto steps = workload(1, 60, 120);
  std::vector<std::string> memory_rows;
  for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
    SCOPED_TRACE(kind == StateBackend::Memory ? "memory" : "rocksdb");
    auto whole = make(kind);
    CollectingCollector expected;
    run(*whole, steps, 0, steps.size(), expected);

    const testing::InterruptedRun cut = testing::run_interrupted(
        [&](bool open) { return make(kind, open); },
        [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
          run(op, steps, from, to, out);
        },
        [&](runtime::Operator& op) { return testing::open_operator(op, node_, {schema()}); }, 25,
        steps.size(), 1, "d1#0", /*end_of_input=*/false);
    ASSERT_EQ(cut.error, "");
    const std::vector<std::string>& rows = cut.ports[0];

    EXPECT_EQ(expected.rows(), rows);
    EXPECT_LT(rows.size(), steps.size() * 50) << "some records were duplicates";
    if (kind == StateBackend::Memory) {
      memory_rows = rows;
    } else {
      EXPECT_EQ(memory_rows, rows);
    }
  }
}

TEST_F(DedupBackendTest, ACheckpointOfOneBackendIsRefusedByTheOther) {
  const auto steps = workload(2, 3, 10);
  const std::string refused = testing::refused_by_the_other_backend(
      [&](StateBackend kind, bool open) { return make(kind, open); },
      [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
        run(op, steps, from, to, out);
      },
      steps.size(), "d1#0", "d1");
  EXPECT_EQ(refused, "");
}

// Tools read the key count of a checkpoint through dedup (memory backend; RocksDB says it has
// none).
TEST_F(DedupBackendTest, KeysInACheckpointAreReadBackThroughDedup) {
  node_.set_parameter("horizon", graphs::Duration{1'000'000'000});  // nothing expires
  auto s = std::make_shared<const graphs::Schema>(schema());
  for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
    auto op = make(kind);
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
    if (kind == StateBackend::Memory) {
      ASSERT_TRUE(keys) << keys.error().message;
      EXPECT_EQ(*keys, 120u);
    } else {
      ASSERT_FALSE(keys);
      EXPECT_NE(keys.error().message.find("RocksDB"), std::string::npos);
    }
    op->close();
  }
}

// 200k distinct 1 KB keys (random, so incompressible): ~200 MB of state against an 8 MB block
// cache and 4 MB of memtables. Every key is remembered (a second pass drops all of it, also
// after a snapshot and restore), while the backend's memory stays within its budget.
TEST_F(DedupBackendTest, RocksDbHoldsStateFarLargerThanItsMemoryBudget) {
  constexpr int kKeys = 200'000;
  constexpr int kBatch = 1000;
  runtime::state::RocksDbBudget budget;
  budget.block_cache_bytes = 8ull << 20;
  budget.write_buffer_bytes = 4ull << 20;
  graphs::Node huge = node();
  huge.set_parameter("horizon", graphs::Duration{1'000'000'000});
  node_ = huge;
  auto op = make(StateBackend::RocksDb, true, budget);
  auto s = std::make_shared<const graphs::Schema>(schema());
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
    auto restored = make(StateBackend::RocksDb, false, budget);
    auto st = testing::restore_from(**store, *restored, "d1#0");
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(pass(*restored), 0u) << "the restored instance remembers every key";
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace rivulet::operators
