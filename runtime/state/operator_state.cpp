#include "runtime/state/operator_state.hpp"

#include <system_error>

namespace rivulet::runtime::state {

const char* to_string(graphs::StateBackend kind) {
  switch (kind) {
    case graphs::StateBackend::Memory:
      return "memory";
    case graphs::StateBackend::RocksDb:
      return "rocksdb";
  }
  return "?";
}

graphs::StateBackend state_backend_of(const std::vector<graphs::Graph>& graphs) {
  for (const graphs::Graph& graph : graphs) {
    if (graph.runtime.state_backend != graphs::StateBackend::Memory) {
      return graph.runtime.state_backend;
    }
  }
  return graphs::StateBackend::Memory;
}

graphs::Status check_backend_of_state(const runtime::StateReader& reader, std::string_view node_id,
                                      graphs::StateBackend used, std::string_view memory_blob,
                                      std::string_view rocksdb_blob) {
  const bool rocksdb = used == graphs::StateBackend::RocksDb;
  if (!reader.has_blob(rocksdb ? memory_blob : rocksdb_blob)) return graphs::Ok{};
  const graphs::StateBackend found =
      rocksdb ? graphs::StateBackend::Memory : graphs::StateBackend::RocksDb;
  return graphs::Error{"node '" + std::string(node_id) +
                       "': the checkpoint holds its state from the " + to_string(found) +
                       " state backend, but the job uses the " + to_string(used) +
                       " backend; state cannot move between backends (run with runtime." +
                       "stateBackend " + to_string(found) + " to restore it)"};
}

graphs::Result<KeyedStateBackend*> OperatorStateBackend::get(std::string_view task_name) {
  if (backend_) return backend_.get();
  if (!uses_rocksdb()) {
    backend_ = make_memory_state_backend();
    return backend_.get();
  }
  if (!directory_) {
    directory_ = options_.directory;
    if (!directory_) {
      auto created = StateDirectory::create_temporary();
      if (!created) return graphs::Error{std::string(task_name) + ": " + created.error().message};
      directory_ = std::move(*created);
    }
  }
  instance_directory_ = directory_->instance_path(task_name);
  auto backend = make_rocksdb_state_backend(instance_directory_, options_.budget);
  if (!backend) {
    std::error_code ec;
    std::filesystem::remove_all(instance_directory_, ec);
    return graphs::Error{std::string(task_name) + ": " + backend.error().message};
  }
  backend_ = std::move(*backend);
  return backend_.get();
}

graphs::Result<KeyedStateBackend*> OperatorStateBackend::get(
    std::string_view task_name, std::initializer_list<StateDeclaration> states) {
  auto backend = get(task_name);
  if (!backend) return backend.error();
  for (const auto& [name, id] : states) {
    auto declared = (*backend)->declare_state(name);
    if (!declared) return declared.error();
    *id = *declared;
  }
  return backend;
}

void OperatorStateBackend::close() {
  backend_.reset();  // closes the database and releases its lock first
  if (!instance_directory_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(instance_directory_, ec);
    instance_directory_.clear();
  }
}

}  // namespace rivulet::runtime::state
