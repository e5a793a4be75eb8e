#pragma once
// The window_aggregate operator (spec and factory: window_aggregate.cpp). Flink's event-time
// window semantics on columnar batches:
//  - each row goes to its key's tumbling / sliding / session windows ([start, end), aligned to
//    the epoch); a window fires when the watermark reaches end - 1, emitting one row: key
//    fields, window_start, window_end, the aggregates, with event time end - 1;
//  - a window keeps its state until the watermark reaches end - 1 + allowed_lateness; a late
//    record in that span updates the window and the window's row is emitted again (an update:
//    same keys, window_start and window_end, newer aggregates; counted in stats().updates). A
//    batch that brings several late records to one window emits one update for them;
//  - a record all of whose windows are past that point goes to output port 1 ("late")
//    unchanged; windows without records emit nothing; end of input fires everything.
//
// Hot path per batch: key ids for all rows (windows/window_keys), then per row a window lookup
// that appends (row, slot) pairs, then one accumulator call per aggregate over all pairs.
//
// State backends (WindowAggregateOptions::state_backend):
//  - memory: every window stays in the typed in-memory structures (WindowStore slots, flat
//    accumulator arrays, a timer heap); a snapshot is the blob kStateBlob.
//  - RocksDB: windows live in the instance's KeyedStateBackend, so state may exceed memory.
//    State "windows": <u32 length><key bytes><sortable start> -> flags, end, timer time, each
//    accumulator's slot state; state "timers": <sortable time><u32 length><key bytes>
//    <sortable start> -> empty, read from their known minimum as the watermark advances. The
//    in-memory structures serve as the working set of one call: the windows a batch touches
//    are loaded into slots (sessions: all of a key's sessions), the same columnar code runs,
//    and every slot is written back and evicted before the call returns. A snapshot is the
//    blob kRocksDbStateBlob (parameters, watermark) plus RocksDB's checkpoint.
// A checkpoint restores only into the backend kind that wrote it (a clear error otherwise).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graphs/expr/check.hpp"
#include "operators/aggregates/accumulator.hpp"
#include "operators/aggregates/argument_source.hpp"
#include "operators/windows/window_assigner.hpp"
#include "operators/windows/window_keys.hpp"
#include "operators/windows/window_store.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/operator.hpp"
#include "runtime/state/operator_state.hpp"

namespace rivulet::operators {

struct WindowAggregateOptions {
  windows::WindowSpec window;
  std::vector<std::string> key_fields;  // empty: one global window per window range
  std::vector<graphs::expr::Aggregate> aggregates;
  std::size_t output_batch_rows = 1024;
  // For messages and the state backend's directory (the factory fills them).
  std::string node_id = "window_aggregate";
  std::string task_name = "window_aggregate#0";
  runtime::state::StateBackendOptions state_backend{};
};

struct WindowAggregateStats {
  std::uint64_t rows_emitted = 0;     // every output row, first results and updates
  std::uint64_t updates_emitted = 0;  // rows re-emitting a window after late records
  std::uint64_t late_records = 0;     // rows sent to the late output
};

class WindowAggregateOperator final : public runtime::Operator {
 public:
  explicit WindowAggregateOperator(WindowAggregateOptions options);

  graphs::Status open(const runtime::OperatorContext& context) override;
  void process(std::size_t input, const runtime::BatchPtr& batch, runtime::Collector& out) override;
  void on_watermark(std::int64_t watermark_ms, runtime::Collector& out) override;
  void on_end_of_input(runtime::Collector& out) override;
  graphs::Status snapshot(std::uint64_t checkpoint_id, runtime::StateWriter& writer) override;
  graphs::Status restore(runtime::StateReader& reader) override;
  void close() override;

  const WindowAggregateStats& stats() const { return stats_; }
  // Windows held (in memory, or in RocksDB plus the current working set).
  std::size_t live_windows() const { return store_.live_windows() + stored_windows_; }
  std::size_t live_keys() const { return keys_.live_keys(); }
  // The RocksDB backend, once created (null with the memory backend).
  runtime::state::KeyedStateBackend* state_backend() const { return db_; }

  // Blob names used in snapshots: all state (memory backend); parameters and scalars next to
  // RocksDB's checkpoint (RocksDB backend).
  static constexpr const char* kStateBlob = "window_aggregate";
  static constexpr const char* kRocksDbStateBlob = "window_aggregate.rocksdb";

  // The windows an instance held in a checkpoint (its StateReader there), either backend, for
  // tools and benchmarks, so nothing outside this operator decodes its state layout. No
  // window_aggregate state at all reads as 0.
  static graphs::Result<std::uint64_t> windows_in_checkpoint(runtime::StateReader& reader);

 private:
  std::uint32_t create_window(std::uint32_t key, std::int64_t start, std::int64_t end,
                              bool session);
  void adopt_window(std::uint32_t slot);
  void remove_window(std::uint32_t slot);
  void merge_windows(std::uint32_t into, std::uint32_t from);
  void flush_pending();
  void touch(std::uint32_t slot);
  void emit_touched(runtime::Collector& out);
  void append_result(std::uint32_t slot);
  void flush_output(runtime::Collector& out, bool force);
  void emit_late(const runtime::BatchPtr& batch, runtime::Collector& out);
  bool is_late(std::int64_t end) const {
    return windows::purge_time(end, options_.window.allowed_lateness) <= watermark_;
  }
  void reset_state();
  void schedule(std::uint32_t slot, std::int64_t time);
  void write_header(keyed::ByteWriter& w) const;
  graphs::Status check_header(keyed::ByteReader& r) const;
  graphs::Status restore_blob(std::span<const std::byte> blob);

  // ---- RocksDB backend ----
  bool rocks() const { return options_.state_backend.kind == graphs::StateBackend::RocksDb; }
  graphs::Status rocks_ready();
  void rocks_slot_info(std::uint32_t slot);
  std::uint32_t rocks_lookup(std::uint32_t key, std::int64_t start);
  void rocks_load_sessions(std::uint32_t key);
  std::uint32_t rocks_load(std::uint32_t key, std::int64_t start, std::string_view value,
                           bool session);
  void rocks_write_back(std::uint32_t slot);
  void rocks_write_back_all();
  void rocks_on_watermark(runtime::Collector& out);
  std::string& window_key(std::string_view key_bytes, std::int64_t start);
  std::string& timer_key(std::int64_t due, std::string_view key_bytes, std::int64_t start);

  WindowAggregateOptions options_;
  runtime::SchemaPtr input_schema_;
  runtime::SchemaPtr output_schema_;
  std::size_t first_aggregate_column_ = 0;
  std::int64_t watermark_ = windows::kMinTime;

  windows::WindowKeys keys_;
  windows::WindowStore store_;
  std::vector<std::unique_ptr<aggregates::Accumulator>> accumulators_;
  std::vector<std::unique_ptr<aggregates::ArgumentSource>> arguments_;
  std::size_t accumulator_capacity_ = 0;

  // Per-batch scratch, reused so that steady state allocates nothing.
  std::vector<std::uint32_t> key_ids_;
  std::vector<aggregates::ArgumentView> views_;
  std::vector<std::uint32_t> pending_rows_;
  std::vector<std::uint32_t> pending_slots_;
  std::vector<std::uint32_t> touched_;
  std::vector<std::uint32_t> late_rows_;
  runtime::RecordCounters* counters_ = nullptr;  // the task's, shown by the runtime

  std::unique_ptr<runtime::BatchBuilder> output_;
  WindowAggregateStats stats_;
  std::vector<std::byte> pending_restore_;  // a memory-backend blob restored before open()

  runtime::state::OperatorStateBackend backend_;
  runtime::state::KeyedStateBackend* db_ = nullptr;
  runtime::state::StateId windows_state_ = 0;
  runtime::state::StateId timers_state_ = 0;
  std::int64_t timer_floor_ = windows::kMinTime;  // no stored timer is earlier
  std::int64_t timers_added_min_ = windows::kMaxTime;
  std::size_t stored_windows_ = 0;
  // Working-set slots: whether the window has a stored entry, its stored start and timer, and
  // the timer it needs now (WindowStore::kNever: none).
  std::vector<std::uint8_t> slot_stored_;
  std::vector<std::int64_t> slot_stored_start_;
  std::vector<std::int64_t> slot_stored_due_;
  std::vector<std::int64_t> slot_due_;
  std::vector<std::uint8_t> key_loaded_;  // by key id: its sessions are in the working set
  std::vector<std::uint32_t> loaded_keys_;
  std::vector<std::string> deletions_;  // window entries to delete at write-back
  std::vector<std::string> timer_deletions_;
  std::string key_buffer_;
  std::string timer_buffer_;
  std::string value_buffer_;
  keyed::ByteWriter value_writer_;
};

}  // namespace rivulet::operators
