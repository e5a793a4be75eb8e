#pragma once
// The sending end of one channel: credit accounting plus a bounded local buffer.
// A data batch is transmitted only with credit; without it the batch waits here (the task stops
// consuming input once max_pending batches wait). Control payloads need no credit but queue
// behind waiting data so they never overtake it; consecutive waiting watermarks coalesce, so
// the buffer stays bounded by data, not by how often watermarks are generated.

#include <algorithm>
#include <cstdint>
#include <deque>

#include "runtime/channel_transport.hpp"
#include "runtime/task_metrics.hpp"
#include "runtime/task_spec.hpp"

namespace rivulet::runtime {

class OutputChannel {
 public:
  OutputChannel(std::uint32_t index, const OutputChannelSpec& spec, const ChannelConfig& config);

  void push(ChannelPayload payload, Transport& transport, TaskMetrics& metrics);
  void grant(std::uint32_t credits, Transport& transport, TaskMetrics& metrics);

  bool has_capacity() const { return pending_data_ < max_pending_; }
  std::uint32_t room() const {
    return credits_ + max_pending_ - std::min(pending_data_, max_pending_);
  }
  bool drained() const { return pending_.empty(); }
  std::uint32_t credits() const { return credits_; }
  std::uint32_t pending_data() const { return pending_data_; }
  const ChannelId& id() const { return id_; }

 private:
  void transmit(ChannelPayload&& payload, Transport& transport, TaskMetrics& metrics);
  void flush(Transport& transport, TaskMetrics& metrics);

  std::uint32_t index_;
  ChannelId id_;
  std::uint32_t target_channel_;
  std::uint32_t window_;
  std::uint32_t max_pending_;
  std::uint32_t credits_;
  std::uint32_t pending_data_ = 0;
  std::deque<ChannelPayload> pending_;
};

}  // namespace rivulet::runtime
