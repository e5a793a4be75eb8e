#pragma once
// How a task's gates reach other tasks. The CAF task actor implements it with sends to actor
// handles; tests can implement it with plain queues. Keeping CAF out of the gates keeps their
// headers light and their logic testable without an actor system.

#include <cstdint>
#include <memory>

#include "graphs/result.hpp"
#include "runtime/channel_messages.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::runtime {

class Transport {
 public:
  virtual ~Transport() = default;
  // To the receiver of output channel `output_channel` (flat index over all output edges).
  virtual void send_downstream(std::uint32_t output_channel, StreamMessage message) = 0;
  // To the sender of input channel `input_channel`.
  virtual void send_credit(std::uint32_t input_channel, CreditGrant grant) = 0;
  // To the checkpoint coordinator, if there is one.
  virtual void send_checkpoint_ack(CheckpointAck ack) = 0;
  // True when a coordinator ends the job (TaskEnded / FinishTask): an ended task then waits
  // for FinishTask instead of exiting, and keeps its operator open for the final checkpoint.
  virtual bool coordinated() const { return false; }
  // Where the task writes its state for checkpoint `checkpoint_id` (the job's checkpoint
  // store). An error means the checkpoint is no longer being taken: the task declines it (no
  // snapshot, no ack) but still forwards the barrier. Without a store, state is discarded.
  virtual graphs::Result<std::unique_ptr<StateWriter>> checkpoint_writer(
      std::uint64_t /*checkpoint_id*/) {
    return std::unique_ptr<StateWriter>(std::make_unique<DiscardingStateWriter>());
  }

 private:
  class DiscardingStateWriter final : public StateWriter {
   public:
    graphs::Status write_blob(std::string_view, std::span<const std::byte>) override {
      return graphs::Ok{};
    }
  };
};

}  // namespace rivulet::runtime
