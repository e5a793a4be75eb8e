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

namespace rivulet::operators {

struct WindowAggregateOptions {
  windows::WindowSpec window;
  std::vector<std::string> key_fields;  // empty: one global window per window range
  std::vector<graphs::expr::Aggregate> aggregates;
  std::size_t output_batch_rows = 1024;
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

  const WindowAggregateStats& stats() const { return stats_; }
  std::size_t live_windows() const { return store_.live_windows(); }
  std::size_t live_keys() const { return keys_.live_keys(); }

  // Blob name used in snapshots.
  static constexpr const char* kStateBlob = "window_aggregate";

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

  std::unique_ptr<runtime::BatchBuilder> output_;
  WindowAggregateStats stats_;
};

}  // namespace rivulet::operators
