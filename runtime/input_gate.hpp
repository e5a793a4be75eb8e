#pragma once
// The input side of a task: one FIFO queue per input channel, credit returned as batches are
// processed, channels blocked during barrier alignment. Messages are taken off the actor
// mailbox at once and queued here; since a sender only sends data with credit, each queue holds
// at most credit_window batches, so "not processing" is how a task applies backpressure.

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "runtime/channel_transport.hpp"
#include "runtime/task_metrics.hpp"
#include "runtime/task_spec.hpp"

namespace rivulet::runtime {

struct InputEvent {
  std::uint32_t channel = 0;
  ChannelPayload payload;
};

class InputGate {
 public:
  InputGate(const std::vector<InputChannelSpec>& inputs, const ChannelConfig& config,
            Transport& transport, TaskMetrics& metrics);

  // Queues a message; false when its channel index is unknown (a wiring bug).
  bool receive(StreamMessage&& message);
  // The next event of an unblocked channel (channels take turns), or nothing.
  std::optional<InputEvent> next();
  // A batch of `channel` was processed: its queue slot is free again, credit accrues.
  void consumed_batch(std::uint32_t channel);
  // Returns accrued credit of every channel whose queue is empty (called when the task goes
  // quiet, so a sender never waits for a grant that is only being batched up).
  void flush_credits();

  void block(std::uint32_t channel) { channels_[channel].blocked = true; }
  void unblock_all();
  bool blocked(std::uint32_t channel) const { return channels_[channel].blocked; }

  std::size_t num_channels() const { return channels_.size(); }
  std::uint32_t input_port(std::uint32_t channel) const {
    return channels_[channel].spec.id.input_port;
  }
  const ChannelId& channel_id(std::uint32_t channel) const { return channels_[channel].spec.id; }

 private:
  struct Channel {
    InputChannelSpec spec;
    std::deque<ChannelPayload> queue;
    std::uint32_t reply_channel = 0;
    std::uint32_t queued_data = 0;
    std::uint32_t accrued = 0;        // processed batches not yet credited back
    std::uint32_t sender_credit = 0;  // what the sender may still send (violation check)
    bool blocked = false;
  };
  void grant(Channel& channel, std::uint32_t input_channel);
  // The queue length as the metrics show it (input channel fill); per batch, one store.
  void publish_fill(std::uint32_t channel, std::uint32_t queued) {
    if (channel < metrics_.input_queued.size()) {
      metrics_.input_queued[channel].store(queued, std::memory_order_relaxed);
    }
  }

  Transport& transport_;
  TaskMetrics& metrics_;
  std::uint32_t grant_batch_;
  std::vector<Channel> channels_;
  std::uint32_t cursor_ = 0;
};

}  // namespace rivulet::runtime
