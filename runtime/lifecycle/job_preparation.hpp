#pragma once
// The first half of a job's life, shared by `rivulet run` and the node's job manager: graph
// files loaded, parameter overrides applied, every graph validated against the registry's
// catalog, the whole planned as one job. Nothing runs here; every outcome is a value.

#include <optional>
#include <string>
#include <vector>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "graphs/validator.hpp"
#include "runtime/checkpoint/manifest.hpp"
#include "runtime/embedded_broker.hpp"
#include "runtime/operator_registry.hpp"
#include "runtime/physical_plan.hpp"

namespace rivulet::runtime::lifecycle {

// Each file loaded (.rgraph, .rgraphp or .json); a graph without a name is named after its
// file. The error names the file.
[[nodiscard]] graphs::Result<std::vector<graphs::Graph>> load_graph_files(
    const std::vector<std::string>& files);

struct PreparedJob {
  std::vector<graphs::Graph> graphs;  // after the overrides: what runs
  PhysicalPlan plan;
};

struct Preparation {
  std::optional<PreparedJob> job;  // set when no problem is an error
  // Per input graph (same index): its validation problems, warnings included.
  std::vector<std::vector<graphs::Problem>> graph_problems;
  // Problems of the job as a whole (an override that does not parse or names no node, a plan
  // that cannot be built); these have an empty node_id unless the cause names one.
  std::vector<graphs::Problem> job_problems;

  bool ok() const { return job.has_value(); }
  // Every problem, graph problems first (in graph order), then the job's.
  std::vector<graphs::Problem> all_problems() const;
};

// Overrides ("NODE.PARAM=VALUE", each parsed by the parameter's declared type), validation of
// every graph (every problem reported, not just the first), then the plan. A bad override
// stops before validation: the graphs it would change are not the ones to check.
[[nodiscard]] Preparation prepare_job(std::vector<graphs::Graph> graphs,
                                      const std::vector<std::string>& overrides,
                                      const OperatorRegistry& registry);

// What the manifests of this job's checkpoints and savepoints record about it.
checkpoint::JobIdentity job_identity(const std::vector<graphs::Graph>& graphs);

// Topics the graphs' Kafka nodes use on the default cluster (those without their own
// bootstrap_servers), with as many partitions as the widest node using them has instances (so
// every source instance gets a partition), plus `extra` topics with one partition. Sorted by
// name. Empty: the job needs no default cluster.
std::vector<TopicSpec> default_cluster_topics(const std::vector<graphs::Graph>& graphs,
                                              const std::vector<std::string>& extra = {});

}  // namespace rivulet::runtime::lifecycle
