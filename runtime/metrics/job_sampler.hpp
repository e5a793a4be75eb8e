#pragma once
// Turns a running job's live counters (TaskMetrics, CheckpointMetrics) into node::JobMetrics
// samples. Reading never touches the tasks: every counter is a relaxed atomic the task's thread
// writes. Rates are over the interval since this sampler's previous sample (each subscriber
// keeps its own sampler, so intervals do not interfere).

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/job.hpp"
#include "runtime/node/node_service.hpp"

namespace rivulet::runtime {

class JobSampler {
 public:
  // `now`: wall clock of the sample (watermark lag is measured against it).
  node::JobMetrics sample(const Job& job, node::WallMs now);

 private:
  struct Previous {
    std::uint64_t records_in = 0, records_out = 0, bytes_in = 0, bytes_out = 0;
    std::uint64_t idle_ns = 0, backpressured_ns = 0;
  };
  std::vector<Previous> previous_;  // index = TaskId
  std::int64_t previous_steady_ns_ = 0;
};

// A checkpoint as the control API shows it (durations in ms).
node::CheckpointRecord checkpoint_record(const CheckpointSummary& summary);
// The job's recent checkpoints and savepoints, oldest first (CheckpointMetrics::history()).
std::vector<node::CheckpointRecord> checkpoint_history(const CheckpointMetrics& metrics);

// The sample summed over the instances of each graph node (watermark: the minimum; input fill
// and Kafka lag: every instance's entries together; time shares: the mean), in the order the
// nodes first appear. subtask is 0 and parallelism the number of instances.
std::vector<node::TaskSample> per_node(const std::vector<node::TaskSample>& tasks);

}  // namespace rivulet::runtime
