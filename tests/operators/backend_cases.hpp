#pragma once
// The stateful operators as cases of one state-backend suite (state_backend_test.cpp): each
// case builds its operator on a chosen backend and has a deterministic workload of batches and
// watermarks (some records late, some keys NULL). Operator-specific backend tests
// (window_aggregate_backend_test.cpp, dedup_backend_test.cpp) reuse the cases.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"
#include "keyed_test_support.hpp"
#include "runtime/operator.hpp"
#include "runtime/operator_factory.hpp"
#include "runtime/state/operator_state.hpp"

namespace rivulet::operators::testing {

struct Step {
  std::size_t input = 0;
  runtime::BatchPtr batch;
  std::int64_t watermark = 0;
};

struct BackendCase {
  std::string name;                          // a gtest parameter name
  std::shared_ptr<const graphs::Node> node;  // shared: factories keep references
  graphs::OperatorSpec spec;
  runtime::OperatorFactory factory;
  std::vector<graphs::Schema> inputs;
  std::vector<graphs::Schema> outputs;  // empty: the operator derives them
  std::vector<std::vector<std::string>> keys;
  std::size_t ports = 1;
  std::size_t cut = 0;       // the restore test checkpoints after this many steps
  std::size_t min_rows = 0;  // on port 0 in a whole run: the workload really exercises state
  // Rows firing at the same watermark come in the same order on both backends and after a
  // restore (false: window_aggregate fires equal times in slot order, which depends on what was
  // evicted and restored, so those comparisons are of sorted rows).
  bool ordered = true;
  std::function<std::vector<Step>(std::uint32_t seed)> workload;

  std::string task() const { return node->id + "#0"; }
  // Built (and opened unless `open` is false) on `kind`; fails the test on a factory error.
  std::unique_ptr<runtime::Operator> make(graphs::StateBackend kind, bool open = true,
                                          runtime::state::RocksDbBudget budget = {}) const;
  graphs::Status open(runtime::Operator& op) const;
};

// Feeds steps [from, to): each batch into its input, then its watermark.
void feed(runtime::Operator& op, const std::vector<Step>& steps, std::size_t from, std::size_t to,
          CollectingCollector& out);

// window_aggregate (tumbling, sliding, session), dedup, top_n, alert, window_join (inner, left).
std::vector<BackendCase> backend_cases();
// The case called `name` (throws when there is none).
BackendCase backend_case(const std::string& name);

}  // namespace rivulet::operators::testing
