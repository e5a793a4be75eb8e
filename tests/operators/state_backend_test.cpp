// Every stateful operator (window_aggregate, dedup, top_n, alert, window_join) on both keyed
// state backends, as one parameterised suite over the cases of backend_cases.hpp:
//  - RocksDB gives the same output as memory, also when it keeps almost nothing resident (state
//    far larger than its cache: every call evicts into RocksDB and takes back what it needs);
//  - a snapshot taken mid-stream into a checkpoint store, restored (before open, as the job
//    supervisor does) into a fresh instance after a "crash", continues to exactly the output of
//    an uninterrupted run, on each backend;
//  - a checkpoint of one backend is refused by the other with an error naming the node.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "backend_cases.hpp"
#include "backend_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::StateBackend;
using testing::BackendCase;
using testing::CollectingCollector;
using testing::Step;

const char* name_of(StateBackend kind) {
  return kind == StateBackend::Memory ? "memory" : "rocksdb";
}

// Every port's rows, tagged with the port, in emit order (sorted when `sorted`).
std::vector<std::string> tagged(const std::vector<std::vector<std::string>>& ports, bool sorted) {
  std::vector<std::string> rows;
  for (std::size_t port = 0; port < ports.size(); ++port) {
    for (const auto& r : ports[port]) rows.push_back(std::to_string(port) + ": " + r);
  }
  if (sorted) std::sort(rows.begin(), rows.end());
  return rows;
}

// A RocksDB budget that keeps at most one entry resident.
runtime::state::RocksDbBudget evicting() {
  runtime::state::RocksDbBudget budget;
  budget.resident_entries = 1;
  return budget;
}

// A whole run of `steps` with end of input: each port's rows.
std::vector<std::vector<std::string>> whole_run(const BackendCase& c, StateBackend kind,
                                                const std::vector<Step>& steps,
                                                runtime::state::RocksDbBudget budget = {}) {
  auto op = c.make(kind, true, budget);
  CollectingCollector out;
  testing::feed(*op, steps, 0, steps.size(), out);
  op->on_end_of_input(out);
  op->close();
  std::vector<std::vector<std::string>> ports;
  for (std::size_t port = 0; port < c.ports; ++port) ports.push_back(out.rows(port));
  return ports;
}

class StateBackendTest : public ::testing::TestWithParam<BackendCase> {};

TEST_P(StateBackendTest, RocksDbGivesTheSameOutputAsMemory) {
  const BackendCase& c = GetParam();
  const auto steps = c.workload(7);
  const auto memory = whole_run(c, StateBackend::Memory, steps);
  const auto rocksdb = whole_run(c, StateBackend::RocksDb, steps);
  EXPECT_GE(memory[0].size(), c.min_rows);
  EXPECT_EQ(tagged(memory, !c.ordered), tagged(rocksdb, !c.ordered));
}

TEST_P(StateBackendTest, RocksDbEvictingAlmostEverythingGivesTheSameOutputAsMemory) {
  const BackendCase& c = GetParam();
  const auto steps = c.workload(5);
  const auto memory = whole_run(c, StateBackend::Memory, steps);
  const auto rocksdb = whole_run(c, StateBackend::RocksDb, steps, evicting());
  EXPECT_GE(memory[0].size(), c.min_rows);
  EXPECT_EQ(tagged(memory, !c.ordered), tagged(rocksdb, !c.ordered));
}

TEST_P(StateBackendTest, RestoreMidStreamContinuesLikeAnUninterruptedRun) {
  const BackendCase& c = GetParam();
  const auto steps = c.workload(11);
  for (const bool evict : {false, true}) {
    for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
      if (evict && kind == StateBackend::Memory) continue;
      SCOPED_TRACE(std::string(name_of(kind)) + (evict ? ", evicting" : ""));
      const runtime::state::RocksDbBudget budget =
          evict ? evicting() : runtime::state::RocksDbBudget{};
      const auto expected = whole_run(c, kind, steps, budget);
      const testing::InterruptedRun cut = testing::run_interrupted(
          [&](bool open) { return c.make(kind, open, budget); },
          [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
            testing::feed(op, steps, from, to, out);
          },
          [&](runtime::Operator& op) { return c.open(op); }, c.cut, steps.size(), c.ports,
          c.task());
      ASSERT_EQ(cut.error, "");
      EXPECT_GE(expected[0].size(), c.min_rows);
      // Unordered cases fire equal times in slot order, which a restore changes.
      EXPECT_EQ(tagged(expected, !c.ordered), tagged(cut.ports, !c.ordered));
    }
  }
}

TEST_P(StateBackendTest, ACheckpointOfOneBackendIsRefusedByTheOtherNamingTheNode) {
  const BackendCase& c = GetParam();
  const auto steps = c.workload(3);
  const std::string refused = testing::refused_by_the_other_backend(
      [&](StateBackend kind, bool open) { return c.make(kind, open); },
      [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
        testing::feed(op, steps, from, to, out);
      },
      4, c.task(), c.node->id);
  EXPECT_EQ(refused, "");
}

INSTANTIATE_TEST_SUITE_P(Operators, StateBackendTest, ::testing::ValuesIn(testing::backend_cases()),
                         [](const ::testing::TestParamInfo<BackendCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace rivulet::operators
