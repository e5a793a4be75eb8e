// Chooses the keyed state backend the graph's runtime section names.

#include "runtime/checkpoint/names.hpp"
#include "runtime/state/keyed_state_backend.hpp"

namespace rivulet::runtime::state {

graphs::Result<std::unique_ptr<KeyedStateBackend>> make_state_backend(
    const graphs::RuntimeConfig& config, std::string_view task_name,
    const std::filesystem::path& working_dir, RocksDbBudget budget) {
  switch (config.state_backend) {
    case graphs::StateBackend::Memory:
      return make_memory_state_backend();
    case graphs::StateBackend::RocksDb:
      if (working_dir.empty()) {
        return graphs::Error{"the RocksDB state backend needs a working directory (task " +
                             std::string(task_name) + ")"};
      }
      return make_rocksdb_state_backend(working_dir / checkpoint::escape_name(task_name), budget);
  }
  return graphs::Error{"unknown state backend"};
}

}  // namespace rivulet::runtime::state
