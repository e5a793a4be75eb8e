#include "runtime/output_channel.hpp"

#include <algorithm>

namespace rivulet::runtime {

OutputChannel::OutputChannel(std::uint32_t index, const OutputChannelSpec& spec,
                             const ChannelConfig& config)
    : index_(index),
      id_(spec.id),
      target_channel_(spec.target_channel),
      window_(std::max<std::uint32_t>(config.credit_window, 1)),
      max_pending_(std::max<std::uint32_t>(config.max_pending, 1)),
      credits_(window_) {}  // the receiver's queue starts empty: a full window of credit

void OutputChannel::push(ChannelPayload payload, Transport& transport, TaskMetrics& metrics) {
  if (std::holds_alternative<BatchPtr>(payload)) {
    if (pending_.empty() && credits_ > 0) {
      transmit(std::move(payload), transport, metrics);
    } else {
      pending_.push_back(std::move(payload));
      ++pending_data_;
      TaskMetrics::raise(metrics.max_pending, pending_data_);
    }
    return;
  }
  if (pending_.empty()) {
    transmit(std::move(payload), transport, metrics);
  } else if (std::holds_alternative<Watermark>(payload) &&
             std::holds_alternative<Watermark>(pending_.back())) {
    pending_.back() = std::move(payload);  // a newer watermark subsumes a waiting one
  } else {
    pending_.push_back(std::move(payload));
  }
}

void OutputChannel::grant(std::uint32_t credits, Transport& transport, TaskMetrics& metrics) {
  credits_ += credits;
  flush(transport, metrics);
}

void OutputChannel::flush(Transport& transport, TaskMetrics& metrics) {
  while (!pending_.empty()) {
    const bool is_data = std::holds_alternative<BatchPtr>(pending_.front());
    if (is_data && credits_ == 0) return;
    ChannelPayload payload = std::move(pending_.front());
    pending_.pop_front();
    if (is_data) --pending_data_;
    transmit(std::move(payload), transport, metrics);
  }
}

void OutputChannel::transmit(ChannelPayload&& payload, Transport& transport, TaskMetrics& metrics) {
  if (std::holds_alternative<BatchPtr>(payload)) {
    --credits_;
    TaskMetrics::add(metrics.batches_out, 1);
    TaskMetrics::raise(metrics.max_in_flight, window_ > credits_ ? window_ - credits_ : 0);
  }
  transport.send_downstream(index_, StreamMessage{target_channel_, index_, std::move(payload)});
}

}  // namespace rivulet::runtime
