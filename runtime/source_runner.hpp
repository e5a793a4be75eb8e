#pragma once
// The engine of one source task, free of CAF: polls the SourceOperator only while its outputs
// have capacity, tells it when capacity runs out or returns (so Kafka partitions get paused),
// injects checkpoint barriers, and ends the stream when the source is exhausted or stopped.

#include <memory>

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
  graphs::Status inject_barrier(const CheckpointBarrier& barrier);
  void request_stop() { stop_requested_ = true; }
  bool finished() const { return ended_ && output_.drained(); }
  bool has_capacity() const { return output_.has_capacity(); }

 private:
  void end_stream();

  TaskSpec spec_;
  std::unique_ptr<SourceOperator> op_;
  Transport& transport_;
  std::shared_ptr<TaskMetrics> metrics_;
  OutputGate output_;
  BackpressureClock backpressure_;
  bool stop_requested_ = false;
  bool ended_ = false;
  bool closed_ = false;
};

}  // namespace rivulet::runtime
