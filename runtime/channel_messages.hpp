#pragma once
// The channel protocol between task actors (docs/runtime-design.md explains the rules).
//
// Downstream, in order on one channel: StreamMessage{payload = batch | Watermark | Barrier |
// EndOfStream | IdleStatus}. Only batches consume credit; control payloads are exempt but are
// queued behind data, so they never overtake it. Upstream: CreditGrant, returned as the
// receiver drains its input queue. Coordinator traffic: InjectBarrier (to sources),
// CheckpointAck (from every task), CheckpointComplete (to every task), StopSource; and the end
// of a job (FLIP-147's final checkpoint): TaskEnded (from a task whose stream ended), then
// SnapshotEnded (to tasks that ended), then FinishTask (to every task).
//
// Everything except StreamMessage is plain data with an `inspect` overload, so CAF can
// serialise it when channels span nodes. StreamMessage carries a shared batch pointer and is
// whitelisted for local sends only; a network channel will add an inspect for RecordBatch.

#include <cstdint>
#include <limits>
#include <variant>

#include "caf/allowed_unsafe_message_type.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::runtime {

using TaskId = std::uint32_t;

inline constexpr std::int64_t kMinWatermark = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kMaxWatermark = std::numeric_limits<std::int64_t>::max();

// Identifies one physical channel: which task/output port feeds which task/input port.
// Barrier alignment and watermark merging are tracked per receiving channel.
struct ChannelId {
  TaskId source_task = 0;
  std::uint32_t output_port = 0;
  TaskId target_task = 0;
  std::uint32_t input_port = 0;
  bool operator==(const ChannelId&) const = default;
};

struct Watermark {
  std::int64_t ms = kMinWatermark;
};

struct CheckpointBarrier {
  std::uint64_t checkpoint_id = 0;
  std::int64_t timestamp_ms = 0;
  bool savepoint = false;  // room for more options (unaligned, stop-with-savepoint) later
};

struct EndOfStream {};

// A channel whose source has no data (e.g. an idle Kafka partition) must not hold back the
// watermark of the receiver: idle channels are excluded from the minimum.
struct IdleStatus {
  bool idle = false;
};

using ChannelPayload =
    std::variant<BatchPtr, Watermark, CheckpointBarrier, EndOfStream, IdleStatus>;

struct StreamMessage {
  std::uint32_t channel = 0;        // the receiver's input channel index
  std::uint32_t reply_channel = 0;  // the sender's output channel index (for CreditGrant)
  ChannelPayload payload;
};

struct CreditGrant {
  std::uint32_t channel = 0;  // the sender's output channel index
  std::uint32_t credits = 0;  // additional data batches the receiver will accept
};

struct InjectBarrier {
  CheckpointBarrier barrier;
  // Stop with savepoint: the source produces nothing after this barrier (until ResumeSource,
  // sent if the savepoint fails) and ends without end of stream once told to finish.
  bool halt_after = false;
};

// A halted source (InjectBarrier::halt_after) produces again: its savepoint failed.
struct ResumeSource {};

// From a task to the coordinator, once: its stream ended (end of stream on every input, or a
// source exhausted/stopped) and all its output was delivered. The task stays alive, state
// intact, so checkpoints still cover it — above all the final checkpoint taken once every task
// ended, whose completion lets transactional sinks commit the last of the output.
struct TaskEnded {
  TaskId task = 0;
};

// To a task that ended: snapshot now (no barrier can reach it any more) and acknowledge.
struct SnapshotEnded {
  std::uint64_t checkpoint_id = 0;
};

// To every task once the job's end is settled (after the final checkpoint completed, or after
// a stop-with-savepoint completed): close the operator and exit normally.
struct FinishTask {};

struct CheckpointAck {
  TaskId task = 0;
  std::uint64_t checkpoint_id = 0;
  std::uint64_t state_bytes = 0;  // what the task wrote for it (checkpoint size metric)
  // From the first barrier of the checkpoint to the last one on this task's inputs (0 for a
  // source or a single input channel that had nothing to wait for).
  std::int64_t alignment_us = 0;
};

// From the coordinator to every task once checkpoint `checkpoint_id` is durable: operators get
// on_checkpoint_complete (the commit phase of two-phase-commit sinks).
struct CheckpointComplete {
  std::uint64_t checkpoint_id = 0;
};

struct StopSource {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChannelId& x) {
  return f(x.source_task, x.output_port, x.target_task, x.input_port);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Watermark& x) {
  return f(x.ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CheckpointBarrier& x) {
  return f(x.checkpoint_id, x.timestamp_ms, x.savepoint);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CreditGrant& x) {
  return f(x.channel, x.credits);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, InjectBarrier& x) {
  return f(x.barrier, x.halt_after);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ResumeSource&) {
  return f();
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TaskEnded& x) {
  return f(x.task);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SnapshotEnded& x) {
  return f(x.checkpoint_id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, FinishTask&) {
  return f();
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CheckpointAck& x) {
  return f(x.task, x.checkpoint_id, x.state_bytes, x.alignment_us);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CheckpointComplete& x) {
  return f(x.checkpoint_id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, StopSource&) {
  return f();
}

}  // namespace rivulet::runtime

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rivulet::runtime::StreamMessage)
