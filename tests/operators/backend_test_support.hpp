#pragma once
// Shared by the operators' state-backend tests: take one checkpoint of an operator into a
// checkpoint store and restore an operator from it, as the job supervisor would; a run
// interrupted by a "crash" after a checkpoint; a checkpoint offered to the other backend.

#include <cstddef>
#include <string>
#include <vector>

#include "graphs/graph.hpp"
#include "keyed_test_support.hpp"
#include "runtime/checkpoint_store.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"
#include "runtime/operator.hpp"

namespace rivulet::operators::testing {

// Snapshots `op` as the complete checkpoint 1 of task `task`; "" or what failed.
inline std::string checkpoint_into(runtime::CheckpointStore& store, runtime::Operator& op,
                                   const std::string& task) {
  if (auto begun = store.begin(1); !begun) return begun.error().message;
  {
    auto writer = store.writer(1, task);
    if (!writer) return writer.error().message;
    if (auto st = op.snapshot(1, **writer); !st) return st.error().message;
  }
  if (auto completed = store.complete(1); !completed) return completed.error().message;
  return "";
}

// Restores `op` from the state task `task` wrote in the store's latest complete checkpoint.
inline graphs::Status restore_from(runtime::CheckpointStore& store, runtime::Operator& op,
                                   const std::string& task) {
  auto latest = store.latest();
  if (!latest) return latest.error();
  if (!*latest) return graphs::Error{"no complete checkpoint"};
  auto reader = (*latest)->reader(task);
  if (!reader) return reader.error();
  return op.restore(**reader);
}

// Feeds steps [from, to) of a test's workload into an operator.
//   void feed(runtime::Operator&, std::size_t from, std::size_t to, CollectingCollector&)

struct InterruptedRun {
  std::vector<std::vector<std::string>> ports;  // rows by output port, in emit order
  std::string error;                            // what failed, or ""
};

// A run "crashed" after step `cut` of `steps`: an instance (`make(true)`: opened) is fed
// [0, cut), checkpointed as task `task`, fed one more step (lost with the crash) and closed; a
// new instance (`make(false)`) restores from the checkpoint, is opened by `open`, is fed
// [cut, steps) and, with `end_of_input`, ends its input. Each port's rows: what the first
// instance emitted before the checkpoint, then what the restored one emitted. The checkpoint
// goes into `into` (null: a fresh in-memory store).
template <class Make, class Feed, class Open>
InterruptedRun run_interrupted(Make make, Feed feed, Open open, std::size_t cut, std::size_t steps,
                               std::size_t ports, const std::string& task, bool end_of_input = true,
                               runtime::CheckpointStore* into = nullptr) {
  InterruptedRun run;
  run.ports.resize(ports);
  auto first = make(true);
  CollectingCollector before;
  feed(*first, 0, cut, before);
  runtime::InMemoryCheckpointStore in_memory;
  runtime::CheckpointStore& store = into ? *into : in_memory;
  run.error = checkpoint_into(store, *first, task);
  if (!run.error.empty()) return run;
  for (std::size_t port = 0; port < ports; ++port) run.ports[port] = before.rows(port);
  feed(*first, cut, cut + 1, before);  // lost with the "crash"
  first->close();

  auto second = make(false);
  if (auto st = restore_from(store, *second, task); !st) {
    run.error = "restore: " + st.error().message;
    return run;
  }
  if (auto st = open(*second); !st) {
    run.error = "open: " + st.error().message;
    return run;
  }
  CollectingCollector after;
  feed(*second, cut, steps, after);
  if (end_of_input) second->on_end_of_input(after);
  for (std::size_t port = 0; port < ports; ++port) {
    for (auto& row : after.rows(port)) run.ports[port].push_back(row);
  }
  return run;
}

// A checkpoint written by each backend kind (after feeding `steps` steps), restored into the
// other kind (`make(kind, false)`): must be refused with an error naming node `node_id`.
// "" when both are, else what happened.
template <class Make, class Feed>
std::string refused_by_the_other_backend(Make make, Feed feed, std::size_t steps,
                                         const std::string& task, const std::string& node_id) {
  using graphs::StateBackend;
  for (StateBackend from : {StateBackend::Memory, StateBackend::RocksDb}) {
    const StateBackend to =
        from == StateBackend::Memory ? StateBackend::RocksDb : StateBackend::Memory;
    auto op = make(from, true);
    CollectingCollector out;
    feed(*op, 0, steps, out);
    runtime::InMemoryCheckpointStore store;
    if (std::string error = checkpoint_into(store, *op, task); !error.empty()) return error;
    auto other = make(to, false);
    auto st = restore_from(store, *other, task);
    if (st)
      return std::string("restored into the other backend: ") +
             (to == StateBackend::Memory ? "memory" : "rocksdb");
    if (st.error().message.find("node '" + node_id + "'") == std::string::npos) {
      return "the error does not name the node: " + st.error().message;
    }
  }
  return "";
}

}  // namespace rivulet::operators::testing
