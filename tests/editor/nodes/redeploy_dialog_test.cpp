// editor/nodes/redeploy_dialog and deploy_controller's graph matching: the diff a user sees
// before a redeploy, and that dropping state must be accepted explicitly.

#include "editor/nodes/redeploy_dialog.hpp"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QPushButton>
#include <QTreeWidget>

#include "editor/nodes/deploy_controller.hpp"
#include "tests/editor/editor_test_support.hpp"

namespace rivulet::editor {
namespace {

graphs::Catalog catalog() {
  graphs::Catalog c;
  graphs::OperatorSpec window;
  window.kind = "window_aggregate";
  window.stateful = true;
  graphs::OperatorSpec filter;
  filter.kind = "filter";
  c.operators = {window, filter};
  return c;
}

graphs::Graph graph() {
  graphs::Graph g;
  g.name = "pipeline";
  graphs::Node w;
  w.id = "per_minute";
  w.kind = "window_aggregate";
  graphs::Node f;
  f.id = "big";
  f.kind = "filter";
  f.set_parameter("predicate", graphs::Expression{"amount > 100"});
  g.nodes = {w, f};
  return g;
}

QStringList texts(const QTreeWidgetItem* item) {
  QStringList out{item->text(0) + QStringLiteral(" | ") + item->text(1)};
  for (int i = 0; i < item->childCount(); ++i) out << texts(item->child(i));
  return out;
}

QString allText(const QTreeWidget& tree) {
  QStringList lines;
  for (int i = 0; i < tree.topLevelItemCount(); ++i) lines << texts(tree.topLevelItem(i));
  return lines.join(QLatin1Char('\n'));
}

QPushButton* redeployButton(RedeployDialog& dialog) {
  return dialog.findChild<QPushButton*>(QStringLiteral("redeployButton"));
}

TEST(RedeployDialogTest, ShowsParameterChangesOldToNewAndKeptState) {
  test::app();
  graphs::Graph edited = graph();
  edited.node("big")->set_parameter("predicate", graphs::Expression{"amount > 500"});
  edited.node("per_minute")->position = {10, 10};
  const auto diff = graphs::diff_graphs(graph(), edited, catalog());
  RedeployDialog dialog(diff, QStringLiteral("job-1"));
  const QString text = allText(*dialog.tree());
  EXPECT_TRUE(text.contains(QStringLiteral("predicate | amount > 100 → amount > 500")))
      << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("per_minute | moved only"))) << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("per_minute | kept"))) << text.toStdString();
  EXPECT_TRUE(redeployButton(dialog)->isEnabled());
  EXPECT_FALSE(dialog.dropStateBox()->isEnabled());
  EXPECT_FALSE(dialog.choice().allow_non_restored_state);
}

TEST(RedeployDialogTest, DroppingStateMustBeAccepted) {
  test::app();
  graphs::Graph edited = graph();
  edited.nodes.erase(edited.nodes.begin());  // the stateful window goes
  const auto diff = graphs::diff_graphs(graph(), edited, catalog());
  RedeployDialog dialog(diff, QStringLiteral("job-1"));
  EXPECT_TRUE(allText(*dialog.tree()).contains(QStringLiteral("per_minute | dropped: removed")));
  EXPECT_FALSE(redeployButton(dialog)->isEnabled());
  dialog.dropStateBox()->click();
  EXPECT_TRUE(redeployButton(dialog)->isEnabled());
  EXPECT_TRUE(dialog.choice().allow_non_restored_state);
}

TEST(RedeployDialogTest, AParallelismChangeTheNodeCannotRestoreBlocksTheRedeploy) {
  test::app();
  graphs::Graph edited = graph();
  edited.node("per_minute")->parallelism = 4;
  RedeployDialog dialog(graphs::diff_graphs(graph(), edited, catalog()), QStringLiteral("job-1"));
  EXPECT_TRUE(allText(*dialog.tree()).contains(QStringLiteral("parallelism | 1 → 4")));
  EXPECT_FALSE(redeployButton(dialog)->isEnabled());
}

TEST(MatchDeployedGraphTest, ByNameThenBySharedNodeIds) {
  graphs::Graph generator;
  generator.name = "generator";
  generator.nodes.resize(1);
  generator.nodes[0].id = "gen";
  const std::vector<graphs::Graph> deployed{generator, graph()};
  EXPECT_EQ(matchDeployedGraph(deployed, graph()), 1);
  graphs::Graph renamed = graph();
  renamed.name = "renamed";
  EXPECT_EQ(matchDeployedGraph(deployed, renamed), 1);
  graphs::Graph unrelated;
  unrelated.name = "other";
  EXPECT_EQ(matchDeployedGraph(deployed, unrelated), -1);
}

}  // namespace
}  // namespace rivulet::editor
