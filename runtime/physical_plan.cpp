#include "runtime/physical_plan.hpp"

#include <sstream>

namespace rivulet::runtime {

std::vector<TaskId> PhysicalPlan::spawn_order() const {
  std::vector<TaskId> order;
  order.reserve(tasks.size());
  for (auto node = nodes.rbegin(); node != nodes.rend(); ++node) {
    if (node->source) continue;
    order.insert(order.end(), node->tasks.begin(), node->tasks.end());
  }
  for (auto node = nodes.rbegin(); node != nodes.rend(); ++node) {
    if (node->source) order.insert(order.end(), node->tasks.begin(), node->tasks.end());
  }
  return order;
}

runtime::OperatorBuildContext build_context(const PhysicalPlan& plan, TaskId task,
                                            const std::string& bootstrap_servers) {
  const PlannedTask& planned_task = plan.tasks[task];
  const PlannedNode& node = plan.nodes[planned_task.node];
  return runtime::OperatorBuildContext{
      plan.node_of(node),
      node.spec,
      node.input_schemas,
      node.output_schemas,
      node.input_keys,
      planned_task.spec.subtask_index,
      planned_task.spec.parallelism,
      bootstrap_servers,
      {},
      plan.file_root,
      plan.credentials_dir,
  };
}

std::string describe(const PhysicalPlan& plan) {
  std::ostringstream out;
  for (const PlannedTask& task : plan.tasks) {
    const PlannedNode& node = plan.nodes[task.node];
    out << task.spec.name << " [" << node.spec.kind << "] in=" << task.spec.inputs.size();
    std::size_t target = 0;
    for (const OutputEdgeSpec& edge : task.spec.outputs) {
      out << " | " << node.spec.outputs[edge.output_port].name << " "
          << graphs::to_string(edge.partitioning);
      if (!edge.key_columns.empty()) {
        out << "(";
        for (std::size_t k = 0; k < edge.key_columns.size(); ++k) {
          out << (k ? "," : "") << node.output_schemas[edge.output_port][edge.key_columns[k]].name;
        }
        out << ")";
      }
      out << " ->";
      for (std::size_t c = 0; c < edge.channels.size(); ++c, ++target) {
        out << " " << plan.tasks[task.targets[target]].spec.name;
      }
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace rivulet::runtime
