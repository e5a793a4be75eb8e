#pragma once
// Keyed state as ordered bytes behind one interface, with a memory and a RocksDB (larger than
// memory) implementation. Operators do not use it directly: they are written against the stores
// of entry_store.hpp and keyed_value_state.hpp, whose RocksDB implementation keeps evicted
// entries here (operator_state.hpp says how an instance gets its backend).
//
// Keys and values are bytes (std::string_view holds any bytes). State is organised in named
// states ("windows", "timers", ...) that an operator declares once; each gets a small id used
// on the hot path. Keys are ordered bytewise in both backends, so scan_prefix visits the same
// keys in the same order whichever backend runs: an operator that encodes its keys as
// <record key><big-endian window start> can walk all windows of one key in start order.
//
// A backend is used by one task thread at a time (like the operator that owns it).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::runtime::state {

using StateId = std::uint32_t;

class KeyedStateBackend {
 public:
  virtual ~KeyedStateBackend() = default;

  // Declares a named state (or returns the id it already has). Ids stay valid across
  // restore(); a state absent from the restored checkpoint is simply empty.
  virtual graphs::Result<StateId> declare_state(std::string_view name) = 0;

  // True and `value` filled when the key exists.
  virtual graphs::Result<bool> get(StateId state, std::string_view key, std::string& value) = 0;
  virtual graphs::Status put(StateId state, std::string_view key, std::string_view value) = 0;
  virtual graphs::Status remove(StateId state, std::string_view key) = 0;

  // Visits the keys starting with `prefix` in ascending bytewise order until `visit` returns
  // false. The views are valid during the call only; the visitor must not modify the backend.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  virtual graphs::Status scan_prefix(StateId state, std::string_view prefix,
                                     const Visitor& visit) = 0;
  // Removes every key starting with `prefix` (RocksDB: one range tombstone).
  virtual graphs::Status remove_prefix(StateId state, std::string_view prefix) = 0;
  // Visits the keys >= `from` in ascending bytewise order until `visit` returns false (a queue
  // ordered by key, e.g. timers keyed by big-endian time, is read from its known minimum).
  virtual graphs::Status scan_from(StateId state, std::string_view from, const Visitor& visit) = 0;

  // Groups the following put/remove/remove_prefix calls until commit_writes(), which applies
  // them at once (RocksDB: one WriteBatch, far cheaper than single writes). Until then reads
  // may or may not see them: use it for writes nothing reads before the commit. The memory
  // backend applies writes at once.
  virtual void begin_writes() {}
  virtual graphs::Status commit_writes() { return graphs::Ok{}; }

  // Writes all states into the task's part of a checkpoint (the memory backend a blob, RocksDB
  // a directory: StateWriter::reserve_directory).
  virtual graphs::Status snapshot(StateWriter& writer) = 0;
  // Replaces all states with the checkpoint's (empty when the task stored none there). On
  // error the backend is left empty, never half restored.
  virtual graphs::Status restore(StateReader& reader) = 0;
  // True when `reader` holds state this kind of backend wrote (restore would load it).
  virtual bool has_state(const StateReader& reader) const = 0;

  // Approximate bytes of memory the state occupies now (for metrics and tests).
  virtual std::uint64_t memory_usage_bytes() const = 0;
};

// Memory limits of the RocksDB backend (per task).
struct RocksDbBudget {
  std::uint64_t block_cache_bytes = 64ull << 20;
  std::uint64_t write_buffer_bytes = 16ull << 20;  // all memtables of the task together
  // Entries (windows, keys) an operator keeps resident in its typed structures between calls
  // (entry_store.hpp): hot keys and windows skip RocksDB; colder ones are evicted into it.
  std::size_t resident_entries = 1u << 18;
};

std::unique_ptr<KeyedStateBackend> make_memory_state_backend();
// One RocksDB database in `directory`, which is wiped first: the live database is a cache of
// the last restored checkpoint plus changes since, never a source of truth.
graphs::Result<std::unique_ptr<KeyedStateBackend>> make_rocksdb_state_backend(
    std::filesystem::path directory, RocksDbBudget budget = {});

// The backend the graph's runtime section asks for. RocksDB databases go to
// <working_dir>/<escaped task name>; the memory backend ignores working_dir.
graphs::Result<std::unique_ptr<KeyedStateBackend>> make_state_backend(
    const graphs::RuntimeConfig& config, std::string_view task_name,
    const std::filesystem::path& working_dir, RocksDbBudget budget = {});

}  // namespace rivulet::runtime::state
