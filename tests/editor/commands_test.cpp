// The document and its undo commands, without any widget: every edit undoes to the exact
// previous graph (order included) and redoes to the same result.
#include <gtest/gtest.h>

#include "editor/commands.hpp"
#include "editor/connection_rules.hpp"
#include "editor/graph_clipboard.hpp"
#include "editor/graph_document.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

graphs::Edge edge(std::string a, std::string ap, std::string b, std::string bp) {
  graphs::Edge e;
  e.from = {std::move(a), std::move(ap)};
  e.to = {std::move(b), std::move(bp)};
  return e;
}

struct Fixture : ::testing::Test {
  GraphDocument doc{test::testCatalog()};
  QUndoStack& stack = *doc.undoStack();

  void addChain() {
    stack.push(new AddNodeCommand(doc, doc.makeNode("events_source", {0, 0})));
    stack.push(new AddNodeCommand(doc, doc.makeNode("filter", {200, 0})));
    stack.push(new AddNodeCommand(doc, doc.makeNode("print_sink", {400, 0})));
    stack.push(new ConnectCommand(doc, edge("events_source_1", "out", "filter_1", "in")));
    stack.push(new ConnectCommand(doc, edge("filter_1", "out", "print_sink_1", "in")));
  }
};

TEST_F(Fixture, NodeIdsAreUniquePerKind) {
  addChain();
  EXPECT_EQ(doc.uniqueNodeId("filter"), "filter_2");
  EXPECT_EQ(doc.graph().nodes[1].id, "filter_1");
}

TEST_F(Fixture, UndoAllGivesEmptyGraphAndRedoRestoresIt) {
  addChain();
  stack.push(new SetParameterCommand(doc, "filter_1", "condition",
                                     graphs::Value(graphs::Expression{"amount > 5"})));
  stack.push(new SetLabelCommand(doc, "filter_1", "big ones"));
  stack.push(new SetParallelismCommand(doc, "filter_1", 4));
  graphs::Partitioning hash;
  hash.kind = graphs::PartitioningKind::Hash;
  hash.key_fields = {"user"};
  stack.push(new SetPartitioningCommand(doc, 0, hash));
  const graphs::Graph full = doc.graph();
  while (stack.canUndo()) stack.undo();
  EXPECT_EQ(doc.graph(), graphs::Graph{});
  while (stack.canRedo()) stack.redo();
  EXPECT_EQ(doc.graph(), full);
}

TEST_F(Fixture, RemovingANodeTakesItsEdgesAndUndoRestoresTheOrder) {
  addChain();
  const graphs::Graph before = doc.graph();
  stack.push(new RemoveItemsCommand(doc, {"filter_1"}, {}));
  EXPECT_EQ(doc.graph().nodes.size(), 2u);
  EXPECT_TRUE(doc.graph().edges.empty());
  stack.undo();
  EXPECT_EQ(doc.graph(), before);
}

TEST_F(Fixture, ConsecutiveMovesOfTheSameNodesMergeIntoOneStep) {
  addChain();
  const int steps = stack.count();
  stack.push(new MoveNodesCommand(doc, {{"filter_1", {200, 0}}}, {{"filter_1", {210, 5}}}));
  stack.push(new MoveNodesCommand(doc, {{"filter_1", {210, 5}}}, {{"filter_1", {260, 40}}}));
  EXPECT_EQ(stack.count(), steps + 1);
  EXPECT_EQ(doc.graph().node("filter_1")->position, (graphs::Position{260, 40}));
  stack.undo();
  EXPECT_EQ(doc.graph().node("filter_1")->position, (graphs::Position{200, 0}));
}

TEST_F(Fixture, SetParameterUndoKeepsParameterOrder) {
  addChain();
  stack.push(new SetParameterCommand(doc, "events_source_1", "rate", graphs::Value(std::int64_t{5})));
  stack.push(new SetParameterCommand(doc, "events_source_1", "interval",
                                     graphs::Value(graphs::Duration{2000})));
  const graphs::Graph before = doc.graph();
  stack.push(new SetParameterCommand(doc, "events_source_1", "rate", std::nullopt));
  EXPECT_EQ(doc.graph().node("events_source_1")->parameter("rate"), nullptr);
  stack.undo();
  EXPECT_EQ(doc.graph(), before);
}

TEST_F(Fixture, PasteRenamesNodesAndKeepsInternalEdges) {
  addChain();
  graphs::Graph fragment = extractFragment(doc.graph(), {"filter_1", "print_sink_1"});
  ASSERT_EQ(fragment.edges.size(), 1u);
  prepareForPaste(fragment, doc, 40, 40);
  EXPECT_EQ(fragment.nodes[0].id, "filter_2");
  EXPECT_EQ(fragment.edges[0].from.node, "filter_2");
  EXPECT_EQ(fragment.edges[0].to.node, "print_sink_2");
  const graphs::Graph before = doc.graph();
  stack.push(new PasteCommand(doc, fragment.nodes, fragment.edges));
  EXPECT_EQ(doc.graph().nodes.size(), 5u);
  EXPECT_EQ(doc.graph().edges.size(), 3u);
  stack.undo();
  EXPECT_EQ(doc.graph(), before);
}

TEST_F(Fixture, ConnectionRulesRefuseKeyedFromRecordsCyclesAndDuplicates) {
  addChain();
  stack.push(new AddNodeCommand(doc, doc.makeNode("window_count", {0, 0})));
  stack.push(new AddNodeCommand(doc, doc.makeNode("key_by", {0, 0})));
  const auto& g = doc.graph();
  const auto& c = doc.catalog();
  EXPECT_TRUE(connectionRefusal(g, c, {"filter_1", "out"}, {"window_count_1", "in"}));
  EXPECT_FALSE(connectionRefusal(g, c, {"key_by_1", "out"}, {"window_count_1", "in"}));
  EXPECT_TRUE(connectionRefusal(g, c, {"events_source_1", "out"}, {"filter_1", "in"}));
  EXPECT_TRUE(connectionRefusal(g, c, {"filter_1", "out"}, {"filter_1", "in"}));
  EXPECT_TRUE(connectionRefusal(g, c, {"filter_1", "out"}, {"events_source_1", "out"}));
  stack.push(new AddNodeCommand(doc, doc.makeNode("filter", {0, 0})));
  stack.push(new ConnectCommand(doc, edge("filter_1", "out", "filter_2", "in")));
  EXPECT_TRUE(connectionRefusal(g, c, {"filter_2", "out"}, {"filter_1", "in"}));  // a cycle
}

}  // namespace
}  // namespace rivulet::editor
