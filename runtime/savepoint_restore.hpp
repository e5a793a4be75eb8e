#pragma once
// Starting a job from a savepoint (or any complete checkpoint) of a possibly edited graph:
// `rivulet run --from-savepoint DIR`, JobOptions::restore_from.
//
// State is matched to tasks by name, "<node id>#<subtask>", so a node keeps its state across
// edits of the graph as long as its id and its parallelism stay the same. Before any task
// starts, every task with state in the savepoint must have a place in the new plan:
// - a node with state that is not in the graph is an error naming it, unless the caller allows
//   dropping state (`--allow-non-restored-state`); its state is then left out and reported;
// - a node with state whose parallelism changed is an error naming both parallelisms: keyed
//   state would belong to other subtasks, and rescaling is not supported yet; except for nodes
//   whose spec declares partition_state (a Kafka source's per-partition offsets): each of their
//   tasks restores the state of every saved task of the node (saved_tasks_of) and keeps what
//   it is assigned;
// - a node with state whose operator kind changed under the same id (the manifest records each
//   node's kind) is an error naming both kinds, unless dropping state is allowed: its tasks then
//   start empty (the restore store hides its state) and it is reported like a removed node.
// Nodes new in the graph, and nodes without state in the savepoint, start empty.

#include <memory>
#include <string>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/checkpoint_store.hpp"
#include "runtime/physical_plan.hpp"

namespace rivulet::runtime {

// `origin` names the savepoint at the start of every message ("savepoint /backups/sp-1").
// Returns the nodes whose state is dropped (sorted; empty unless allowed): removed ones and
// ones whose kind changed.
graphs::Result<std::vector<std::string>> check_restore_compatibility(
    const CompletedCheckpoint& checkpoint, const PhysicalPlan& plan, bool allow_non_restored_state,
    const std::string& origin);

// The tasks of `node` ("<node>#<subtask>") in `checkpoint`, with or without state.
std::vector<std::string> saved_tasks_of(const CompletedCheckpoint& checkpoint,
                                        const std::string& node);

struct PreparedRestore {
  // Read-only; latest() is always the checkpoint that was checked (opened and verified once,
  // so a restart that restores it again reads the same state). begin() fails.
  std::shared_ptr<CheckpointStore> store;
  CheckpointId id = 0;
  std::vector<std::string> dropped_nodes;  // see check_restore_compatibility
};

// Opens `source`'s latest complete checkpoint and checks it against `plan`. No checkpoint in
// `source` is an error too: a job asked to start from a savepoint never silently starts empty.
graphs::Result<PreparedRestore> prepare_restore(CheckpointStore& source, const PhysicalPlan& plan,
                                                bool allow_non_restored_state,
                                                const std::string& origin);

}  // namespace rivulet::runtime
