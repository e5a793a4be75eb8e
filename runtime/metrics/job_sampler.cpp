#include "runtime/metrics/job_sampler.hpp"

#include <algorithm>
#include <map>

namespace rivulet::runtime {
namespace {

const char* state_name(TaskState state) {
  switch (state) {
    case TaskState::Created:
      return "created";
    case TaskState::Running:
      return "running";
    case TaskState::Finishing:
      return "finishing";
    case TaskState::Finished:
      return "finished";
    case TaskState::Failed:
      return "failed";
  }
  return "unknown";
}

double per_second(std::uint64_t now, std::uint64_t before, double seconds) {
  return seconds > 0 && now >= before ? static_cast<double>(now - before) / seconds : 0;
}

}  // namespace

node::JobMetrics JobSampler::sample(const Job& job, node::WallMs now) {
  node::JobMetrics out;
  out.at = now;
  const std::int64_t steady = TaskMetrics::steady_clock_ns();
  const bool first = previous_steady_ns_ == 0;
  const double seconds = first ? 0 : static_cast<double>(steady - previous_steady_ns_) / 1e9;
  const PhysicalPlan& plan = job.plan();
  const auto& metrics = job.task_metrics();
  previous_.resize(metrics.size());
  out.tasks.reserve(metrics.size());
  for (std::size_t id = 0; id < metrics.size(); ++id) {
    const TaskMetrics& m = *metrics[id];
    const PlannedTask& task = plan.tasks[id];
    node::TaskSample s;
    s.node_id = plan.nodes[task.node].name;
    s.subtask = task.spec.subtask_index;
    s.parallelism = task.spec.parallelism;
    s.state = state_name(m.state.load(std::memory_order_relaxed));
    s.records_in = m.records_in.load(std::memory_order_relaxed);
    s.records_out = m.records_out.load(std::memory_order_relaxed);
    s.bytes_in = m.bytes_in.load(std::memory_order_relaxed);
    s.bytes_out = m.bytes_out.load(std::memory_order_relaxed);
    const std::uint64_t idle = m.idle_ns_at(steady);
    const std::uint64_t bp = m.backpressured_ns_at(steady);
    Previous& p = previous_[id];
    if (!first) {
      s.records_in_per_second = per_second(s.records_in, p.records_in, seconds);
      s.records_out_per_second = per_second(s.records_out, p.records_out, seconds);
      s.bytes_in_per_second = per_second(s.bytes_in, p.bytes_in, seconds);
      s.bytes_out_per_second = per_second(s.bytes_out, p.bytes_out, seconds);
      // ns per s / 1e6 = ms per s; each share clamped so the three add up to 1000.
      s.idle_ms_per_second = std::min(per_second(idle, p.idle_ns, seconds) / 1e6, 1000.0);
      s.backpressured_ms_per_second = std::min(per_second(bp, p.backpressured_ns, seconds) / 1e6,
                                               1000.0 - s.idle_ms_per_second);
      s.busy_ms_per_second = 1000.0 - s.idle_ms_per_second - s.backpressured_ms_per_second;
    }
    p = {s.records_in, s.records_out, s.bytes_in, s.bytes_out, idle, bp};
    s.input_fill.reserve(m.input_queued.size());
    for (const auto& queued : m.input_queued) {
      s.input_fill.push_back(std::min(
          1.0, static_cast<double>(queued.load(std::memory_order_relaxed)) / m.credit_window));
    }
    s.watermark_ms = m.watermark_ms.load(std::memory_order_relaxed);
    s.watermark_lag_ms = s.watermark_ms > kMinWatermark && s.watermark_ms < kMaxWatermark
                             ? std::max<std::int64_t>(0, now - s.watermark_ms)
                             : 0;
    for (PartitionLagEntry& lag : m.counters.lag()) {
      s.kafka_lag.push_back({std::move(lag.topic), lag.partition, lag.lag});
    }
    s.late_records = m.counters.late();
    s.dead_letters = m.counters.dead_letters();
    s.skipped_records = m.counters.skipped();
    s.dropped_records = m.dropped_records.load(std::memory_order_relaxed);
    out.tasks.push_back(std::move(s));
  }
  previous_steady_ns_ = steady;
  out.checkpoints = checkpoint_history(job.checkpoint_metrics());
  return out;
}

node::CheckpointRecord checkpoint_record(const CheckpointSummary& summary) {
  node::CheckpointRecord record;
  record.id = summary.id;
  record.started = summary.started_ms;
  record.duration_ms = summary.outcome == CheckpointSummary::Outcome::InProgress
                           ? 0
                           : (summary.outcome == CheckpointSummary::Outcome::Completed
                                  ? summary.duration_us / 1000
                                  : summary.ended_ms - summary.started_ms);
  record.alignment_ms = summary.alignment_us / 1000;
  record.bytes = summary.bytes;
  switch (summary.outcome) {
    case CheckpointSummary::Outcome::InProgress:
      record.status = node::CheckpointStatus::InProgress;
      break;
    case CheckpointSummary::Outcome::Completed:
      record.status = node::CheckpointStatus::Completed;
      break;
    case CheckpointSummary::Outcome::Failed:
      record.status = node::CheckpointStatus::Failed;
      break;
  }
  record.failure = summary.failure;
  record.savepoint = summary.savepoint;
  return record;
}

std::vector<node::CheckpointRecord> checkpoint_history(const CheckpointMetrics& metrics) {
  std::vector<node::CheckpointRecord> records;
  for (const CheckpointSummary& summary : metrics.history()) {
    records.push_back(checkpoint_record(summary));
  }
  return records;
}

std::vector<node::TaskSample> per_node(const std::vector<node::TaskSample>& tasks) {
  std::vector<node::TaskSample> nodes;
  std::map<std::string, std::size_t> index;
  for (const node::TaskSample& t : tasks) {
    auto [it, added] = index.try_emplace(t.node_id, nodes.size());
    if (added) {
      node::TaskSample& n = nodes.emplace_back(t);
      n.subtask = 0;
      n.parallelism = 1;
      continue;
    }
    node::TaskSample& n = nodes[it->second];
    ++n.parallelism;
    if (n.state != t.state && t.state == "failed") n.state = t.state;
    n.records_in += t.records_in;
    n.records_out += t.records_out;
    n.bytes_in += t.bytes_in;
    n.bytes_out += t.bytes_out;
    n.records_in_per_second += t.records_in_per_second;
    n.records_out_per_second += t.records_out_per_second;
    n.bytes_in_per_second += t.bytes_in_per_second;
    n.bytes_out_per_second += t.bytes_out_per_second;
    n.busy_ms_per_second += t.busy_ms_per_second;  // divided by the count below
    n.backpressured_ms_per_second += t.backpressured_ms_per_second;
    n.idle_ms_per_second += t.idle_ms_per_second;
    n.input_fill.insert(n.input_fill.end(), t.input_fill.begin(), t.input_fill.end());
    n.kafka_lag.insert(n.kafka_lag.end(), t.kafka_lag.begin(), t.kafka_lag.end());
    if (t.watermark_ms < n.watermark_ms) {
      n.watermark_ms = t.watermark_ms;
      n.watermark_lag_ms = t.watermark_lag_ms;
    }
    n.late_records += t.late_records;
    n.dead_letters += t.dead_letters;
    n.skipped_records += t.skipped_records;
    n.dropped_records += t.dropped_records;
    n.committed_records += t.committed_records;
  }
  for (node::TaskSample& n : nodes) {
    const double count = n.parallelism;
    n.busy_ms_per_second /= count;
    n.backpressured_ms_per_second /= count;
    n.idle_ms_per_second /= count;
  }
  return nodes;
}

}  // namespace rivulet::runtime
