#include "runtime/output_gate.hpp"

#include <algorithm>
#include <cstdint>

#include "runtime/metrics/edge_tap.hpp"

namespace rivulet::runtime {

OutputGate::OutputGate(const std::vector<OutputEdgeSpec>& edges, const ChannelConfig& config,
                       std::uint32_t subtask_index, Transport& transport, TaskMetrics& metrics)
    : transport_(transport), metrics_(metrics) {
  for (const OutputEdgeSpec& spec : edges) {
    Edge& edge = edges_.emplace_back();
    edge.port = spec.output_port;
    edge.kind = spec.partitioning;
    const auto targets = static_cast<std::uint32_t>(spec.channels.size());
    for (const OutputChannelSpec& ch : spec.channels) {
      edge.channels.push_back(static_cast<std::uint32_t>(channels_.size()));
      channels_.emplace_back(static_cast<std::uint32_t>(channels_.size()), ch, config);
    }
    if (edge.kind == graphs::PartitioningKind::Hash && targets > 1) {
      edge.hash = std::make_unique<HashPartitioner>(spec.key_columns, targets, spec.max_key_groups);
    }
    // Start instances at different targets so parallel upstreams do not all hit target 0 first.
    edge.round_robin = RoundRobin(targets ? targets : 1, subtask_index);
  }
}

void OutputGate::emit(std::size_t output_port, BatchPtr batch) {
  if (!batch || batch->num_rows() == 0) return;
  TaskMetrics::add(metrics_.records_out, batch->num_rows());
  TaskMetrics::add(metrics_.bytes_out, batch->byte_size());
  if (idle_) mark_idle(false);  // data means the stream is active again
  if (output_port < 32 &&
      (metrics_.tapped_ports.load(std::memory_order_relaxed) >> output_port) & 1u) {
    offer_to_taps(metrics_, static_cast<std::uint32_t>(output_port), batch);
  }
  bool delivered = false;
  for (Edge& edge : edges_) {
    if (edge.port != output_port || edge.channels.empty()) continue;
    delivered = true;
    if (edge.channels.size() == 1) {
      channels_[edge.channels[0]].push(batch, transport_, metrics_);
      continue;
    }
    switch (edge.kind) {
      case graphs::PartitioningKind::Forward:
        // The planner gives forward edges one channel; more is a planning bug — stay correct
        // (every record still arrives once) by treating it as rebalance.
      case graphs::PartitioningKind::Rebalance:
        channels_[edge.channels[edge.round_robin.next()]].push(batch, transport_, metrics_);
        break;
      case graphs::PartitioningKind::Broadcast:
        for (std::uint32_t c : edge.channels) channels_[c].push(batch, transport_, metrics_);
        break;
      case graphs::PartitioningKind::Hash:
        edge.hash->split(batch, split_);
        for (std::size_t t = 0; t < split_.size(); ++t) {
          if (split_[t])
            channels_[edge.channels[t]].push(std::move(split_[t]), transport_, metrics_);
        }
        break;
    }
  }
  if (!delivered) TaskMetrics::add(metrics_.dropped_records, batch->num_rows());
}

bool OutputGate::has_capacity() const {
  for (const OutputChannel& c : channels_) {
    if (!c.has_capacity()) return false;
  }
  return true;
}

std::size_t OutputGate::room() const {
  std::size_t room = SIZE_MAX;
  for (const OutputChannel& c : channels_) room = std::min<std::size_t>(room, c.room());
  return channels_.empty() ? 1 : room;
}

void OutputGate::broadcast(const ChannelPayload& payload) {
  for (OutputChannel& c : channels_) c.push(payload, transport_, metrics_);
}

void OutputGate::emit_watermark(std::int64_t watermark_ms) {
  if (watermark_ms <= last_watermark_) return;  // watermarks only move forward
  last_watermark_ = watermark_ms;
  broadcast(Watermark{watermark_ms});
}

void OutputGate::mark_idle(bool idle) {
  if (idle == idle_) return;
  idle_ = idle;
  broadcast(IdleStatus{idle});
}

void OutputGate::emit_barrier(const CheckpointBarrier& barrier) { broadcast(barrier); }

void OutputGate::emit_end_of_stream() { broadcast(EndOfStream{}); }

void OutputGate::on_credit(const CreditGrant& grant) {
  if (grant.channel < channels_.size()) {
    channels_[grant.channel].grant(grant.credits, transport_, metrics_);
  }
}

bool OutputGate::drained() const {
  for (const OutputChannel& c : channels_) {
    if (!c.drained()) return false;
  }
  return true;
}

}  // namespace rivulet::runtime
