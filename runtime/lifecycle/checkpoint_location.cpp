#include "runtime/lifecycle/checkpoint_location.hpp"

namespace rivulet::runtime::lifecycle {

CheckpointLocation choose_checkpoint_location(const std::string& checkpoint_dir_flag,
                                              const std::vector<graphs::Graph>& graphs,
                                              bool embedded_broker) {
  if (!checkpoint_dir_flag.empty()) return {checkpoint_dir_flag, false, ""};
  const graphs::Graph* with_directory = nullptr;
  bool wants_checkpoints = false;
  for (const graphs::Graph& graph : graphs) {
    if (!with_directory && !graph.runtime.checkpoint_directory.empty()) with_directory = &graph;
    if (graph.runtime.checkpoint_interval_ms > 0) wants_checkpoints = true;
  }
  if (with_directory && !embedded_broker) {
    return {with_directory->runtime.checkpoint_directory, false, ""};
  }
  if (!with_directory && !wants_checkpoints) return {};
  CheckpointLocation location;
  location.temporary = true;
  if (with_directory) {
    location.note = "checkpoints of this run go to a temporary directory, not '" +
                    with_directory->runtime.checkpoint_directory +
                    "': the embedded broker starts empty, so a later run could not resume from "
                    "them (use --checkpoint-dir to keep them anyway)";
  }
  return location;
}

}  // namespace rivulet::runtime::lifecycle
