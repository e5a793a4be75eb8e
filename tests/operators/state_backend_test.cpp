// Every stateful operator (window_aggregate, dedup, top_n, alert, window_join) on both keyed
// state backends, as one parameterised suite over the cases of backend_cases.hpp:
//  - RocksDB gives the same output as memory;
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

// A whole run of `steps` with end of input: each port's rows.
std::vector<std::vector<std::string>> whole_run(const BackendCase& c, StateBackend kind,
                                                const std::vector<Step>& steps) {
  auto op = c.make(kind);
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

TEST_P(StateBackendTest, RestoreMidStreamContinuesLikeAnUninterruptedRun) {
  const BackendCase& c = GetParam();
  const auto steps = c.workload(11);
  for (StateBackend kind : {StateBackend::Memory, StateBackend::RocksDb}) {
    SCOPED_TRACE(name_of(kind));
    const auto expected = whole_run(c, kind, steps);
    const testing::InterruptedRun cut = testing::run_interrupted(
        [&](bool open) { return c.make(kind, open); },
        [&](runtime::Operator& op, std::size_t from, std::size_t to, CollectingCollector& out) {
          testing::feed(op, steps, from, to, out);
        },
        [&](runtime::Operator& op) { return c.open(op); }, c.cut, steps.size(), c.ports, c.task());
    ASSERT_EQ(cut.error, "");
    EXPECT_GE(expected[0].size(), c.min_rows);
    // RocksDB fires in stored (key) order, so even an unordered case restores identically.
    const bool sorted = !c.ordered && kind == StateBackend::Memory;
    EXPECT_EQ(tagged(expected, sorted), tagged(cut.ports, sorted));
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
