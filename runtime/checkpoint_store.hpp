#pragma once
// Where checkpoints go: the interface the checkpoint coordinator, the tasks and the job
// supervisor use, so they do not depend on how (or whether) state reaches a disk. The
// directory storage (runtime/checkpoint/) and the in-memory store of the tests
// (in_memory_checkpoint_store.hpp) implement it.
//
// Life of checkpoint n: the coordinator calls begin(n) before it injects barrier n; every task
// asks writer(n, its name) when the barrier is aligned, writes its blobs and destroys the writer
// before it acknowledges; once every task acknowledged the coordinator calls complete(n), which
// makes n durable and the newest restore point. A checkpoint that is not completed is abort()ed
// (timeout, task failure, job end) and must never be returned by latest().
//
// Tasks call writer() from their own threads while the coordinator calls the rest, so an
// implementation must be thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::runtime {

using CheckpointId = std::uint64_t;

// One complete checkpoint, opened for restoring.
class CompletedCheckpoint {
 public:
  virtual ~CompletedCheckpoint() = default;
  virtual CheckpointId id() const = 0;
  // The state task `task` ("<node>#<subtask>") wrote; an empty reader if it wrote none.
  virtual graphs::Result<std::unique_ptr<StateReader>> reader(const std::string& task) = 0;
  // The tasks that wrote state into it (at least one blob or directory), sorted: what a
  // restore of a changed graph must find a place for (savepoint compatibility).
  virtual std::vector<std::string> tasks_with_state() const = 0;
  // Every task that took part, stateless ones included, sorted (tells a node's parallelism
  // when it was taken). A store that does not record stateless tasks returns the ones with
  // state.
  virtual std::vector<std::string> tasks() const { return tasks_with_state(); }
  // Node id -> the operator kind that wrote the state, for the nodes the store recorded (none
  // for a store that does not record kinds, or a checkpoint written before they were).
  virtual std::map<std::string, std::string> operator_kinds() const { return {}; }
};

class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;
  virtual graphs::Status begin(CheckpointId id) = 0;
  // Fails if `id` is not in progress (never begun, aborted, completed): a task whose barrier
  // arrives after the coordinator gave up on the checkpoint then declines instead of writing.
  // A writer handed out before its checkpoint is aborted must keep accepting blobs (and may
  // drop them): tasks treat a write error as a failed snapshot, which fails the task, so only
  // real storage errors may surface there.
  virtual graphs::Result<std::unique_ptr<StateWriter>> writer(CheckpointId id,
                                                              const std::string& task) = 0;
  virtual graphs::Status complete(CheckpointId id) = 0;
  virtual void abort(CheckpointId id) = 0;
  // The newest complete checkpoint (a storage may fall back past a corrupted one), or null
  // when there is none.
  virtual graphs::Result<std::unique_ptr<CompletedCheckpoint>> latest() = 0;
  // Why the last latest() passed over damaged checkpoints (one line each, naming the file), so
  // the job's owner can report a fallback; empty for a store that never falls back.
  virtual std::vector<std::string> last_skipped() const { return {}; }
};

}  // namespace rivulet::runtime
