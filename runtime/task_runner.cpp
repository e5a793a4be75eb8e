#include "runtime/task_runner.hpp"

#include <exception>
#include <stdexcept>
#include <string>

namespace rivulet::runtime {

OperatorContext make_operator_context(const TaskSpec& spec, TaskMetrics& metrics) {
  OperatorContext ctx;
  ctx.task_name = spec.name;
  ctx.subtask_index = spec.subtask_index;
  ctx.parallelism = spec.parallelism;
  ctx.input_schemas = spec.input_schemas;
  ctx.output_schemas = spec.output_schemas;
  ctx.counters = &metrics.counters;
  return ctx;
}

TaskRunner::TaskRunner(const TaskSpec& spec, std::unique_ptr<Operator> op, Transport& transport,
                       std::shared_ptr<TaskMetrics> metrics)
    : spec_(spec),
      op_(std::move(op)),
      transport_(transport),
      metrics_(std::move(metrics)),
      input_(spec.inputs, spec.channels, transport, *metrics_),
      output_(spec.outputs, spec.channels, spec.subtask_index, transport, *metrics_),
      watermarks_(spec.inputs.size()),
      backpressure_(*metrics_),
      idle_(*metrics_),
      ended_channels_(spec.inputs.size(), false),
      open_channels_(spec.inputs.size()),
      barrier_seen_(spec.inputs.size(), false) {}

TaskRunner::~TaskRunner() {
  if (!closed_ && op_) op_->close();
}

graphs::Status TaskRunner::open() {
  if (auto opened = open_operator(*op_, spec_, *metrics_); !opened) return opened;
  // A task without inputs (only possible in tests or a mis-plan) has nothing to wait for.
  if (open_channels_ == 0) {
    ended_ = true;
    output_.emit_end_of_stream();
  }
  return graphs::Ok{};
}

graphs::Status TaskRunner::on_message(StreamMessage&& message) {
  idle_.end();  // input arrived
  if (!input_.receive(std::move(message))) {
    return graphs::Error{spec_.name + ": message on unknown input channel"};
  }
  return graphs::Ok{};
}

void TaskRunner::on_credit(const CreditGrant& grant) {
  output_.on_credit(grant);
  backpressure_.update(output_.has_capacity());
}

graphs::Status TaskRunner::drain() {
  try {
    while (output_.has_capacity()) {
      std::optional<InputEvent> event = input_.next();
      if (!event) break;
      handle(*event);
    }
  } catch (const std::exception& e) {
    metrics_->state.store(TaskState::Failed, std::memory_order_relaxed);
    return graphs::Error{spec_.name + ": " + e.what()};
  }
  input_.flush_credits();
  const bool capacity = output_.has_capacity();
  backpressure_.update(capacity);
  // With capacity left, drain stopped for want of input: the task waits for input (idle)
  // until the next message. Without capacity the wait is backpressure, counted above.
  if (capacity && !ended_) idle_.begin();
  if (finished() && !transport_.coordinated()) close();
  return graphs::Ok{};
}

void TaskRunner::close() {
  if (closed_) return;
  closed_ = true;
  op_->close();
  // Ended, or stopped with a savepoint (FinishTask): either way the task is done.
  metrics_->state.store(TaskState::Finished, std::memory_order_relaxed);
}

graphs::Status TaskRunner::snapshot_ended(std::uint64_t checkpoint_id) {
  if (closed_ || checkpoint_id <= last_snapshot_) return graphs::Ok{};
  last_snapshot_ = checkpoint_id;
  try {
    auto written = write_snapshot(*op_, transport_, checkpoint_id);
    if (!written) return graphs::Error{spec_.name + ": " + written.error().message};
    if (*written) {
      transport_.send_checkpoint_ack(CheckpointAck{spec_.id, checkpoint_id});
      TaskMetrics::add(metrics_->checkpoints_completed, 1);
    }
  } catch (const std::exception& e) {
    return graphs::Error{spec_.name + ": snapshot failed: " + e.what()};
  }
  return graphs::Ok{};
}

void TaskRunner::handle(InputEvent& event) {
  const std::uint32_t ch = event.channel;
  if (auto* batch = std::get_if<BatchPtr>(&event.payload)) {
    on_data(ch, *batch);
  } else if (auto* wm = std::get_if<Watermark>(&event.payload)) {
    on_watermark_advanced(watermarks_.on_watermark(ch, wm->ms));
  } else if (auto* idle = std::get_if<IdleStatus>(&event.payload)) {
    on_watermark_advanced(watermarks_.on_idle(ch, idle->idle));
    output_.mark_idle(watermarks_.all_idle());
  } else if (auto* barrier = std::get_if<CheckpointBarrier>(&event.payload)) {
    on_barrier(ch, *barrier);
  } else {
    on_end_of_stream(ch);
  }
}

void TaskRunner::on_data(std::uint32_t channel, const BatchPtr& batch) {
  TaskMetrics::add(metrics_->batches_in, 1);
  TaskMetrics::add(metrics_->records_in, batch->num_rows());
  TaskMetrics::add(metrics_->bytes_in, batch->byte_size());
  op_->process(input_.input_port(channel), batch, output_);
  input_.consumed_batch(channel);
}

void TaskRunner::on_watermark_advanced(std::optional<std::int64_t> watermark) {
  if (!watermark) return;
  metrics_->watermark_ms.store(*watermark, std::memory_order_relaxed);
  op_->on_watermark(*watermark, output_);
  // The final (all inputs ended) watermark is implied by end of stream downstream.
  if (*watermark != kMaxWatermark) output_.emit_watermark(*watermark);
}

// Aligned checkpoints (Carbone et al.): a channel that delivered the barrier is blocked so
// that no record after the barrier is processed before the snapshot; when every open channel
// delivered it, snapshot, forward the barrier, acknowledge, and unblock.
void TaskRunner::on_barrier(std::uint32_t channel, const CheckpointBarrier& barrier) {
  if (aligning_ && barrier.checkpoint_id < aligning_->checkpoint_id) return;  // stale
  if (!aligning_ || barrier.checkpoint_id > aligning_->checkpoint_id) {
    // A newer checkpoint supersedes one that never completed here (the coordinator will
    // time the old one out); start over.
    input_.unblock_all();
    barrier_seen_.assign(barrier_seen_.size(), false);
    aligning_ = barrier;
    aligning_since_ = std::chrono::steady_clock::now();
  }
  barrier_seen_[channel] = true;
  input_.block(channel);
  complete_alignment_if_ready();
}

void TaskRunner::complete_alignment_if_ready() {
  if (!aligning_) return;
  for (std::size_t i = 0; i < barrier_seen_.size(); ++i) {
    if (!barrier_seen_[i] && !ended_channels_[i]) return;
  }
  const CheckpointBarrier barrier = *aligning_;
  aligning_.reset();
  const std::int64_t alignment_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - aligning_since_)
                                        .count();
  // A store that no longer takes this checkpoint (timed out) gets no snapshot and no ack; the
  // barrier still goes on so downstream tasks do not wait for it.
  last_snapshot_ = barrier.checkpoint_id;
  auto written = write_snapshot(*op_, transport_, barrier.checkpoint_id);
  if (!written) throw std::runtime_error(written.error().message);
  output_.emit_barrier(barrier);
  if (*written) {
    transport_.send_checkpoint_ack(CheckpointAck{spec_.id, barrier.checkpoint_id, 0, alignment_us});
    TaskMetrics::add(metrics_->checkpoints_completed, 1);
  }
  barrier_seen_.assign(barrier_seen_.size(), false);
  input_.unblock_all();
}

graphs::Status TaskRunner::on_checkpoint_complete(std::uint64_t checkpoint_id) {
  if (closed_) return graphs::Ok{};
  try {
    op_->on_checkpoint_complete(checkpoint_id);
  } catch (const std::exception& e) {
    metrics_->state.store(TaskState::Failed, std::memory_order_relaxed);
    return graphs::Error{spec_.name + ": commit of checkpoint " + std::to_string(checkpoint_id) +
                         " failed: " + e.what()};
  }
  return graphs::Ok{};
}

void TaskRunner::on_end_of_stream(std::uint32_t channel) {
  if (ended_channels_[channel]) return;
  ended_channels_[channel] = true;
  --open_channels_;
  input_.block(channel);  // nothing may follow end of stream
  on_watermark_advanced(watermarks_.on_end(channel));
  complete_alignment_if_ready();
  if (open_channels_ > 0) return;
  op_->on_end_of_input(output_);
  output_.emit_end_of_stream();
  ended_ = true;
  metrics_->state.store(TaskState::Finishing, std::memory_order_relaxed);
}

}  // namespace rivulet::runtime
