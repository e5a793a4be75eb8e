#pragma once
// The output side of a task: the Collector its operator emits into. Routes each batch over the
// edges of the output port (forward / hash / broadcast / rebalance) onto credit-controlled
// OutputChannels, and broadcasts control payloads (watermark, barrier, end of stream) to every
// channel in band.

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/operator.hpp"
#include "runtime/output_channel.hpp"
#include "runtime/partitioner.hpp"

namespace rivulet::runtime {

class OutputGate final : public SourceCollector {
 public:
  OutputGate(const std::vector<OutputEdgeSpec>& edges, const ChannelConfig& config,
             std::uint32_t subtask_index, Transport& transport, TaskMetrics& metrics);

  // Collector
  void emit(std::size_t output_port, BatchPtr batch) override;
  using Collector::emit;
  bool has_capacity() const override;
  // How many more batches every channel can take right now (credit + free buffer slots).
  std::size_t room() const;
  // SourceCollector (the task also uses these to forward its merged watermark / idleness)
  void emit_watermark(std::int64_t watermark_ms) override;
  void mark_idle(bool idle) override;

  void emit_barrier(const CheckpointBarrier& barrier);
  void emit_end_of_stream();
  void on_credit(const CreditGrant& grant);
  // True when nothing waits for credit (a finishing task may exit).
  bool drained() const;
  std::size_t num_channels() const { return channels_.size(); }

 private:
  struct Edge {
    std::uint32_t port = 0;
    graphs::PartitioningKind kind = graphs::PartitioningKind::Forward;
    std::vector<std::uint32_t> channels;  // flat channel indices, in subtask order
    std::unique_ptr<HashPartitioner> hash;
    RoundRobin round_robin{1};
  };
  void broadcast(const ChannelPayload& payload);

  Transport& transport_;
  TaskMetrics& metrics_;
  std::vector<Edge> edges_;
  std::vector<OutputChannel> channels_;
  std::vector<BatchPtr> split_;  // scratch for hash splits
  std::int64_t last_watermark_ = kMinWatermark;
  bool idle_ = false;
};

}  // namespace rivulet::runtime
