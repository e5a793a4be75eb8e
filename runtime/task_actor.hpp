#pragma once
// Task actors: one CAF actor per parallel operator instance. Operator tasks are ordinary
// event-based actors on the scheduler's workers; source tasks are detached (own thread),
// because a source's poll may block (Kafka) and must not stall the workers.
//
// A task exits normally after forwarding end of stream and delivering all its output; it exits
// with an error (sec::runtime_error, message = what failed) when its operator fails. A job
// supervisor monitors the tasks. Exceptions never escape an actor.

#include <memory>
#include <vector>

#include "caf/actor.hpp"
#include "caf/fwd.hpp"
#include "runtime/checkpoint_store.hpp"
#include "runtime/operator.hpp"
#include "runtime/task_metrics.hpp"
#include "runtime/task_spec.hpp"

namespace rivulet::runtime {

struct TaskWiring {
  TaskSpec spec;
  // The receiving actor of every output channel, flattened in spec.outputs order (edge by
  // edge, channel by channel). The planner spawns downstream tasks first, so they exist.
  std::vector<caf::actor> targets;
  caf::actor coordinator;  // receives CheckpointAck; may be invalid (no checkpointing)
  // Where the task writes its checkpointed state; null: state is discarded (no checkpoints).
  std::shared_ptr<CheckpointStore> checkpoints;
  std::shared_ptr<TaskMetrics> metrics;  // shared with whoever displays them; created if null
};

caf::actor spawn_task(caf::actor_system& system, TaskWiring wiring, std::unique_ptr<Operator> op);
// Sources start polling immediately; send StopSource to end the stream early and
// InjectBarrier to start a checkpoint. Every task handles CheckpointComplete (operator commit).
caf::actor spawn_source_task(caf::actor_system& system, TaskWiring wiring,
                             std::unique_ptr<SourceOperator> op);

}  // namespace rivulet::runtime
