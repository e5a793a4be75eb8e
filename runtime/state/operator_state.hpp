#pragma once
// How a stateful operator instance gets its keyed state backend.
//
// The job chooses the backend kind (the graph's runtime.stateBackend) and hands every operator
// factory a StateBackendOptions (operators/operator_factory.hpp, OperatorBuildContext). Each
// instance owns one OperatorStateBackend, which creates its backend on first use — a RocksDB
// database in a directory of its own under the job's StateDirectory — and deletes that
// directory when the operator closes or is destroyed.
//
// Operators never ask which kind they got: they hand their OperatorStateBackend to a store
// (make_entry_store in entry_store.hpp, KeyedValueState in keyed_value_state.hpp), which is the
// one place that picks the memory or the RocksDB implementation by kind(). Both keep the hot
// path typed: the operator's resident entries are its own typed structures; with RocksDB the
// store evicts the cold ones into this backend.

#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "runtime/state/keyed_state_backend.hpp"
#include "runtime/state/state_directory.hpp"

namespace rivulet::runtime::state {

struct StateBackendOptions {
  graphs::StateBackend kind = graphs::StateBackend::Memory;
  // RocksDB: the job's working directory (each instance takes a subdirectory); null: a fresh
  // temporary directory per instance.
  std::shared_ptr<StateDirectory> directory;
  RocksDbBudget budget;
};

const char* to_string(graphs::StateBackend kind);

// The backend of the first graph that sets a non-default one (memory otherwise).
graphs::StateBackend state_backend_of(const std::vector<graphs::Graph>& graphs);

// For restore(): an error naming the node if `reader` holds this operator's state as the other
// backend kind wrote it (`memory_blob` for memory, `rocksdb_blob` for RocksDB); state cannot
// move between backends.
graphs::Status check_backend_of_state(const runtime::StateReader& reader, std::string_view node_id,
                                      graphs::StateBackend used, std::string_view memory_blob,
                                      std::string_view rocksdb_blob);

class OperatorStateBackend {
 public:
  explicit OperatorStateBackend(StateBackendOptions options = {}) : options_(std::move(options)) {}
  ~OperatorStateBackend() { close(); }
  OperatorStateBackend(const OperatorStateBackend&) = delete;
  OperatorStateBackend& operator=(const OperatorStateBackend&) = delete;

  graphs::StateBackend kind() const { return options_.kind; }
  bool uses_rocksdb() const { return options_.kind == graphs::StateBackend::RocksDb; }
  const RocksDbBudget& budget() const { return options_.budget; }

  // The backend (created on the first call; `task_name` names its directory and messages).
  graphs::Result<KeyedStateBackend*> get(std::string_view task_name);
  // The same with the operator's named states declared, each id written where its pointer
  // says (declaring is idempotent: every call yields the same ids).
  using StateDeclaration = std::pair<std::string_view, StateId*>;
  graphs::Result<KeyedStateBackend*> get(std::string_view task_name,
                                         std::initializer_list<StateDeclaration> states);
  KeyedStateBackend* created() const { return backend_.get(); }
  // Destroys the backend and removes its directory; get() creates a fresh one afterwards.
  void close();

 private:
  StateBackendOptions options_;
  std::unique_ptr<KeyedStateBackend> backend_;
  std::shared_ptr<StateDirectory> directory_;  // keeps the job's directory alive
  std::filesystem::path instance_directory_;
};

}  // namespace rivulet::runtime::state
