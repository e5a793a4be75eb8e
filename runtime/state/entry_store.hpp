#pragma once
// The store behind every keyed stateful operator: entries (namespace, key) -> value bytes, each
// with at most one event-time timer, split between the operator and the store.
//
// The operator keeps its hot entries *resident* in its own typed structures (window_aggregate's
// slots and flat accumulator arrays, KeyedValueState's typed values): that is the whole state
// with the memory backend and a cache of hot keys and windows with RocksDB. An entry is the
// operator's while it is resident (whatever copy the store may keep of it is stale until it is
// written back) and the store's once evicted: `take` hands a stored entry to the operator,
// `put` hands an evicted one back (`release` when it is unchanged: the store's copy is current),
// `drop` says the operator removed one it held. So the operator runs one code path:
//   - a key or window it does not hold: take() it (absent: a new entry);
//   - an entry it removes (a window purged, a key expired): drop() it;
//   - after a call (a batch, a watermark): beyond resident_limit() entries, evict the coldest;
//   - a watermark: take_due() brings the stored entries whose timer is due, which then fire
//     from the operator's own timers like the resident ones;
//   - snapshot(): the store's entries plus the resident ones (visited through a callback).
// The memory store's resident limit is unlimited, so it never holds an entry between calls and
// take/take_due/drop do nothing (one virtual call); its snapshot serialises the resident
// entries into one blob and its restore hands them all back. The RocksDB store
// (rocksdb_entry_store.cpp) keeps evicted entries in RocksDB, writes one WriteBatch per call,
// finds absent ones through the Bloom filter without reading data blocks, keeps the copy of a
// taken entry (so evicting it again is one Put) and snapshots by writing the resident entries
// back before RocksDB's checkpoint.
//
// One EntryStore per operator instance. Checkpoints name their writer: a checkpoint of one
// backend is refused by the other with an error naming the node.

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "graphs/result.hpp"
#include "runtime/state/operator_state.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::runtime::state {

class EntryStore {
 public:
  // An entry without a timer.
  static constexpr std::int64_t kNoTimer = std::numeric_limits<std::int64_t>::max();
  static constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();

  using Visitor = std::function<void(std::int64_t ns, std::string_view key, std::string_view value,
                                     std::int64_t timer)>;
  // Calls `emit` once per resident entry of the owner.
  using ResidentEntries = std::function<void(const Visitor& emit)>;

  virtual ~EntryStore() = default;

  // How many entries the owner may keep resident after a call; it evicts (put) the coldest
  // beyond that. kUnlimited: keep everything.
  virtual std::size_t resident_limit() const = 0;

  // Moves the stored entry (ns, key) to the owner: true with its value and timer, false when
  // the store does not hold it.
  [[nodiscard]] virtual graphs::Result<bool> take(std::int64_t ns, std::string_view key,
                                                  std::string& value, std::int64_t& timer) = 0;
  // Stores an entry the owner evicts. Writes are grouped until commit(); a take() meanwhile
  // sees them.
  [[nodiscard]] virtual graphs::Status put(std::int64_t ns, std::string_view key,
                                           std::string_view value, std::int64_t timer) = 0;
  // The owner evicts the entry (ns, key) unchanged since take(): the store's copy is current.
  [[nodiscard]] virtual graphs::Status release(std::int64_t ns, std::string_view key) = 0;
  // The owner removed the entry (ns, key) it held: the store forgets any copy of it.
  [[nodiscard]] virtual graphs::Status drop(std::int64_t ns, std::string_view key) = 0;
  [[nodiscard]] virtual graphs::Status commit() = 0;

  // Moves stored entries whose timer is <= `time` to the owner, in (timer, ns, key) order, about
  // `limit` of them (whole groups of equal timers). Returns the time up to which every due
  // entry has been taken: `time` when all were, else the last timer taken; the owner fires its
  // resident timers up to that time and calls again, so output stays in timer order.
  [[nodiscard]] virtual graphs::Result<std::int64_t> take_due(std::int64_t time, std::size_t limit,
                                                              const Visitor& visit) = 0;

  // Entries the store holds (not counting the owner's resident ones).
  virtual std::uint64_t stored_entries() const = 0;

  // Writes the owner's `header` (its scalars and parameters), the stored and the resident
  // entries into the task's part of a checkpoint.
  [[nodiscard]] virtual graphs::Status snapshot(StateWriter& writer, std::string_view header,
                                                const ResidentEntries& resident) = 0;
  // Replaces the store's entries with the checkpoint's. `found` says whether it held this
  // operator's state at all; `header` gets what snapshot was given; the entries that must
  // become resident are visited (the memory store: all; RocksDB: none, they are taken lazily).
  // A checkpoint written by the other backend kind is refused, naming the node.
  [[nodiscard]] virtual graphs::Status restore(StateReader& reader, bool& found,
                                               std::string& header, const Visitor& resident) = 0;

  // The backend, for tests that look at it (null for the memory store).
  virtual KeyedStateBackend* keyed_backend() const { return nullptr; }
};

// Where an operator's EntryStore comes from: the node (for messages), the instance's backend
// (RocksDB: its database and directory) and the operator's state name, which names its blobs.
struct EntryStoreOptions {
  std::string node_id;
  std::string task_name;
  std::string name;  // "window_aggregate", "dedup", ...
};

// The store the backend's kind asks for (the one place that looks at the kind).
[[nodiscard]] graphs::Result<std::unique_ptr<EntryStore>> make_entry_store(
    OperatorStateBackend& backend, const EntryStoreOptions& options);

std::unique_ptr<EntryStore> make_memory_entry_store(const EntryStoreOptions& options);
[[nodiscard]] graphs::Result<std::unique_ptr<EntryStore>> make_rocksdb_entry_store(
    KeyedStateBackend& backend, const EntryStoreOptions& options, std::size_t resident_limit);

// Entries (resident and stored) in the task's part of a checkpoint, either backend, without
// decoding any operator's values (tools, benchmarks). No state of that name reads as 0.
[[nodiscard]] graphs::Result<std::uint64_t> entries_in_checkpoint(StateReader& reader,
                                                                  std::string_view name);

}  // namespace rivulet::runtime::state
