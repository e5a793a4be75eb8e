// window_aggregate's own state-backend tests (the ones every stateful operator passes are in
// state_backend_test.cpp): RocksDB's checkpoint through a real directory checkpoint store (a
// state directory in the manifest) restores to exactly an uninterrupted run; the window count
// of a checkpoint reads back on both backends; RocksDB keeps at most its resident limit of
// windows in memory and cleans up on close.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "backend_cases.hpp"
#include "backend_test_support.hpp"
#include "keyed_test_support.hpp"
#include "operators/window_aggregate_operator.hpp"
#include "runtime/checkpoint/directory_checkpoint_store.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::operators {
namespace {

using graphs::StateBackend;
using testing::CollectingCollector;
using testing::Step;

std::vector<std::string> sorted(std::vector<std::string> rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST(WindowAggregateBackendTest, RocksDbRestoresFromADirectoryCheckpointStore) {
  const testing::BackendCase c = testing::backend_case("WindowTumbling");
  const auto steps = c.workload(5);
  std::string pattern =
      (std::filesystem::temp_directory_path() / "rivulet-window-backend-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path dir = pattern;
  {
    auto store = runtime::checkpoint::DirectoryCheckpointStore::open(dir / "checkpoints", 2, {});
    ASSERT_TRUE(store) << store.error().message;
    auto whole = c.make(StateBackend::RocksDb);
    CollectingCollector expected;
    testing::feed(*whole, steps, 0, steps.size(), expected);
    whole->on_end_of_input(expected);
    whole->close();
    const testing::InterruptedRun cut = testing::run_interrupted(
        [&](bool open) { return c.make(StateBackend::RocksDb, open); },
        [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
          testing::feed(op, steps, from, to, out);
        },
        [&](runtime::Operator& op) { return c.open(op); }, 12, steps.size(), c.ports, c.task(),
        true, store->get());
    ASSERT_EQ(cut.error, "");
    // Windows firing at the same watermark come in slot order, which a restore changes.
    EXPECT_EQ(sorted(expected.rows(0)), sorted(cut.ports[0]));
    EXPECT_EQ(expected.rows(1), cut.ports[1]);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// Tools read the window count of a checkpoint through the operator, on either backend.
TEST(WindowAggregateBackendTest, WindowsInACheckpointAreReadBackOnBothBackends) {
  const testing::BackendCase c = testing::backend_case("WindowTumbling");
  const auto steps = c.workload(13);
  for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
    SCOPED_TRACE(kind == StateBackend::Memory ? "memory" : "rocksdb");
    auto op = c.make(kind);
    auto* window = dynamic_cast<WindowAggregateOperator*>(op.get());
    ASSERT_NE(window, nullptr);
    CollectingCollector out;
    for (std::size_t i = 0; i < 6; ++i) window->process(0, steps[i].batch, out);  // none fire
    runtime::InMemoryCheckpointStore store;
    ASSERT_EQ(testing::checkpoint_into(store, *op, c.task()), "");
    auto latest = store.latest();
    ASSERT_TRUE(latest && *latest);
    auto reader = (*latest)->reader(c.task());
    ASSERT_TRUE(reader) << reader.error().message;
    auto windows = WindowAggregateOperator::windows_in_checkpoint(**reader);
    ASSERT_TRUE(windows) << windows.error().message;
    EXPECT_GT(*windows, 20u);
    EXPECT_EQ(*windows, window->live_windows());
    op->close();
  }
}

TEST(WindowAggregateBackendTest, RocksDbKeepsAtMostItsResidentLimitInMemoryAndCleansUpOnClose) {
  const testing::BackendCase c = testing::backend_case("WindowTumbling");
  runtime::state::RocksDbBudget budget;
  budget.resident_entries = 4;
  auto op = c.make(StateBackend::RocksDb, true, budget);
  auto* window = dynamic_cast<WindowAggregateOperator*>(op.get());
  ASSERT_NE(window, nullptr);
  CollectingCollector out;
  const auto steps = c.workload(9);
  for (std::size_t i = 0; i < 5; ++i) window->process(0, steps[i].batch, out);
  EXPECT_GT(window->live_windows(), 8u);
  EXPECT_LE(window->resident_windows(), 4u) << "the others were evicted into RocksDB";
  ASSERT_NE(window->state_backend(), nullptr);
  window->on_end_of_input(out);
  EXPECT_EQ(window->live_windows(), 0u);
  window->close();
  EXPECT_EQ(window->state_backend(), nullptr);
}

}  // namespace
}  // namespace rivulet::operators
