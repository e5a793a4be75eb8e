#pragma once
// The engine of one source task, free of CAF: polls the SourceOperator only while its outputs
// have capacity, tells it when capacity has been gone for ChannelConfig::pause_after_ms and
// when it returns after that (so Kafka partitions get paused only for a real stall; the task
// asks on_capacity_timeout() when the time is up),
// injects checkpoint barriers, and ends the stream when the source is exhausted or stopped.
// The watermark the source emits (its own merge over partitions, e.g. the Kafka source's
// minimum over its active partitions) is recorded in TaskMetrics::watermark_ms as it goes out;
// after the end of stream it reads kMaxWatermark, as an operator task's does.

#include <chrono>
#include <memory>
#include <optional>

#include "graphs/result.hpp"
#include "runtime/backpressure_clock.hpp"
#include "runtime/operator.hpp"
#include "runtime/output_gate.hpp"
#include "runtime/task_spec.hpp"

namespace rivulet::runtime {

class SourceRunner {
 public:
  enum class Step {
    Continue,       // call step() again
    WaitForCredit,  // no capacity (or end of stream not yet delivered): wait for a CreditGrant
    Finished,       // end of stream delivered; the task may exit
  };

  SourceRunner(const TaskSpec& spec, std::unique_ptr<SourceOperator> op, Transport& transport,
               std::shared_ptr<TaskMetrics> metrics);
  ~SourceRunner();

  graphs::Status open();
  graphs::Result<Step> step();
  // Returns true when output capacity came back (the caller should resume stepping).
  bool on_credit(const CreditGrant& grant);
  // After a step() that ran out of capacity: how long the task should wait before calling
  // on_capacity_timeout(starvation()), or nullopt when there is nothing to wait for (the
  // operator was told already, or capacity is there).
  std::optional<std::chrono::milliseconds> capacity_timeout() const;
  // Which shortage of capacity this is (a timeout armed for an earlier one is stale).
  std::uint64_t starvation() const { return starvation_; }
  // The wait asked for by capacity_timeout() is over: if that shortage still lasts, the
  // operator is told now.
  void on_capacity_timeout(std::uint64_t starvation);
  // `halt_after`: stop with savepoint, nothing is produced after the barrier until resume().
  graphs::Status inject_barrier(const CheckpointBarrier& barrier, bool halt_after = false);
  // The source ended (see finished()); the coordinator takes a checkpoint of its final read
  // position. Same as a barrier injected after the end of stream.
  graphs::Status snapshot_ended(std::uint64_t checkpoint_id);
  void resume() { halted_ = false; }
  bool halted() const { return halted_; }
  // Closes the operator (once); a coordinated source does so on FinishTask.
  void close();
  // Checkpoint `checkpoint_id` is durable (the operator commits offsets for monitoring).
  graphs::Status on_checkpoint_complete(std::uint64_t checkpoint_id);
  void request_stop() { stop_requested_ = true; }
  bool finished() const { return ended_ && output_.drained(); }
  bool has_capacity() const { return output_.has_capacity(); }

 private:
  void end_stream();
  void tell_no_capacity();

  // What the operator polls into: the output gate, with the emitted watermark recorded in the
  // metrics on its way (one comparison per watermark; batches pass straight through).
  class RecordingCollector final : public SourceCollector {
   public:
    RecordingCollector(OutputGate& gate, TaskMetrics& metrics) : gate_(gate), metrics_(metrics) {}
    void emit(std::size_t output_port, BatchPtr batch) override {
      gate_.emit(output_port, std::move(batch));
    }
    using Collector::emit;
    bool has_capacity() const override { return gate_.has_capacity(); }
    void emit_watermark(std::int64_t watermark_ms) override;
    void mark_idle(bool idle) override { gate_.mark_idle(idle); }

   private:
    OutputGate& gate_;
    TaskMetrics& metrics_;
  };

  TaskSpec spec_;
  std::unique_ptr<SourceOperator> op_;
  Transport& transport_;
  std::shared_ptr<TaskMetrics> metrics_;
  OutputGate output_;
  RecordingCollector collector_;
  BackpressureClock backpressure_;
  IdleClock idle_;
  bool stop_requested_ = false;
  // Shortages of output capacity so far, and whether the operator was told of the current one.
  std::uint64_t starvation_ = 0;
  bool told_no_capacity_ = false;
  bool halted_ = false;
  bool ended_ = false;
  // The newest checkpoint snapshotted: a SnapshotEnded that crossed the barrier's ack (the
  // source ended meanwhile) is ignored.
  std::uint64_t last_snapshot_ = 0;
  bool closed_ = false;
};

}  // namespace rivulet::runtime
