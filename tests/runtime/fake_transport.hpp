#pragma once
// A Transport that records what a gate or runner sends, for tests without an actor system.

#include <vector>

#include "runtime/channel_transport.hpp"

namespace rivulet::runtime::testing {

struct FakeTransport final : Transport {
  struct Sent {
    std::uint32_t output_channel;
    StreamMessage message;
  };
  struct Credit {
    std::uint32_t input_channel;
    CreditGrant grant;
  };
  std::vector<Sent> downstream;
  std::vector<Credit> credits;
  std::vector<CheckpointAck> acks;

  void send_downstream(std::uint32_t output_channel, StreamMessage message) override {
    downstream.push_back({output_channel, std::move(message)});
  }
  void send_credit(std::uint32_t input_channel, CreditGrant grant) override {
    credits.push_back({input_channel, grant});
  }
  void send_checkpoint_ack(CheckpointAck ack) override { acks.push_back(ack); }
};

}  // namespace rivulet::runtime::testing
