#pragma once
// Keyed state behind one interface, so an operator's state can live in memory or in RocksDB
// (larger than memory) without the operator knowing which.
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

namespace rivulet::runtime::checkpoint {
class TaskStateWriter;
class TaskStateReader;
}  // namespace rivulet::runtime::checkpoint

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

  // Writes all states into the task's part of a checkpoint.
  virtual graphs::Status snapshot(checkpoint::TaskStateWriter& writer) = 0;
  // Replaces all states with the checkpoint's (empty when the task stored none there). On
  // error the backend is left empty, never half restored.
  virtual graphs::Status restore(checkpoint::TaskStateReader& reader) = 0;

  // Approximate bytes of memory the state occupies now (for metrics and tests).
  virtual std::uint64_t memory_usage_bytes() const = 0;
};

// Memory limits of the RocksDB backend (per task).
struct RocksDbBudget {
  std::uint64_t block_cache_bytes = 64ull << 20;
  std::uint64_t write_buffer_bytes = 16ull << 20;  // all memtables of the task together
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
