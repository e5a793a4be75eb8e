#include "runtime/input_gate.hpp"

#include <algorithm>

namespace rivulet::runtime {

InputGate::InputGate(const std::vector<InputChannelSpec>& inputs, const ChannelConfig& config,
                     Transport& transport, TaskMetrics& metrics)
    : transport_(transport), metrics_(metrics) {
  const std::uint32_t window = std::max<std::uint32_t>(config.credit_window, 1);
  grant_batch_ = config.grant_batch ? std::min(config.grant_batch, window)
                                    : std::max<std::uint32_t>(window / 2, 1);
  channels_.reserve(inputs.size());
  for (const InputChannelSpec& spec : inputs) {
    Channel& c = channels_.emplace_back();
    c.spec = spec;
    c.sender_credit = window;
  }
}

bool InputGate::receive(StreamMessage&& message) {
  if (message.channel >= channels_.size()) return false;
  Channel& c = channels_[message.channel];
  c.reply_channel = message.reply_channel;
  if (std::holds_alternative<BatchPtr>(message.payload)) {
    if (c.sender_credit == 0) {
      TaskMetrics::add(metrics_.credit_violations, 1);
    } else {
      --c.sender_credit;
    }
    ++c.queued_data;
    TaskMetrics::raise(metrics_.max_input_queue, c.queued_data);
    publish_fill(message.channel, c.queued_data);
  }
  c.queue.push_back(std::move(message.payload));
  return true;
}

std::optional<InputEvent> InputGate::next() {
  const auto n = static_cast<std::uint32_t>(channels_.size());
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t index = (cursor_ + i) % n;
    Channel& c = channels_[index];
    if (c.blocked || c.queue.empty()) continue;
    cursor_ = (index + 1) % n;
    InputEvent event{index, std::move(c.queue.front())};
    c.queue.pop_front();
    return event;
  }
  return std::nullopt;
}

void InputGate::consumed_batch(std::uint32_t channel) {
  Channel& c = channels_[channel];
  --c.queued_data;
  publish_fill(channel, c.queued_data);
  if (++c.accrued >= grant_batch_) grant(c, channel);
}

void InputGate::flush_credits() {
  for (std::uint32_t i = 0; i < channels_.size(); ++i) {
    Channel& c = channels_[i];
    if (c.accrued > 0 && c.queued_data == 0) grant(c, i);
  }
}

void InputGate::grant(Channel& c, std::uint32_t input_channel) {
  c.sender_credit += c.accrued;
  transport_.send_credit(input_channel, CreditGrant{c.reply_channel, c.accrued});
  c.accrued = 0;
}

void InputGate::unblock_all() {
  for (Channel& c : channels_) c.blocked = false;
}

}  // namespace rivulet::runtime
