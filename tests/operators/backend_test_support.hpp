#pragma once
// Shared by the operators' state-backend tests: take one checkpoint of an operator into an
// in-memory checkpoint store, and restore an operator from it, as the job supervisor would.

#include <string>

#include "runtime/checkpoint_store.hpp"
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

}  // namespace rivulet::operators::testing
