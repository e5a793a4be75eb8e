#pragma once
// The operator interface: all the runtime knows about operators (operators/ implements it).
//
// A task actor hosts one operator instance and calls it from one thread at a time, so
// operators need no locking. Batches are immutable and shared: an operator that passes its
// input through unchanged emits the same BatchPtr (no copy). Operators may throw from
// process/on_watermark/on_end_of_input; the task catches it and fails with the message —
// exceptions never leave the task actor.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/record_batch.hpp"
#include "runtime/record_counters.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::runtime {

struct OperatorContext {
  std::string task_name;  // "<node id>#<subtask>", for messages and metrics
  std::uint32_t subtask_index = 0;
  std::uint32_t parallelism = 1;
  std::vector<SchemaPtr> input_schemas;   // by input port
  std::vector<SchemaPtr> output_schemas;  // by output port
  // Where the operator counts late records, dead letters, skipped records and Kafka lag; owned
  // by the task's metrics and valid while the operator is open. Null in tests that pass none.
  RecordCounters* counters = nullptr;
};

// Where an operator puts its output. The runtime's implementation partitions each batch over
// the downstream channels of the port (forward / hash / broadcast / rebalance).
class Collector {
 public:
  virtual ~Collector() = default;
  virtual void emit(std::size_t output_port, BatchPtr batch) = 0;
  void emit(BatchPtr batch) { emit(0, std::move(batch)); }
  // False while some downstream channel is out of credit and its local buffer is full; the
  // task then stops consuming input (and so stops granting credit upstream).
  virtual bool has_capacity() const = 0;
};

// Sources additionally generate watermarks and idleness (per partition, merged by the source).
class SourceCollector : public Collector {
 public:
  virtual void emit_watermark(std::int64_t watermark_ms) = 0;
  virtual void mark_idle(bool idle) = 0;
};

class Operator {
 public:
  virtual ~Operator() = default;
  virtual graphs::Status open(const OperatorContext& /*context*/) { return graphs::Ok{}; }
  // One input batch from input port `input`.
  virtual void process(std::size_t input, const BatchPtr& batch, Collector& out) = 0;
  // The task's watermark (minimum over its active inputs) advanced to `watermark_ms`. The
  // runtime forwards the watermark downstream after this returns, so output emitted here
  // (e.g. fired windows) precedes it.
  virtual void on_watermark(std::int64_t /*watermark_ms*/, Collector& /*out*/) {}
  // Every input reached end of stream; flush what is left.
  virtual void on_end_of_input(Collector& /*out*/) {}
  // Called when barrier `checkpoint_id` is aligned on all inputs, before it is forwarded.
  virtual graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, StateWriter& /*writer*/) {
    return graphs::Ok{};
  }
  virtual graphs::Status restore(StateReader& /*reader*/) { return graphs::Ok{}; }
  // Checkpoint `checkpoint_id` completed on every task and is durable: the second phase of a
  // two-phase commit (a transactional sink commits the transaction it prepared at snapshot).
  virtual void on_checkpoint_complete(std::uint64_t /*checkpoint_id*/) {}
  // Non-empty: why this operator cannot run without checkpoints (e.g. a transactional sink
  // that publishes on checkpoint completion); the job refuses to start without a store.
  virtual std::string checkpoint_requirement() const { return {}; }
  virtual void close() {}
};

class SourceOperator {
 public:
  virtual ~SourceOperator() = default;
  virtual graphs::Status open(const OperatorContext& /*context*/) { return graphs::Ok{}; }
  // Emits up to `max_batches` batches (plus any watermarks). Runs on the source's own thread,
  // so it may block briefly (e.g. a Kafka poll timeout); it is only called with capacity.
  virtual void poll(SourceCollector& out, std::size_t max_batches) = 0;
  // False once the source is exhausted (bounded sources); the task then ends the stream.
  virtual bool has_more() const = 0;
  // Output capacity ran out (false) or came back (true): a Kafka source pauses / resumes its
  // partitions here so the broker, not our memory, holds the backlog.
  virtual void on_capacity(bool /*available*/) {}
  // Source state is its read position (Kafka offsets), taken when the barrier is injected.
  virtual graphs::Status snapshot(std::uint64_t /*checkpoint_id*/, StateWriter& /*writer*/) {
    return graphs::Ok{};
  }
  virtual graphs::Status restore(StateReader& /*reader*/) { return graphs::Ok{}; }
  // See Operator::on_checkpoint_complete (sources commit offsets to the group for monitoring).
  virtual void on_checkpoint_complete(std::uint64_t /*checkpoint_id*/) {}
  virtual void close() {}
};

}  // namespace rivulet::runtime
