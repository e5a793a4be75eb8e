#pragma once
// What the planner tells a task: who it is and how its channels are wired. CAF-free; the actor
// layer (task_actor.hpp) adds the actor handles.

#include <cstdint>
#include <string>
#include <vector>

#include "graphs/graph.hpp"
#include "runtime/channel_messages.hpp"

namespace rivulet::runtime {

struct ChannelConfig {
  // Data batches a receiver accepts per channel (initial credit). 32: with 8, a Kafka source ran
  // out of credit so often that pausing its partitions (librdkafka drops fetched messages on
  // pause) cost 2/3 of the throughput; see docs/benchmarks.md, Kafka end to end.
  std::uint32_t credit_window = 32;
  std::uint32_t max_pending = 2;  // data batches a sender buffers per channel without credit
  // Credits are returned in groups of this many (fewer messages); 0 means credit_window / 2.
  // A fully drained input queue returns what it has at once, so latency does not suffer.
  std::uint32_t grant_batch = 0;
  std::uint32_t max_batches_per_poll = 4;  // sources: upper bound per poll call
  // Sources: output capacity must stay gone this long before the source is told
  // (SourceOperator::on_capacity(false)), and a source never told is not told that it came
  // back. A Kafka source pauses its partitions when told, and librdkafka drops the messages it
  // prefetched for them, to fetch them again after the resume; a shortage that the next credit
  // grant ends within milliseconds is not worth that (librdkafka's prefetch queue is bounded by
  // queued.max.messages.kbytes anyway). 0: told at once. See docs/benchmarks.md.
  std::uint32_t pause_after_ms = 500;
};

struct InputChannelSpec {
  ChannelId id;  // id.input_port is the operator input the channel feeds
};

struct OutputChannelSpec {
  ChannelId id;
  std::uint32_t target_channel = 0;  // the receiver's input channel index
};

struct OutputEdgeSpec {
  std::uint32_t output_port = 0;
  graphs::PartitioningKind partitioning = graphs::PartitioningKind::Forward;
  std::vector<std::size_t> key_columns;     // Hash: resolved column indices
  std::uint32_t max_key_groups = 128;       // Hash: key groups, the unit of keyed state (rescaling)
  std::vector<OutputChannelSpec> channels;  // one per downstream instance, in subtask order
};

struct TaskSpec {
  TaskId id = 0;
  std::string name;
  std::uint32_t subtask_index = 0;
  std::uint32_t parallelism = 1;
  std::vector<SchemaPtr> input_schemas;
  std::vector<SchemaPtr> output_schemas;
  std::vector<InputChannelSpec> inputs;  // index = input channel index
  std::vector<OutputEdgeSpec> outputs;
  ChannelConfig channels;
};

}  // namespace rivulet::runtime
