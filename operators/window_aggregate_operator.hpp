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
// State: the windows it works on are resident in typed structures (WindowStore slots, flat
// accumulator arrays, a timer heap), whichever backend the job uses; they sit in a
// runtime::state::EntryStore (entry_store.hpp), one entry per window (tumbling, sliding:
// namespace = window start) or per key with all its sessions (the session assigner must see a
// key's sessions together). With the memory backend every window stays resident; with RocksDB
// the windows beyond the store's resident limit are evicted after a call, least recently used
// first, and a window the operator does not hold is taken back from the store when a record or
// its timer needs it. A checkpoint restores only into the backend kind that wrote it.

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
#include "runtime/state/entry_store.hpp"
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
  // Windows held: resident plus stored entries (sessions: a stored entry is a key's sessions).
  std::size_t live_windows() const {
    return store_.live_windows() + (entries_ ? entries_->stored_entries() : 0);
  }
  std::size_t resident_windows() const { return store_.live_windows(); }
  std::size_t live_keys() const { return keys_.live_keys(); }
  // The RocksDB backend, once created (null with the memory backend or after close()).
  runtime::state::KeyedStateBackend* state_backend() const {
    return entries_ ? entries_->keyed_backend() : nullptr;
  }

  // The state's name in checkpoints (entry_store_blobs.hpp names the blobs after it).
  static constexpr const char* kStateName = "window_aggregate";

  // The entries an instance held in a checkpoint (its StateReader there), either backend, for
  // tools and benchmarks: windows (tumbling, sliding) or keys with sessions. No
  // window_aggregate state at all reads as 0.
  static graphs::Result<std::uint64_t> windows_in_checkpoint(runtime::StateReader& reader);

 private:
  // A restored entry that waits for open() (keys and accumulators are bound there).
  struct PendingEntry {
    std::int64_t ns;
    std::int64_t timer;
    std::string key;
    std::string value;
  };

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
  void fire_due(std::int64_t until, runtime::Collector& out);
  void drop_entry_of(std::uint32_t slot);
  bool is_late(std::int64_t end) const {
    return windows::purge_time(end, options_.window.allowed_lateness) <= watermark_;
  }
  void reset_state();
  std::string header() const;
  graphs::Status check_header(keyed::ByteReader& r) const;

  // ---- the entry store ----
  graphs::Status store_ready();
  bool session() const { return options_.window.kind == windows::WindowKind::Session; }
  // Takes the stored entry (ns, key) back into slots: the window of `start` (kNone if the
  // store holds none), or every session of the key.
  std::uint32_t take_window(std::uint32_t key, std::int64_t start);
  // The window of (key, start) the operator does not hold: taken from the store or new.
  [[gnu::noinline]] std::uint32_t open_window(std::uint32_t key, std::int64_t start,
                                              std::int64_t end);
  void take_sessions(std::uint32_t key);
  // Decodes an entry's windows into fresh slots of `key`; the last slot, kNone if corrupt.
  std::uint32_t load_entry(std::uint32_t key, std::string_view value);
  // An entry's value: u32 windows, per window i64 start, i64 end, u8 flags, i64 timer, the
  // accumulators' slot state. Returns the earliest timer.
  std::int64_t encode_window(std::uint32_t slot);
  std::int64_t encode_sessions(std::uint32_t key);
  void visit_resident(const runtime::state::EntryStore::Visitor& emit);
  // Evicts the least recently used entries beyond the store's resident limit, then commits.
  void end_call();

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

  runtime::state::OperatorStateBackend backend_;
  std::unique_ptr<runtime::state::EntryStore> entries_;
  std::vector<PendingEntry> pending_restore_;  // restored before open()
  std::string pending_header_;
  bool restore_pending_ = false;
  std::uint64_t call_ = 0;               // calls so far, for least recently used eviction
  std::vector<std::uint64_t> last_use_;  // by slot: the call that last used the window
  bool evicts_ = false;                  // the store has a resident limit
  std::string value_buffer_;
  keyed::ByteWriter value_writer_;
};

}  // namespace rivulet::operators
