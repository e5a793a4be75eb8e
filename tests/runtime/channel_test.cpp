// The credit protocol and input-side bookkeeping, without actors.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "batch_test_support.hpp"
#include "fake_transport.hpp"
#include "runtime/input_gate.hpp"
#include "runtime/output_channel.hpp"
#include "runtime/output_gate.hpp"
#include "runtime/watermark_merger.hpp"

namespace rivulet::runtime {
namespace {

using testing::FakeTransport;
using testing::make_batch;
using testing::test_schema;

ChannelConfig config(std::uint32_t window, std::uint32_t pending) {
  ChannelConfig c;
  c.credit_window = window;
  c.max_pending = pending;
  return c;
}

bool is_data(const StreamMessage& m) { return std::holds_alternative<BatchPtr>(m.payload); }

TEST(OutputChannel, SendsDataOnlyWithCredit) {
  FakeTransport t;
  TaskMetrics m;
  OutputChannel ch(3, OutputChannelSpec{{}, 7}, config(2, 2));
  const BatchPtr b = make_batch(test_schema(), 0, 4);
  ch.push(b, t, m);
  ch.push(b, t, m);
  EXPECT_EQ(t.downstream.size(), 2u);
  EXPECT_TRUE(ch.has_capacity());
  ch.push(b, t, m);  // no credit left: buffered
  ch.push(b, t, m);
  EXPECT_EQ(t.downstream.size(), 2u);
  EXPECT_FALSE(ch.has_capacity());
  EXPECT_EQ(ch.pending_data(), 2u);
  // Addressing: receiver's channel index, and ours for the credit to come back.
  EXPECT_EQ(t.downstream[0].output_channel, 3u);
  EXPECT_EQ(t.downstream[0].message.channel, 7u);
  EXPECT_EQ(t.downstream[0].message.reply_channel, 3u);
  ch.grant(1, t, m);
  EXPECT_EQ(t.downstream.size(), 3u);
  EXPECT_TRUE(ch.has_capacity());
  EXPECT_EQ(m.max_in_flight.load(), 2u);
  EXPECT_EQ(m.max_pending.load(), 2u);
  EXPECT_EQ(m.batches_out.load(), 3u);
}

TEST(OutputChannel, ControlWaitsBehindDataAndWatermarksCoalesce) {
  FakeTransport t;
  TaskMetrics m;
  OutputChannel ch(0, OutputChannelSpec{}, config(1, 4));
  const BatchPtr b = make_batch(test_schema(), 0, 1);
  ch.push(Watermark{1}, t, m);  // nothing waiting: straight through, no credit used
  ch.push(b, t, m);
  ch.push(b, t, m);  // waits
  ch.push(Watermark{5}, t, m);
  ch.push(Watermark{6}, t, m);  // replaces 5
  ch.push(CheckpointBarrier{9, 0, false}, t, m);
  ch.push(Watermark{7}, t, m);
  ch.push(EndOfStream{}, t, m);
  ASSERT_EQ(t.downstream.size(), 2u);
  EXPECT_FALSE(ch.drained());
  ch.grant(1, t, m);  // one credit releases the batch and all control queued behind it
  ASSERT_EQ(t.downstream.size(), 7u);
  EXPECT_TRUE(is_data(t.downstream[2].message));
  EXPECT_EQ(std::get<Watermark>(t.downstream[3].message.payload).ms, 6);
  EXPECT_EQ(std::get<CheckpointBarrier>(t.downstream[4].message.payload).checkpoint_id, 9u);
  EXPECT_EQ(std::get<Watermark>(t.downstream[5].message.payload).ms, 7);
  EXPECT_TRUE(std::holds_alternative<EndOfStream>(t.downstream[6].message.payload));
  EXPECT_TRUE(ch.drained());
}

OutputEdgeSpec edge(std::uint32_t port, graphs::PartitioningKind kind, std::uint32_t targets,
                    std::vector<std::size_t> keys = {}) {
  OutputEdgeSpec e;
  e.output_port = port;
  e.partitioning = kind;
  e.key_columns = std::move(keys);
  for (std::uint32_t t = 0; t < targets; ++t) {
    e.channels.push_back(OutputChannelSpec{ChannelId{1, port, 10 + t, 0}, 0});
  }
  return e;
}

TEST(OutputGate, PartitionsPerEdgeAndBroadcastsControl) {
  FakeTransport t;
  TaskMetrics m;
  using graphs::PartitioningKind;
  // Port 0 -> hash by key over channels 0..2 and broadcast to 3..4; port 1 -> rebalance 5..6.
  OutputGate gate({edge(0, PartitioningKind::Hash, 3, {1}), edge(0, PartitioningKind::Broadcast, 2),
                   edge(1, PartitioningKind::Rebalance, 2)},
                  config(100, 2), /*subtask_index=*/0, t, m);
  ASSERT_EQ(gate.num_channels(), 7u);
  const BatchPtr in = make_batch(test_schema(), 0, 500, 40);
  gate.emit(0, in);
  std::size_t hashed_rows = 0;
  std::map<std::string, std::uint32_t> channel_of_key;
  for (const auto& sent : t.downstream) {
    const BatchPtr& b = std::get<BatchPtr>(sent.message.payload);
    if (sent.output_channel >= 3) {
      EXPECT_EQ(b, in);  // broadcast shares the batch
      continue;
    }
    hashed_rows += b->num_rows();
    for (std::size_t r = 0; r < b->num_rows(); ++r) {
      auto [it, _] =
          channel_of_key.emplace(std::string(b->column(1).string_at(r)), sent.output_channel);
      EXPECT_EQ(it->second, sent.output_channel);
    }
  }
  EXPECT_EQ(hashed_rows, 500u);
  EXPECT_EQ(m.records_out.load(), 500u);
  t.downstream.clear();
  gate.emit(1, in);
  gate.emit(1, in);
  gate.emit(1, in);
  ASSERT_EQ(t.downstream.size(), 3u);
  EXPECT_EQ(t.downstream[0].output_channel, 5u);
  EXPECT_EQ(t.downstream[1].output_channel, 6u);
  EXPECT_EQ(t.downstream[2].output_channel, 5u);
  t.downstream.clear();
  gate.emit_watermark(7);
  gate.emit_watermark(7);  // not forward: dropped
  gate.emit_end_of_stream();
  ASSERT_EQ(t.downstream.size(), 14u);  // watermark + end of stream on each of 7 channels
  EXPECT_TRUE(gate.drained());
}

TEST(InputGate, ReturnsCreditInGroupsAndWhenDrained) {
  FakeTransport t;
  TaskMetrics m;
  InputGate gate({InputChannelSpec{}}, config(4, 2), t, m);  // grant_batch = 2
  const BatchPtr b = make_batch(test_schema(), 0, 1);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(gate.receive(StreamMessage{0, 5, b}));
  EXPECT_EQ(m.max_input_queue.load(), 3u);
  ASSERT_TRUE(gate.next());
  gate.consumed_batch(0);
  EXPECT_TRUE(t.credits.empty());  // 1 < grant batch
  ASSERT_TRUE(gate.next());
  gate.consumed_batch(0);
  ASSERT_EQ(t.credits.size(), 1u);
  EXPECT_EQ(t.credits[0].grant.channel, 5u);  // the sender's channel index
  EXPECT_EQ(t.credits[0].grant.credits, 2u);
  ASSERT_TRUE(gate.next());
  gate.consumed_batch(0);
  gate.flush_credits();  // queue empty: the odd credit goes back now
  ASSERT_EQ(t.credits.size(), 2u);
  EXPECT_EQ(t.credits[1].grant.credits, 1u);
  EXPECT_FALSE(gate.next());
  EXPECT_EQ(m.credit_violations.load(), 0u);
  EXPECT_FALSE(gate.receive(StreamMessage{9, 0, b}));  // unknown channel
}

TEST(InputGate, CountsDataBeyondCreditAsViolation) {
  FakeTransport t;
  TaskMetrics m;
  InputGate gate({InputChannelSpec{}}, config(2, 1), t, m);
  const BatchPtr b = make_batch(test_schema(), 0, 1);
  for (int i = 0; i < 3; ++i) gate.receive(StreamMessage{0, 0, b});
  gate.receive(StreamMessage{0, 0, Watermark{3}});  // control is exempt
  EXPECT_EQ(m.credit_violations.load(), 1u);
}

TEST(InputGate, BlockedChannelIsSkippedOthersTakeTurns) {
  FakeTransport t;
  TaskMetrics m;
  InputGate gate({InputChannelSpec{}, InputChannelSpec{}}, config(8, 2), t, m);
  for (std::int64_t i = 0; i < 2; ++i) {
    gate.receive(StreamMessage{0, 0, Watermark{i}});
    gate.receive(StreamMessage{1, 0, Watermark{10 + i}});
  }
  auto e = gate.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->channel, 0u);
  e = gate.next();
  EXPECT_EQ(e->channel, 1u);  // round robin
  gate.block(0);
  e = gate.next();
  EXPECT_EQ(e->channel, 1u);
  EXPECT_FALSE(gate.next());  // channel 0 still has one, but is blocked
  gate.unblock_all();
  e = gate.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(std::get<Watermark>(e->payload).ms, 1);
}

TEST(WatermarkMerger, MinimumOverActiveChannels) {
  WatermarkMerger w(2);
  EXPECT_FALSE(w.on_watermark(0, 10));  // channel 1 still at -inf
  EXPECT_EQ(w.on_watermark(1, 5), 5);
  EXPECT_EQ(w.on_watermark(1, 20), 10);
  EXPECT_FALSE(w.on_watermark(1, 8));  // never backwards
  EXPECT_EQ(w.current(), 10);
}

TEST(WatermarkMerger, IdleAndEndedChannelsDoNotHoldBack) {
  WatermarkMerger w(3);
  w.on_watermark(0, 100);
  w.on_watermark(1, 50);
  EXPECT_FALSE(w.on_watermark(2, kMinWatermark));
  EXPECT_EQ(w.on_idle(2, true), 50);
  EXPECT_EQ(w.on_end(1), 100);
  EXPECT_FALSE(w.all_idle());
  EXPECT_FALSE(w.on_idle(0, true));  // everything idle: hold
  EXPECT_TRUE(w.all_idle());
  EXPECT_FALSE(w.on_watermark(2, 70));  // active again but behind: no regression
  EXPECT_EQ(w.on_watermark(2, 120), 120);
  w.on_end(0);
  EXPECT_EQ(w.on_end(2), kMaxWatermark);
}

}  // namespace
}  // namespace rivulet::runtime
