// graphs/graph_diff: the structural diff shown before a redeploy, and what happens to state.

#include "graphs/graph_diff.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace rivulet::graphs {
namespace {

Catalog catalog() {
  Catalog c;
  OperatorSpec source;
  source.kind = "kafka_source";
  source.stateful = true;
  source.partition_state = true;
  OperatorSpec filter;
  filter.kind = "filter";
  OperatorSpec window;
  window.kind = "tumbling_window";
  window.stateful = true;
  OperatorSpec sink;
  sink.kind = "kafka_sink";
  c.operators = {source, filter, window, sink};
  return c;
}

Node node(std::string id, std::string kind, std::vector<Parameter> parameters = {}) {
  Node n;
  n.id = std::move(id);
  n.kind = std::move(kind);
  n.parameters = std::move(parameters);
  return n;
}

Edge edge(std::string from, std::string to) {
  return Edge{{std::move(from), "out"}, {std::move(to), "in"}, {}};
}

Graph deployed() {
  Graph g;
  g.name = "fraud";
  g.nodes = {node("src", "kafka_source", {{"topic", std::string("tx")}}),
             node("big", "filter", {{"condition", Expression{"amount > 100"}}}),
             node("win", "tumbling_window", {{"size", Duration{60000}}}),
             node("out", "kafka_sink")};
  g.edges = {edge("src", "big"), edge("big", "win"), edge("win", "out")};
  return g;
}

const StateChange* state_of(const GraphDiff& diff, const std::string& id, StateFate fate) {
  auto it = std::find_if(diff.state.begin(), diff.state.end(),
                         [&](const StateChange& s) { return s.id == id && s.fate == fate; });
  return it == diff.state.end() ? nullptr : &*it;
}

TEST(GraphDiffTest, IdenticalGraphsHaveNoDifferenceAndKeepEveryState) {
  const GraphDiff diff = diff_graphs(deployed(), deployed(), catalog());
  EXPECT_TRUE(diff.empty());
  EXPECT_TRUE(diff.changed.empty());
  EXPECT_FALSE(diff.drops_state());
  ASSERT_EQ(diff.state.size(), 2u);  // the source and the window; filter and sink have none
  EXPECT_NE(state_of(diff, "src", StateFate::Kept), nullptr);
  EXPECT_NE(state_of(diff, "win", StateFate::Kept), nullptr);
}

TEST(GraphDiffTest, MovedOnlyIsReportedButIsNoStructuralChange) {
  Graph edited = deployed();
  edited.node("big")->position = {300, 40};
  const GraphDiff diff = diff_graphs(deployed(), edited, catalog());
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_TRUE(diff.changed[0].moved);
  EXPECT_FALSE(diff.changed[0].affects_job());
  EXPECT_TRUE(diff.empty());
}

TEST(GraphDiffTest, ParameterChangesShowOldAndNewValues) {
  Graph edited = deployed();
  edited.node("big")->set_parameter("condition", Expression{"amount > 500"});
  edited.node("win")->set_parameter("size", Duration{300000});
  edited.node("win")->set_parameter("allowed_lateness", Duration{5000});
  edited.node("src")->parameters.clear();
  const GraphDiff diff = diff_graphs(deployed(), edited, catalog());
  EXPECT_FALSE(diff.empty());
  ASSERT_EQ(diff.changed.size(), 3u);
  auto change_of = [&](const std::string& id) {
    return *std::find_if(diff.changed.begin(), diff.changed.end(),
                         [&](const NodeChange& c) { return c.id == id; });
  };
  const NodeChange big = change_of("big");
  ASSERT_EQ(big.parameters.size(), 1u);
  EXPECT_EQ(big.parameters[0].name, "condition");
  EXPECT_EQ(big.parameters[0].old_value, "amount > 100");
  EXPECT_EQ(big.parameters[0].new_value, "amount > 500");
  const NodeChange win = change_of("win");
  ASSERT_EQ(win.parameters.size(), 2u);  // sorted by name
  EXPECT_EQ(win.parameters[0].name, "allowed_lateness");
  EXPECT_TRUE(win.parameters[0].added);
  EXPECT_EQ(win.parameters[0].new_value, "5s");
  EXPECT_EQ(win.parameters[1].old_value, "1min");
  EXPECT_EQ(win.parameters[1].new_value, "5min");
  const NodeChange src = change_of("src");
  ASSERT_EQ(src.parameters.size(), 1u);
  EXPECT_TRUE(src.parameters[0].removed);
  EXPECT_EQ(src.parameters[0].old_value, "tx");
  // Parameters change no state's fate.
  EXPECT_FALSE(diff.drops_state());
}

TEST(GraphDiffTest, AddedAndRemovedNodesAndEdges) {
  Graph edited = deployed();
  edited.nodes.erase(edited.nodes.begin() + 1);  // "big"
  edited.nodes.push_back(node("small", "filter"));
  edited.edges = {edge("src", "small"), edge("small", "win"), edge("win", "out")};
  const GraphDiff diff = diff_graphs(deployed(), edited, catalog());
  ASSERT_EQ(diff.removed.size(), 1u);
  EXPECT_EQ(diff.removed[0].id, "big");
  ASSERT_EQ(diff.added.size(), 1u);
  EXPECT_EQ(diff.added[0].id, "small");
  EXPECT_EQ(diff.edges_removed.size(), 2u);
  EXPECT_EQ(diff.edges_added.size(), 2u);
  EXPECT_FALSE(diff.drops_state());  // a stateless node went
}

TEST(GraphDiffTest, RemovedOrReKindedStatefulNodesDropTheirState) {
  Graph edited = deployed();
  edited.node("win")->kind = "filter";
  edited.nodes.erase(edited.nodes.begin());  // "src"
  edited.nodes.push_back(node("win2", "tumbling_window"));
  const GraphDiff diff = diff_graphs(deployed(), edited, catalog());
  EXPECT_TRUE(diff.drops_state());
  const StateChange* removed = state_of(diff, "src", StateFate::Dropped);
  ASSERT_NE(removed, nullptr);
  EXPECT_EQ(removed->reason, "removed");
  const StateChange* rekinded = state_of(diff, "win", StateFate::Dropped);
  ASSERT_NE(rekinded, nullptr);
  EXPECT_NE(rekinded->reason.find("tumbling_window to filter"), std::string::npos);
  EXPECT_NE(state_of(diff, "win2", StateFate::Fresh), nullptr);
  const auto win = std::find_if(diff.changed.begin(), diff.changed.end(),
                                [](const NodeChange& c) { return c.id == "win"; });
  ASSERT_NE(win, diff.changed.end());
  EXPECT_TRUE(win->kind_changed());
}

TEST(GraphDiffTest, ParallelismChangeKeepsPartitionStateAndBlocksKeyedState) {
  Graph edited = deployed();
  edited.node("src")->parallelism = 4;
  edited.node("win")->parallelism = 2;
  edited.node("big")->parallelism = 3;
  const GraphDiff diff = diff_graphs(deployed(), edited, catalog());
  EXPECT_FALSE(diff.empty());
  EXPECT_EQ(diff.changed.size(), 3u);
  EXPECT_NE(state_of(diff, "src", StateFate::Kept), nullptr);
  EXPECT_NE(state_of(diff, "win", StateFate::Blocked), nullptr);
  EXPECT_TRUE(diff.blocks_restore());
  EXPECT_FALSE(diff.drops_state());
}

TEST(GraphDiffTest, UnknownKindsCountAsStatefulSoNoDropIsHidden) {
  Graph old_graph;
  old_graph.nodes = {node("p", "plugin_op")};
  const GraphDiff diff = diff_graphs(old_graph, Graph{}, catalog());
  EXPECT_TRUE(diff.drops_state());
}

TEST(GraphDiffTest, PartitioningChangeIsAnEdgeChange) {
  Graph edited = deployed();
  edited.edges[1].partitioning = {PartitioningKind::Hash, {"card"}};
  const GraphDiff diff = diff_graphs(deployed(), edited, catalog());
  EXPECT_EQ(diff.edges_removed.size(), 1u);
  EXPECT_EQ(diff.edges_added.size(), 1u);
  EXPECT_FALSE(diff.empty());
}

TEST(GraphDiffTest, RuntimeSettingsChange) {
  Graph edited = deployed();
  edited.runtime.checkpoint_interval_ms = 5000;
  EXPECT_TRUE(diff_graphs(deployed(), edited, catalog()).settings_changed);
}

}  // namespace
}  // namespace rivulet::graphs
