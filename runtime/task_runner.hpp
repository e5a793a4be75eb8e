#pragma once
// The engine of one operator task, free of CAF: input gate -> operator -> output gate, with
// watermark merging, barrier alignment and end-of-stream handling. The task actor
// (task_actor.cpp) only feeds it messages; tests can drive it directly.
//
// Backpressure: drain() processes queued input only while the output gate has capacity. When
// an output channel runs out of credit the task stops draining, its input queues fill up to
// the credit window, no credit goes upstream, and the upstream task stops in turn.

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/backpressure_clock.hpp"
#include "runtime/input_gate.hpp"
#include "runtime/operator.hpp"
#include "runtime/output_gate.hpp"
#include "runtime/task_spec.hpp"
#include "runtime/watermark_merger.hpp"

namespace rivulet::runtime {

OperatorContext make_operator_context(const TaskSpec& spec, TaskMetrics& metrics);

// Opens a task's operator (Operator or SourceOperator): exceptions and errors become one
// Error prefixed with the task name; on success the task is marked Running.
template <class Op>
graphs::Status open_operator(Op& op, const TaskSpec& spec, TaskMetrics& metrics) {
  try {
    auto status = op.open(make_operator_context(spec, metrics));
    if (!status) return graphs::Error{spec.name + ": open failed: " + status.error().message};
  } catch (const std::exception& e) {
    return graphs::Error{spec.name + ": open failed: " + e.what()};
  }
  metrics.state.store(TaskState::Running, std::memory_order_relaxed);
  return graphs::Ok{};
}

// Writes `op`'s state for checkpoint `checkpoint_id` through the transport's store. False: the
// store no longer takes that checkpoint (timed out or aborted), so the task declines it (no
// ack); an error: the snapshot failed, which fails the task.
template <class Op>
graphs::Result<bool> write_snapshot(Op& op, Transport& transport, std::uint64_t checkpoint_id) {
  auto writer = transport.checkpoint_writer(checkpoint_id);
  if (!writer) return false;
  auto status = op.snapshot(checkpoint_id, **writer);
  if (!status) return graphs::Error{"snapshot failed: " + status.error().message};
  writer->reset();  // the state is complete once its writer is gone, before the ack
  return true;
}

class TaskRunner {
 public:
  TaskRunner(const TaskSpec& spec, std::unique_ptr<Operator> op, Transport& transport,
             std::shared_ptr<TaskMetrics> metrics);
  ~TaskRunner();

  graphs::Status open();
  // Queue a message from an upstream channel (then call drain()).
  graphs::Status on_message(StreamMessage&& message);
  void on_credit(const CreditGrant& grant);
  // Processes queued input while the outputs have capacity. An error means the operator
  // failed; the task must stop.
  graphs::Status drain();
  // Checkpoint `checkpoint_id` is durable: the operator's commit phase. An error (the operator
  // threw) means the task must stop.
  graphs::Status on_checkpoint_complete(std::uint64_t checkpoint_id);
  // The task ended (see finished()); the coordinator takes a checkpoint no barrier can bring.
  graphs::Status snapshot_ended(std::uint64_t checkpoint_id);
  // End of stream reached on every input and forwarded; all output delivered.
  bool finished() const { return ended_ && output_.drained(); }
  // Closes the operator (once); a coordinated task does so on FinishTask, others on finishing.
  void close();
  const TaskMetrics& metrics() const { return *metrics_; }

 private:
  void handle(InputEvent& event);
  void on_data(std::uint32_t channel, const BatchPtr& batch);
  void on_watermark_advanced(std::optional<std::int64_t> watermark);
  void on_barrier(std::uint32_t channel, const CheckpointBarrier& barrier);
  void on_end_of_stream(std::uint32_t channel);
  void complete_alignment_if_ready();

  TaskSpec spec_;
  std::unique_ptr<Operator> op_;
  Transport& transport_;
  std::shared_ptr<TaskMetrics> metrics_;
  InputGate input_;
  OutputGate output_;
  WatermarkMerger watermarks_;
  BackpressureClock backpressure_;
  IdleClock idle_;
  std::vector<bool> ended_channels_;
  std::size_t open_channels_;
  std::optional<CheckpointBarrier> aligning_;             // barrier being aligned, if any
  std::chrono::steady_clock::time_point aligning_since_;  // its first barrier's arrival
  std::vector<bool> barrier_seen_;
  bool ended_ = false;
  bool closed_ = false;
  // The newest checkpoint snapshotted: a SnapshotEnded that crossed our own ack is ignored.
  std::uint64_t last_snapshot_ = 0;
};

}  // namespace rivulet::runtime
