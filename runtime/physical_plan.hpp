#pragma once
// What the planner produces and the job deploys: every graph node expanded to its parallel
// task instances, every edge expanded to channels. Plain data, free of CAF, so plans can be
// checked in tests without running anything (and later shipped to other nodes).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"
#include "runtime/operator_factory.hpp"
#include "runtime/task_spec.hpp"

namespace rivulet::runtime {

// One logical operator (graph node) of the job.
struct PlannedNode {
  // The node id; qualified as "<graph name>/<node id>" only when several graphs of one job use
  // the same id, so names stay short in the usual case and unique always.
  std::string name;
  std::size_t graph_index = 0;  // into PhysicalPlan::graphs
  std::size_t node_index = 0;   // into that graph's nodes
  graphs::OperatorSpec spec;
  runtime::OperatorFactory factory;  // never monostate: the planner rejects spec-only kinds
  bool source = false;               // built by a SourceFactory (no inputs, own thread)
  std::vector<graphs::Schema> input_schemas;         // by the spec's input port order
  std::vector<graphs::Schema> output_schemas;        // by the spec's output port order
  std::vector<std::vector<std::string>> input_keys;  // keyed inputs: key fields; else empty
  std::vector<TaskId> tasks;                         // by subtask index
};

struct PlannedTask {
  TaskSpec spec;
  std::size_t node = 0;  // into PhysicalPlan::nodes
  // The receiving task of each output channel, flattened in spec.outputs order (edge by edge,
  // channel by channel) — the same order TaskWiring::targets takes actor handles in.
  std::vector<TaskId> targets;
};

struct PhysicalPlan {
  // The graphs as planned (after parameter overrides); nodes refer into them, and operator
  // factories get references to their nodes, so the plan owns them.
  std::vector<graphs::Graph> graphs;
  std::vector<PlannedNode> nodes;  // topological order: every node after its upstreams
  std::vector<PlannedTask> tasks;  // index == TaskId
  // Handed to every factory (OperatorBuildContext::file_root): where file operators' paths are
  // confined; empty: nowhere. A node sets it for every job it deploys, `rivulet run` to its
  // --file-root or the working directory.
  std::string file_root;
  // Handed to every factory (OperatorBuildContext::credentials_dir): where Kafka file settings
  // (certificates, keys) are read from; empty: none may be set.
  std::string credentials_dir;

  const graphs::Node& node_of(const PlannedNode& node) const {
    return graphs[node.graph_index].nodes[node.node_index];
  }
  const PlannedNode& node_of_task(TaskId task) const { return nodes[tasks[task].node]; }
  // Downstream first (reverse topological order of nodes), sources last: a task's targets
  // exist when it is spawned, and no source emits before its whole pipeline is up.
  std::vector<TaskId> spawn_order() const;
};

// The factory's view of one task instance. `bootstrap_servers` is the job's default Kafka
// cluster. The context refers into `plan`, which must outlive it.
runtime::OperatorBuildContext build_context(const PhysicalPlan& plan, TaskId task,
                                            const std::string& bootstrap_servers);

// One line per task: "name kind inputs -> outputs (partitioning)", for tests and --explain.
std::string describe(const PhysicalPlan& plan);

}  // namespace rivulet::runtime
