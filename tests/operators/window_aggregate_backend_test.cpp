// window_aggregate on both keyed state backends (operators/window_aggregate_operator.cpp):
// the same output from memory and RocksDB; a snapshot taken mid-stream into a real checkpoint
// store (in memory: RocksDB's checkpoint packed into it; on disk: a state directory in the
// manifest), restored into a fresh instance before it opens — as the job supervisor does —
// continues to exactly the output of an uninterrupted run; and a checkpoint of one backend is
// refused by the other with a message naming the node.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend_test_support.hpp"
#include "keyed_test_support.hpp"
#include "operators/window_aggregate.hpp"
#include "runtime/checkpoint/directory_checkpoint_store.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using graphs::StateBackend;
using testing::CollectingCollector;

const graphs::Schema kInput = {
    {"k", FieldType::Int64, false}, {"v", FieldType::Int64, true}, {"s", FieldType::String, true}};

struct Step {
  runtime::BatchPtr batch;
  std::int64_t watermark;
};

// Batches of 64 records over `keys` keys with event times advancing ~1 per record plus jitter
// (some records late), a watermark after each batch.
std::vector<Step> workload(std::uint32_t seed, int batches, int keys) {
  std::mt19937 rng(seed);
  auto schema = std::make_shared<const graphs::Schema>(kInput);
  std::vector<Step> steps;
  std::int64_t t = 0;
  for (int b = 0; b < batches; ++b) {
    runtime::BatchBuilder builder(schema);
    std::int64_t max_t = 0;
    for (int r = 0; r < 64; ++r) {
      t += 1;
      const std::int64_t at = t - static_cast<std::int64_t>(rng() % 40);
      max_t = std::max(max_t, at);
      builder.append_int64(0, static_cast<std::int64_t>(rng() % keys));
      if (rng() % 10 == 0) {
        builder.append_null(1);
      } else {
        builder.append_int64(1, static_cast<std::int64_t>(rng() % 100) - 20);
      }
      builder.append_string(2, "s" + std::to_string(rng() % 7));
      builder.end_row(at);
    }
    steps.push_back(Step{builder.finish(false), max_t - 25});
  }
  return steps;
}

struct Config {
  std::string name;
  std::vector<graphs::Parameter> params;
  std::vector<std::string> keys;
};

graphs::Parameter param(std::string name, graphs::Value v) {
  return graphs::Parameter{std::move(name), std::move(v)};
}
graphs::Parameter ms(std::string name, std::int64_t v) {
  return param(std::move(name), graphs::Duration{v});
}

std::vector<Config> setups() {
  const graphs::StringList aggregates = {"count(*)",
                                         "sum(v)",
                                         "min(s)",
                                         "max(v)",
                                         "avg(v)",
                                         "count_distinct(s)",
                                         "percentile(v, 0.5) AS p50"};
  return {
      {"Tumbling",
       {param("window", std::string("tumbling")), ms("size", 50), ms("allowed_lateness", 20),
        param("aggregates", aggregates)},
       {"k"}},
      {"Sliding",
       {param("window", std::string("sliding")), ms("size", 60), ms("slide", 20),
        param("aggregates", aggregates)},
       {"k"}},
      {"SessionStringKey",
       {param("window", std::string("session")), ms("gap", 15), ms("allowed_lateness", 10),
        param("aggregates", aggregates)},
       {"s"}},
  };
}

class WindowAggregateBackendTest : public ::testing::Test {
 protected:
  std::unique_ptr<runtime::Operator> make(const Config& setup, StateBackend kind,
                                          bool open = true) {
    graphs::Node node;
    node.id = "w";
    node.kind = "window_aggregate";
    node.parameters = setup.params;
    nodes_.push_back(std::make_unique<graphs::Node>(node));
    runtime::state::StateBackendOptions backend;
    backend.kind = kind;
    auto built = testing::build(window_aggregate_factory(), spec_, *nodes_.back(), {kInput}, {},
                                {setup.keys}, backend, open);
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

  // Every row on both ports: all of an uninterrupted run.
  std::vector<std::string> uninterrupted(const Config& setup, StateBackend kind,
                                         const std::vector<Step>& steps) {
    auto op = make(setup, kind);
    CollectingCollector out;
    run(*op, steps, 0, steps.size(), out);
    op->on_end_of_input(out);
    auto rows = out.rows(0);
    for (auto& r : out.rows(1)) rows.push_back("late " + r);
    op->close();
    return rows;
  }

  // The same with a snapshot after `cut` steps into `store`, restored into a fresh instance
  // (before open) that runs the rest.
  std::vector<std::string> interrupted(const Config& setup, StateBackend kind,
                                       const std::vector<Step>& steps, std::size_t cut,
                                       runtime::CheckpointStore& store) {
    auto first = make(setup, kind);
    CollectingCollector out;
    run(*first, steps, 0, cut, out);
    EXPECT_EQ(testing::checkpoint_into(store, *first, "w#0"), "");
    auto rows = out.rows(0);
    auto late = out.rows(1);
    // More input after the snapshot, then the "crash": what this instance did after the
    // snapshot is lost, as it would be.
    first->process(0, steps[cut].batch, out);
    first->close();
    first.reset();

    auto second = make(setup, kind, false);
    auto st = testing::restore_from(store, *second, "w#0");
    EXPECT_TRUE(st) << st.error().message;
    st = testing::open_operator(*second, *nodes_.back(), {kInput});
    EXPECT_TRUE(st) << st.error().message;
    CollectingCollector rest;
    run(*second, steps, cut, steps.size(), rest);
    second->on_end_of_input(rest);
    for (auto& r : rest.rows(0)) rows.push_back(r);
    for (auto& r : rest.rows(1)) late.push_back(r);
    for (auto& r : late) rows.push_back("late " + r);
    second->close();
    return rows;
  }

  static std::vector<std::string> sorted(std::vector<std::string> rows) {
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  graphs::OperatorSpec spec_ = window_aggregate_spec();
  std::vector<std::unique_ptr<graphs::Node>> nodes_;  // factories keep references
};

TEST_F(WindowAggregateBackendTest, RocksDbGivesTheSameResultsAsMemory) {
  for (const Config& setup : setups()) {
    SCOPED_TRACE(setup.name);
    const auto steps = workload(7, 40, 23);
    const auto memory = uninterrupted(setup, StateBackend::Memory, steps);
    const auto rocksdb = uninterrupted(setup, StateBackend::RocksDb, steps);
    EXPECT_GT(memory.size(), 100u);
    // Windows firing at the same watermark come in slot order (memory) or key order (RocksDB).
    EXPECT_EQ(sorted(memory), sorted(rocksdb));
  }
}

TEST_F(WindowAggregateBackendTest, RestoreMidStreamContinuesLikeAnUninterruptedRunOnBothBackends) {
  for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
    for (const Config& setup : setups()) {
      SCOPED_TRACE(setup.name + (kind == StateBackend::Memory ? " memory" : " rocksdb"));
      const auto steps = workload(11, 40, 17);
      const auto expected = uninterrupted(setup, kind, steps);
      runtime::InMemoryCheckpointStore store;
      const auto restored = interrupted(setup, kind, steps, 23, store);
      if (kind == StateBackend::RocksDb) {
        EXPECT_EQ(expected, restored);  // stored order is key order: identical sequence
      } else {
        EXPECT_EQ(sorted(expected), sorted(restored));  // restored slots may fire in other order
      }
    }
  }
}

TEST_F(WindowAggregateBackendTest, RocksDbRestoresFromADirectoryCheckpointStore) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "rivulet-window-backend-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path dir = pattern;
  {
    auto store = runtime::checkpoint::DirectoryCheckpointStore::open(dir / "checkpoints", 2, {});
    ASSERT_TRUE(store) << store.error().message;
    const Config setup = setups()[0];
    const auto steps = workload(5, 30, 40);
    const auto expected = uninterrupted(setup, StateBackend::RocksDb, steps);
    const auto restored = interrupted(setup, StateBackend::RocksDb, steps, 12, **store);
    EXPECT_EQ(expected, restored);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_F(WindowAggregateBackendTest, ACheckpointOfOneBackendIsRefusedByTheOtherNamingTheNode) {
  const Config setup = setups()[0];
  const auto steps = workload(3, 4, 5);
  for (StateBackend from : {StateBackend::Memory, StateBackend::RocksDb}) {
    const StateBackend to =
        from == StateBackend::Memory ? StateBackend::RocksDb : StateBackend::Memory;
    runtime::InMemoryCheckpointStore store;
    auto op = make(setup, from);
    CollectingCollector out;
    run(*op, steps, 0, steps.size(), out);
    ASSERT_EQ(testing::checkpoint_into(store, *op, "w#0"), "");
    auto other = make(setup, to, false);
    auto st = testing::restore_from(store, *other, "w#0");
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("node 'w'"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("rocksdb"), std::string::npos) << st.error().message;
  }
}

// Tools read the window count of a checkpoint through the operator, on either backend.
TEST_F(WindowAggregateBackendTest, WindowsInACheckpointAreReadBackOnBothBackends) {
  const Config setup = setups()[0];
  const auto steps = workload(13, 6, 300);
  for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
    SCOPED_TRACE(kind == StateBackend::Memory ? "memory" : "rocksdb");
    auto op = make(setup, kind);
    auto* window = dynamic_cast<WindowAggregateOperator*>(op.get());
    ASSERT_NE(window, nullptr);
    CollectingCollector out;
    for (const Step& s : steps) window->process(0, s.batch, out);  // no watermark: none fire
    runtime::InMemoryCheckpointStore store;
    ASSERT_EQ(testing::checkpoint_into(store, *op, "w#0"), "");
    auto latest = store.latest();
    ASSERT_TRUE(latest && *latest);
    auto reader = (*latest)->reader("w#0");
    ASSERT_TRUE(reader) << reader.error().message;
    auto windows = WindowAggregateOperator::windows_in_checkpoint(**reader);
    ASSERT_TRUE(windows) << windows.error().message;
    EXPECT_GT(*windows, 100u);
    EXPECT_EQ(*windows, window->live_windows());
    op->close();
  }
}

TEST_F(WindowAggregateBackendTest, RocksDbKeepsOnlyTheWorkingSetInMemoryAndCleansUpOnClose) {
  const Config setup = setups()[0];
  auto op = make(setup, StateBackend::RocksDb);
  auto* window = dynamic_cast<WindowAggregateOperator*>(op.get());
  ASSERT_NE(window, nullptr);
  CollectingCollector out;
  const auto steps = workload(9, 5, 1000);
  for (const Step& s : steps) window->process(0, s.batch, out);
  EXPECT_GT(window->live_windows(), 0u);
  EXPECT_EQ(window->live_keys(), 0u) << "every window went back to RocksDB";
  ASSERT_NE(window->state_backend(), nullptr);
  window->on_end_of_input(out);
  EXPECT_EQ(window->live_windows(), 0u);
  window->close();
  EXPECT_EQ(window->state_backend(), nullptr);
}

}  // namespace
}  // namespace rivulet::operators
