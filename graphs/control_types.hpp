#pragma once
// The values a runtime node's control API talks about (jobs, their state, events, metrics,
// previews), as plain C++. They live in graphs/ because both sides of the control contract use
// them: the node (runtime/node/node_service.hpp serves them) and its clients (client/, the
// editor), which link graphs/ and Cap'n Proto only. graphs/control_wire.* converts them to and
// from graphs/control.capnp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graphs/graph.hpp"
#include "graphs/validator.hpp"

namespace rivulet::graphs::control {

// Assigned by the node at deploy ("job-1", "job-2", ...); never reused on the same data dir.
using JobId = std::string;

// Milliseconds since the Unix epoch (wall clock), as shown to users.
using WallMs = std::int64_t;

enum class JobState { Created, Running, Restarting, Stopping, Finished, Failed, Cancelled };

struct DeployOptions {
  std::string name;                    // empty: the graphs' names joined with '+'
  std::vector<std::string> overrides;  // "NODE.PARAM=VALUE", parsed by the parameter's type
  std::string from_savepoint;          // a savepoint directory on the node; empty: none
  bool allow_non_restored_state = false;
};

struct DeployRequest {
  std::vector<Graph> graphs;  // run together as one job
  DeployOptions options;
};

// Either a job id, or every problem found (validation problems name node and field; a problem
// that is not a validation problem, e.g. an unreadable savepoint, has an empty node_id).
struct DeployOutcome {
  std::optional<JobId> job;
  std::vector<Problem> problems;
};

struct RestartRecord {
  WallMs at = 0;
  std::string cause;  // the failure that caused the restart, naming the task
};

enum class CheckpointStatus { InProgress, Completed, Failed };

struct CheckpointRecord {
  std::uint64_t id = 0;
  WallMs started = 0;
  std::int64_t duration_ms = 0;   // trigger to completion (or failure)
  std::int64_t alignment_ms = 0;  // longest barrier alignment of any task
  std::uint64_t bytes = 0;        // state written
  CheckpointStatus status = CheckpointStatus::InProgress;
  std::string failure;  // why it failed
  bool savepoint = false;
};

struct JobSummary {
  JobId id;
  std::string name;
  JobState state = JobState::Created;
  WallMs started = 0;
  std::uint32_t restarts = 0;
};

struct JobDetail {
  JobSummary summary;
  std::string message;  // why it failed / was cancelled; empty otherwise
  std::vector<RestartRecord> restarts;
  std::optional<CheckpointRecord> last_checkpoint;  // the newest completed one
  std::vector<CheckpointRecord> checkpoints;        // the most recent ones, oldest first
  std::vector<Graph> graphs;                        // exactly what was deployed (after overrides)
  DeployOptions options;
};

enum class JobEventKind {
  Started,
  CheckpointCompleted,
  CheckpointFailed,
  Restarted,
  Failed,
  Finished,
  Cancelled,
  SavepointTaken,
};

struct JobEvent {
  std::uint64_t sequence = 0;  // 1, 2, ... per job: a client resumes after the last it saw
  WallMs at = 0;
  JobEventKind kind = JobEventKind::Started;
  std::string message;  // cause, savepoint path, ...
  // CheckpointFailed with checkpoint_id 0 is about no single checkpoint: a warning ("warning:
  // ...") that several failed in a row or that none completed for several intervals.
  std::uint64_t checkpoint_id = 0;
};

struct PartitionLag {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t lag = 0;  // high watermark minus the next offset to read
};

// One task instance (node id + subtask) at one sample. Totals are counters since the job
// attempt started; rates are over the interval since the previous sample of the same sampler.
struct TaskSample {
  std::string node_id;
  std::uint32_t subtask = 0;
  std::uint32_t parallelism = 1;
  std::string state;  // "running", "finished", "failed", ...
  std::uint64_t records_in = 0, records_out = 0, bytes_in = 0, bytes_out = 0;
  double records_in_per_second = 0, records_out_per_second = 0;
  double bytes_in_per_second = 0, bytes_out_per_second = 0;
  // Flink's definitions; the three add up to about 1000 ms per second.
  double busy_ms_per_second = 0, backpressured_ms_per_second = 0, idle_ms_per_second = 0;
  std::vector<double> input_fill;       // per input channel: queued batches / credit window, 0..1
  std::int64_t watermark_ms = 0;        // kMinWatermark before the first one
  std::int64_t watermark_lag_ms = 0;    // wall clock minus watermark; 0 without a watermark
  std::vector<PartitionLag> kafka_lag;  // sources reading Kafka
  std::uint64_t late_records = 0, dead_letters = 0, skipped_records = 0;
  // Emitted on an output port with no edge (e.g. an unconnected dead_letters or late output).
  std::uint64_t dropped_records = 0;
  std::uint64_t committed_records = 0;  // sinks: records whose output is committed
};

struct JobMetrics {
  JobId job;
  WallMs at = 0;
  std::vector<TaskSample> tasks;
  std::vector<CheckpointRecord> checkpoints;  // the most recent ones, newest last
  std::vector<RestartRecord> restarts;
};

// Records seen crossing one edge, rate-limited, formatted as text by the edge's schema.
struct PreviewRecords {
  Schema schema;
  std::vector<std::vector<std::string>> rows;  // one value per schema field
  std::uint64_t skipped = 0;  // records not sampled because of the rate limit, since the last
};

struct EdgeRef {
  std::string from_node, from_port, to_node, to_port;
};

// Alive while held: destroying it removes the tap or ends the subscription.
class Handle {
 public:
  virtual ~Handle() = default;
};

struct NodeInfo {
  std::string version;
  std::string bootstrap_servers;  // the embedded broker's address when the node hosts it
  WallMs started = 0;
  std::string data_dir;
};

std::string to_string(JobState state);
std::string to_string(JobEventKind kind);
std::string to_string(CheckpointStatus status);

}  // namespace rivulet::graphs::control
