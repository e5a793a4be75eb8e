// The planner on graphs of test operators (job_test_support.hpp): task expansion, channel
// wiring per partitioning, key_by handling, build contexts, and the errors that stop a plan.
#include "runtime/planner.hpp"

#include <gtest/gtest.h>

#include <set>

#include "job_test_support.hpp"

namespace rivulet::runtime {
namespace {

using graphs::PartitioningKind;
using jobtest::edge;
using jobtest::node;

class PlannerTest : public ::testing::Test {
 protected:
  PlannerTest() : registry_(jobtest::make_registry(log_)) {}

  PhysicalPlan plan_ok(graphs::Graph graph) {
    auto plan = plan_job({std::move(graph)}, registry_);
    if (!plan) {
      ADD_FAILURE() << plan.error().message;
      return {};
    }
    return std::move(plan).value();
  }

  // source(p_from) -edge-> collect(p_to)
  PhysicalPlan two_nodes(std::uint32_t p_from, std::uint32_t p_to, PartitioningKind kind,
                         std::vector<std::string> keys = {}) {
    graphs::Graph g;
    g.name = "two";
    g.nodes = {node("src", "count_source", p_from), node("sink", "collect", p_to)};
    g.edges = {edge("src", "sink", kind, std::move(keys))};
    return plan_ok(std::move(g));
  }

  // Every output channel must match exactly one input channel of its receiver.
  static void expect_consistent_wiring(const PhysicalPlan& plan) {
    for (const PlannedTask& task : plan.tasks) {
      std::size_t flat = 0;
      for (const OutputEdgeSpec& out : task.spec.outputs) {
        for (const OutputChannelSpec& ch : out.channels) {
          ASSERT_LT(flat, task.targets.size());
          const PlannedTask& receiver = plan.tasks[task.targets[flat++]];
          EXPECT_EQ(ch.id.source_task, task.spec.id);
          EXPECT_EQ(ch.id.target_task, receiver.spec.id);
          ASSERT_LT(ch.target_channel, receiver.spec.inputs.size());
          EXPECT_EQ(receiver.spec.inputs[ch.target_channel].id, ch.id);
        }
      }
      EXPECT_EQ(flat, task.targets.size());
    }
  }

  std::shared_ptr<jobtest::Collected> log_ = std::make_shared<jobtest::Collected>();
  runtime::OperatorRegistry registry_;
};

TEST_F(PlannerTest, ForwardConnectsInstanceToInstance) {
  PhysicalPlan plan = two_nodes(2, 2, PartitioningKind::Forward);
  ASSERT_EQ(plan.tasks.size(), 4u);
  ASSERT_EQ(plan.nodes.size(), 2u);
  EXPECT_TRUE(plan.nodes[0].source);
  EXPECT_FALSE(plan.nodes[1].source);
  for (std::uint32_t i = 0; i < 2; ++i) {
    const PlannedTask& src = plan.tasks[plan.nodes[0].tasks[i]];
    EXPECT_EQ(src.spec.name, "src#" + std::to_string(i));
    EXPECT_EQ(src.spec.subtask_index, i);
    EXPECT_EQ(src.spec.parallelism, 2u);
    ASSERT_EQ(src.spec.outputs.size(), 1u);
    EXPECT_EQ(src.spec.outputs[0].partitioning, PartitioningKind::Forward);
    ASSERT_EQ(src.targets.size(), 1u);
    EXPECT_EQ(src.targets[0], plan.nodes[1].tasks[i]);
    EXPECT_EQ(plan.tasks[plan.nodes[1].tasks[i]].spec.inputs.size(), 1u);
  }
  expect_consistent_wiring(plan);
}

TEST_F(PlannerTest, HashTwoToThreeResolvesKeyColumnsAndConnectsAllToAll) {
  PhysicalPlan plan = two_nodes(2, 3, PartitioningKind::Hash, {"key"});
  ASSERT_EQ(plan.tasks.size(), 5u);
  for (TaskId id : plan.nodes[0].tasks) {
    const OutputEdgeSpec& out = plan.tasks[id].spec.outputs.at(0);
    EXPECT_EQ(out.partitioning, PartitioningKind::Hash);
    EXPECT_EQ(out.key_columns, (std::vector<std::size_t>{1}));  // "key" is the second column
    EXPECT_EQ(out.max_key_groups, 128u);
    ASSERT_EQ(out.channels.size(), 3u);
    // Channels in the receivers' subtask order: the hash partitioner's target t is subtask t.
    for (std::uint32_t t = 0; t < 3; ++t) {
      EXPECT_EQ(plan.tasks[out.channels[t].id.target_task].spec.subtask_index, t);
    }
  }
  for (TaskId id : plan.nodes[1].tasks) {
    EXPECT_EQ(plan.tasks[id].spec.inputs.size(), 2u);
    EXPECT_EQ(*plan.tasks[id].spec.input_schemas.at(0), jobtest::record_schema());
  }
  expect_consistent_wiring(plan);
}

TEST_F(PlannerTest, BroadcastAndRebalanceConnectAllToAll) {
  for (PartitioningKind kind : {PartitioningKind::Broadcast, PartitioningKind::Rebalance}) {
    PhysicalPlan plan = two_nodes(2, 3, kind);
    for (TaskId id : plan.nodes[0].tasks) {
      EXPECT_EQ(plan.tasks[id].spec.outputs.at(0).partitioning, kind);
      EXPECT_EQ(plan.tasks[id].spec.outputs.at(0).channels.size(), 3u);
    }
    for (TaskId id : plan.nodes[1].tasks) EXPECT_EQ(plan.tasks[id].spec.inputs.size(), 2u);
    expect_consistent_wiring(plan);
  }
}

TEST_F(PlannerTest, ForwardOutOfKeyByBecomesHashOnItsKeys) {
  graphs::Graph g;
  g.name = "keyed";
  g.nodes = {node("src", "count_source", 2),
             node("by_key", "keyer", 2, {{"keys", graphs::StringList{"key"}}}),
             node("sink", "keyed_collect", 2)};
  g.edges = {edge("src", "by_key"), edge("by_key", "sink")};  // both declared forward
  PhysicalPlan plan = plan_ok(std::move(g));
  ASSERT_EQ(plan.nodes.size(), 3u);
  for (TaskId id : plan.nodes[0].tasks) {
    EXPECT_EQ(plan.tasks[id].spec.outputs.at(0).partitioning, PartitioningKind::Forward);
  }
  for (TaskId id : plan.nodes[1].tasks) {
    const OutputEdgeSpec& out = plan.tasks[id].spec.outputs.at(0);
    EXPECT_EQ(out.partitioning, PartitioningKind::Hash);
    EXPECT_EQ(out.key_columns, (std::vector<std::size_t>{1}));
    EXPECT_EQ(out.channels.size(), 2u);
  }
  EXPECT_EQ(plan.nodes[2].input_keys, (std::vector<std::vector<std::string>>{{"key"}}));
  const TaskId sink_task = plan.nodes[2].tasks[1];
  runtime::OperatorBuildContext context = build_context(plan, sink_task, "127.0.0.1:9");
  EXPECT_EQ(context.node.id, "sink");
  EXPECT_EQ(context.spec.kind, "keyed_collect");
  EXPECT_EQ(context.subtask_index, 1u);
  EXPECT_EQ(context.parallelism, 2u);
  EXPECT_EQ(context.input_schemas, (std::vector<graphs::Schema>{jobtest::record_schema()}));
  EXPECT_EQ(context.input_keys, (std::vector<std::vector<std::string>>{{"key"}}));
  EXPECT_EQ(context.bootstrap_servers, "127.0.0.1:9");
  expect_consistent_wiring(plan);
}

TEST_F(PlannerTest, SpawnOrderIsDownstreamFirstSourcesLast) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", 2), node("mid", "pass", 2), node("sink", "collect", 1)};
  g.edges = {edge("src", "mid"), edge("mid", "sink", PartitioningKind::Rebalance)};
  PhysicalPlan plan = plan_ok(std::move(g));
  const std::vector<TaskId> order = plan.spawn_order();
  ASSERT_EQ(order.size(), plan.tasks.size());
  std::set<TaskId> spawned;
  for (TaskId id : order) {
    for (TaskId target : plan.tasks[id].targets) {
      EXPECT_TRUE(spawned.count(target)) << plan.tasks[id].spec.name << " before its target";
    }
    spawned.insert(id);
  }
  EXPECT_TRUE(plan.node_of_task(order.back()).source);
}

TEST_F(PlannerTest, SpecOnlyKindIsRejectedNamingNodeAndKind) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source"), node("todo", "spec_only"), node("sink", "collect")};
  g.edges = {edge("src", "todo"), edge("todo", "sink")};
  auto plan = plan_job({g}, registry_);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message,
            "node 'todo': operator kind 'spec_only' has no runtime implementation yet");
}

TEST_F(PlannerTest, InvalidGraphGivesTheValidatorsProblems) {
  graphs::Graph g;
  g.nodes = {node("src", "count_source", 2), node("sink", "collect", 3)};
  g.edges = {edge("src", "sink", PartitioningKind::Hash, {"nope"})};
  auto plan = plan_job({g}, registry_);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("hash key field 'nope'"), std::string::npos)
      << plan.error().message;

  g.edges = {edge("src", "sink")};  // forward between parallelism 2 and 3
  plan = plan_job({g}, registry_);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("forward partitioning needs equal parallelism"),
            std::string::npos)
      << plan.error().message;
}

TEST_F(PlannerTest, SeveralGraphsFormOneJobWithUniqueNames) {
  graphs::Graph a;
  a.name = "gen";
  a.nodes = {node("src", "count_source"), node("sink", "collect")};
  a.edges = {edge("src", "sink")};
  graphs::Graph b = a;
  b.name = "pipeline";
  b.nodes[1].id = "out";
  b.edges[0].to.node = "out";
  auto plan = plan_job({a, b}, registry_);
  ASSERT_TRUE(plan) << plan.error().message;
  std::set<std::string> names;
  for (const PlannedNode& n : plan->nodes) names.insert(n.name);
  EXPECT_EQ(names, (std::set<std::string>{"gen/src", "pipeline/src", "sink", "out"}));
  EXPECT_EQ(plan->tasks.size(), 4u);
  expect_consistent_wiring(*plan);

  b.nodes[1].kind = "spec_only_missing";  // an unknown kind: reported with the graph's name
  plan = plan_job({a, b}, registry_);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message.rfind("graph 'pipeline': ", 0), 0u) << plan.error().message;
}

}  // namespace
}  // namespace rivulet::runtime
