#include "runtime/lifecycle/job_preparation.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "graphs/graph_io.hpp"
#include "runtime/parameter_overrides.hpp"
#include "runtime/planner.hpp"

namespace rivulet::runtime::lifecycle {
namespace {

graphs::Problem job_problem(std::string field, std::string message) {
  graphs::Problem problem;
  problem.field = std::move(field);
  problem.message = std::move(message);
  return problem;
}

const std::string* string_parameter(const graphs::Node& node, const std::string& name) {
  const graphs::Value* value = node.parameter(name);
  return value ? std::get_if<std::string>(value) : nullptr;
}

}  // namespace

graphs::Result<std::vector<graphs::Graph>> load_graph_files(const std::vector<std::string>& files) {
  std::vector<graphs::Graph> loaded;
  for (const std::string& file : files) {
    graphs::Result<graphs::Graph> graph = graphs::load_graph(file);
    if (!graph) return graphs::Error{file + ": " + graph.error().message};
    loaded.push_back(std::move(graph).value());
    if (loaded.back().name.empty()) loaded.back().name = file;
  }
  return loaded;
}

std::vector<graphs::Problem> Preparation::all_problems() const {
  std::vector<graphs::Problem> all;
  for (const auto& problems : graph_problems)
    all.insert(all.end(), problems.begin(), problems.end());
  all.insert(all.end(), job_problems.begin(), job_problems.end());
  return all;
}

Preparation prepare_job(std::vector<graphs::Graph> graphs,
                        const std::vector<std::string>& overrides,
                        const OperatorRegistry& registry) {
  Preparation preparation;
  std::vector<ParameterOverride> parsed;
  for (const std::string& text : overrides) {
    graphs::Result<ParameterOverride> one = parse_override(text);
    if (!one) {
      preparation.job_problems.push_back(job_problem("overrides", one.error().message));
    } else {
      parsed.push_back(std::move(one).value());
    }
  }
  if (!preparation.job_problems.empty()) return preparation;
  const graphs::Catalog catalog = registry.catalog();
  if (graphs::Status applied = apply_overrides(graphs, parsed, catalog); !applied) {
    preparation.job_problems.push_back(job_problem("overrides", applied.error().message));
    return preparation;
  }
  bool valid = true;
  for (const graphs::Graph& graph : graphs) {
    graphs::ValidationReport report = graphs::validate(graph, catalog);
    valid = valid && report.ok();
    preparation.graph_problems.push_back(std::move(report.problems));
  }
  if (!valid) return preparation;
  std::vector<graphs::Graph> planned = graphs;
  graphs::Result<PhysicalPlan> plan = plan_job(std::move(planned), registry);
  if (!plan) {
    preparation.job_problems.push_back(job_problem("", plan.error().message));
    return preparation;
  }
  preparation.job = PreparedJob{std::move(graphs), std::move(plan).value()};
  return preparation;
}

checkpoint::JobIdentity job_identity(const std::vector<graphs::Graph>& graphs) {
  checkpoint::JobIdentity identity;
  for (const graphs::Graph& graph : graphs) {
    identity.graph_name += (identity.graph_name.empty() ? "" : "+") + graph.name;
    for (const graphs::Node& node : graph.nodes) {
      identity.node_ids.push_back(node.id);
      identity.node_kinds.emplace_back(node.id, node.kind);
    }
  }
  return identity;
}

std::vector<TopicSpec> default_cluster_topics(const std::vector<graphs::Graph>& graphs,
                                              const std::vector<std::string>& extra) {
  std::map<std::string, int> partitions;
  for (const graphs::Graph& graph : graphs) {
    for (const graphs::Node& node : graph.nodes) {
      const std::string* bootstrap = string_parameter(node, "bootstrap_servers");
      if (bootstrap && !bootstrap->empty()) continue;  // another cluster
      const int width = static_cast<int>(std::max<std::uint32_t>(node.parallelism, 1));
      std::vector<std::string> topics;
      if (node.kind == "kafka_source") {
        if (const graphs::Value* v = node.parameter("topics")) {
          if (const auto* list = std::get_if<graphs::StringList>(v)) topics = *list;
        }
      } else if (node.kind == "kafka_sink") {
        if (const std::string* topic = string_parameter(node, "topic")) topics = {*topic};
      }
      for (const std::string& topic : topics) {
        partitions[topic] = std::max(partitions[topic], width);
      }
    }
  }
  for (const std::string& topic : extra) partitions.emplace(topic, 1);
  std::vector<TopicSpec> specs;
  for (const auto& [name, count] : partitions) specs.push_back({name, count});
  return specs;
}

}  // namespace rivulet::runtime::lifecycle
