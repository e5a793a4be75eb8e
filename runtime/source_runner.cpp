#include "runtime/source_runner.hpp"

#include <algorithm>
#include <exception>

#include "runtime/task_runner.hpp"  // make_operator_context

namespace rivulet::runtime {

SourceRunner::SourceRunner(const TaskSpec& spec, std::unique_ptr<SourceOperator> op,
                           Transport& transport, std::shared_ptr<TaskMetrics> metrics)
    : spec_(spec),
      op_(std::move(op)),
      transport_(transport),
      metrics_(std::move(metrics)),
      output_(spec.outputs, spec.channels, spec.subtask_index, transport, *metrics_),
      collector_(output_, *metrics_),
      backpressure_(*metrics_),
      idle_(*metrics_) {}

SourceRunner::~SourceRunner() {
  if (!closed_ && op_) op_->close();
}

graphs::Status SourceRunner::open() { return open_operator(*op_, spec_, *metrics_); }

graphs::Result<SourceRunner::Step> SourceRunner::step() {
  try {
    if (halted_) return Step::WaitForCredit;  // stopped with a savepoint: produce nothing
    if (!ended_ && (stop_requested_ || !op_->has_more())) end_stream();
    if (ended_) {
      if (!output_.drained()) return Step::WaitForCredit;
      if (!transport_.coordinated()) close();
      return Step::Finished;
    }
    if (!output_.has_capacity()) {
      idle_.end();
      if (backpressure_.update(false)) {
        ++starvation_;
        metrics_->capacity_shortages.fetch_add(1, std::memory_order_relaxed);
        if (spec_.channels.pause_after_ms == 0) tell_no_capacity();
      }
      return Step::WaitForCredit;
    }
    // Each emitted batch adds at most one batch to any channel, so polling no more than the
    // channels can take keeps every local buffer within max_pending.
    const std::size_t room = output_.room();
    const std::uint64_t before = metrics_->records_out.load(std::memory_order_relaxed);
    op_->poll(collector_, std::min<std::size_t>(room, spec_.channels.max_batches_per_poll));
    // A poll that produced nothing waited for input (e.g. a Kafka poll timeout): idle until
    // one produces again.
    if (metrics_->records_out.load(std::memory_order_relaxed) == before) {
      idle_.begin();
    } else {
      idle_.end();
    }
    return Step::Continue;
  } catch (const std::exception& e) {
    metrics_->state.store(TaskState::Failed, std::memory_order_relaxed);
    return graphs::Error{spec_.name + ": " + e.what()};
  }
}

bool SourceRunner::on_credit(const CreditGrant& grant) {
  output_.on_credit(grant);
  if (backpressure_.backpressured() && output_.has_capacity()) {
    backpressure_.update(true);
    if (told_no_capacity_) {
      told_no_capacity_ = false;
      op_->on_capacity(true);
    }
    return true;
  }
  return ended_ && output_.drained();  // the end of stream went out: time to finish
}

std::optional<std::chrono::milliseconds> SourceRunner::capacity_timeout() const {
  if (!backpressure_.backpressured() || told_no_capacity_) return std::nullopt;
  return std::chrono::milliseconds(spec_.channels.pause_after_ms);
}

void SourceRunner::on_capacity_timeout(std::uint64_t starvation) {
  if (starvation != starvation_ || !backpressure_.backpressured() || told_no_capacity_) return;
  tell_no_capacity();
}

void SourceRunner::tell_no_capacity() {
  told_no_capacity_ = true;
  metrics_->capacity_pauses.fetch_add(1, std::memory_order_relaxed);
  op_->on_capacity(false);
}

void SourceRunner::close() {
  if (closed_) return;
  closed_ = true;
  op_->close();
  // Ended, or stopped with a savepoint (FinishTask): either way the task is done.
  metrics_->state.store(TaskState::Finished, std::memory_order_relaxed);
}

graphs::Status SourceRunner::inject_barrier(const CheckpointBarrier& barrier, bool halt_after) {
  // A closed source has nothing left to snapshot; an ended one still has its final position
  // (nothing follows end of stream downstream, so the barrier itself is not sent).
  if (closed_ || barrier.checkpoint_id <= last_snapshot_) return graphs::Ok{};
  last_snapshot_ = barrier.checkpoint_id;
  try {
    // The store refuses a checkpoint it no longer takes: decline it (see TaskRunner).
    auto written = write_snapshot(*op_, transport_, barrier.checkpoint_id);
    if (!written) return graphs::Error{spec_.name + ": " + written.error().message};
    if (!*written) return graphs::Ok{};
  } catch (const std::exception& e) {
    return graphs::Error{spec_.name + ": snapshot failed: " + e.what()};
  }
  if (!ended_) output_.emit_barrier(barrier);
  if (!ended_ && halt_after) halted_ = true;
  transport_.send_checkpoint_ack(CheckpointAck{spec_.id, barrier.checkpoint_id});
  TaskMetrics::add(metrics_->checkpoints_completed, 1);
  return graphs::Ok{};
}

graphs::Status SourceRunner::snapshot_ended(std::uint64_t checkpoint_id) {
  return inject_barrier(CheckpointBarrier{checkpoint_id, 0, false});
}

graphs::Status SourceRunner::on_checkpoint_complete(std::uint64_t checkpoint_id) {
  if (closed_) return graphs::Ok{};
  try {
    op_->on_checkpoint_complete(checkpoint_id);
  } catch (const std::exception& e) {
    return graphs::Error{spec_.name + ": commit of checkpoint " + std::to_string(checkpoint_id) +
                         " failed: " + e.what()};
  }
  return graphs::Ok{};
}

void SourceRunner::RecordingCollector::emit_watermark(std::int64_t watermark_ms) {
  gate_.emit_watermark(watermark_ms);
  // Watermarks only move forward: the gate drops one that does not advance, and so does this.
  if (watermark_ms > metrics_.watermark_ms.load(std::memory_order_relaxed)) {
    metrics_.watermark_ms.store(watermark_ms, std::memory_order_relaxed);
  }
}

void SourceRunner::end_stream() {
  ended_ = true;
  idle_.end();
  output_.emit_end_of_stream();
  // End of stream implies the final watermark downstream (tasks advance to +inf on it).
  metrics_->watermark_ms.store(kMaxWatermark, std::memory_order_relaxed);
  metrics_->state.store(TaskState::Finishing, std::memory_order_relaxed);
}

}  // namespace rivulet::runtime
