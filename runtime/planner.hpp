#pragma once
// The planner: validated graphs + the operator registry -> a PhysicalPlan
// (runtime/physical_plan.hpp).
//
// Each node becomes `parallelism` task instances; each edge becomes channels according to its
// partitioning: forward connects instance i to instance i (equal parallelism, which the
// validator enforces), hash / broadcast / rebalance connect every upstream instance to every
// downstream instance. Hash key fields are resolved to column indices of the edge's record
// schema once, here. Nothing is spawned: a graph that does not validate, or that uses an
// operator kind without a runtime implementation, fails before anything starts.

#include <vector>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "runtime/operator_registry.hpp"
#include "runtime/physical_plan.hpp"
#include "runtime/task_spec.hpp"

namespace rivulet::runtime {

struct PlanOptions {
  ChannelConfig channels;              // given to every task
  std::uint32_t max_key_groups = 128;  // hash edges: key groups (the unit of keyed state)
};

// Plans several graphs as one job (they run side by side, e.g. an event generator and the
// pipeline it feeds through Kafka). Errors: the validator's problems (one per line, each
// prefixed with the graph's name when there are several graphs) or every node whose kind has
// no implementation.
graphs::Result<PhysicalPlan> plan_job(std::vector<graphs::Graph> graphs,
                                      const runtime::OperatorRegistry& registry,
                                      const PlanOptions& options = {});

}  // namespace rivulet::runtime
