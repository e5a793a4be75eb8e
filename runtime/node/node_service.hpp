#pragma once
// What a runtime node does, as plain C++ values: the seam between the node's control API
// (graphs/control.capnp, served by runtime/node/control_server.*) and the job manager that
// runs the jobs (runtime/node/job_manager.*). The RPC server translates every call into one of
// these, so either side and its tests need neither Cap'n Proto nor a running job.
//
// Everything here is about one node. A later issue lets several nodes run one job; placement of
// tasks stays inside the job manager, and nothing in this interface assumes that a job's tasks
// live in the calling process.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/control_types.hpp"
#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "graphs/validator.hpp"

namespace rivulet::runtime::node {

// The values are shared with the control API's clients (graphs/control_types.hpp).
using graphs::control::CheckpointRecord;
using graphs::control::CheckpointStatus;
using graphs::control::DeployOptions;
using graphs::control::DeployOutcome;
using graphs::control::DeployRequest;
using graphs::control::EdgeRef;
using graphs::control::Handle;
using graphs::control::JobDetail;
using graphs::control::JobEvent;
using graphs::control::JobEventKind;
using graphs::control::JobId;
using graphs::control::JobMetrics;
using graphs::control::JobState;
using graphs::control::JobSummary;
using graphs::control::NodeInfo;
using graphs::control::PartitionLag;
using graphs::control::PreviewRecords;
using graphs::control::RestartRecord;
using graphs::control::TaskSample;
using graphs::control::to_string;
using graphs::control::WallMs;

class NodeService {
 public:
  virtual ~NodeService() = default;

  virtual NodeInfo info() const = 0;
  // Validates every graph (and the overrides, and a savepoint against the plan) before
  // accepting it; nothing runs unless there is no problem.
  virtual DeployOutcome deploy(DeployRequest request) = 0;
  virtual std::vector<JobSummary> jobs() const = 0;
  [[nodiscard]] virtual graphs::Result<JobDetail> status(const JobId& job) const = 0;
  // With an empty savepoint_dir the savepoint goes under the node's data dir. drain: sources
  // end and everything drains first (Flink's --drain). Returns the savepoint's directory.
  // Blocks until the job ended (bounded by the node's savepoint timeout).
  [[nodiscard]] virtual graphs::Result<std::string> stop(const JobId& job,
                                                         const std::string& savepoint_dir,
                                                         bool drain) = 0;
  [[nodiscard]] virtual graphs::Status cancel(const JobId& job) = 0;
  // A savepoint of a running job, which keeps running. Returns its directory.
  [[nodiscard]] virtual graphs::Result<std::string> savepoint(const JobId& job) = 0;
  // The node's operators, plugins from its plugin directory included.
  virtual graphs::Catalog catalog() const = 0;
  // A fresh sample; rates are over the time since the previous call with the same sampler_id
  // (each subscription uses its own id).
  [[nodiscard]] virtual graphs::Result<JobMetrics> metrics(const JobId& job,
                                                           std::uint64_t sampler_id) = 0;
  // Events with sequence > after, oldest first (the node keeps the most recent ones).
  [[nodiscard]] virtual graphs::Result<std::vector<JobEvent>> events(const JobId& job,
                                                                     std::uint64_t after) const = 0;
  // Calls `deliver` (on a node thread, at most about twice a second) with what crossed `edge`,
  // at most max_records_per_second records per second in all. Ends when the handle is
  // destroyed or the job ends.
  [[nodiscard]] virtual graphs::Result<std::unique_ptr<Handle>> preview(
      const JobId& job, const EdgeRef& edge, std::uint32_t max_records_per_second,
      std::function<void(PreviewRecords)> deliver) = 0;
};

// How the node was started (`rivulet node` flags).
struct NodeConfig {
  std::string data_dir;           // jobs, their checkpoints and savepoints live here
  std::string bootstrap_servers;  // empty: host the embedded broker
  std::string plugin_dir;         // operator plugins are loaded from here only; empty: none
  // file_source / file_sink paths of deployed graphs are confined here (an existing
  // directory); empty: <data dir>/files, created when missing.
  std::string file_root;
  // Kafka client settings naming a file (ssl.ca.location, ...) in deployed graphs resolve
  // inside this directory; empty: such settings are refused.
  std::string credentials_dir;
  std::chrono::milliseconds savepoint_timeout{std::chrono::minutes(2)};
};

}  // namespace rivulet::runtime::node
