// A 500-node graph opens, lays out and renders. Prints the times (docs/benchmarks.md quotes
// them); no wall-clock assertion, CI machines vary too much.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "editor/auto_layout.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/main_window.hpp"
#include "editor/minimap.hpp"
#include "editor_test_support.hpp"
#include "graphs/graph_io.hpp"

namespace rivulet::editor {
namespace {

// 100 pipelines of source → filter → key_by → window_count → sink, every fifth sink fed twice
// so the layout has some fan-in; no positions (the editor must lay it out on open).
graphs::Graph largeGraph() {
  graphs::Graph g;
  g.name = "large";
  const char* kinds[] = {"events_source", "filter", "key_by", "window_count", "print_sink"};
  for (int chain = 0; chain < 100; ++chain) {
    for (int i = 0; i < 5; ++i) {
      graphs::Node n;
      n.kind = kinds[i];
      n.id = std::string(kinds[i]) + "_" + std::to_string(chain);
      g.nodes.push_back(n);
      if (i > 0) {
        graphs::Edge e;
        e.from = {std::string(kinds[i - 1]) + "_" + std::to_string(chain), "out"};
        e.to = {n.id, "in"};
        g.edges.push_back(e);
      }
    }
    if (chain % 5 == 1) {
      graphs::Edge e;
      e.from = {"window_count_" + std::to_string(chain - 1), "out"};
      e.to = {"print_sink_" + std::to_string(chain), "in"};
      g.edges.push_back(e);
    }
  }
  return g;
}

TEST(LargeGraph, FiveHundredNodesOpenLayOutAndRender) {
  const graphs::Graph graph = largeGraph();
  ASSERT_EQ(graph.nodes.size(), 500u);
  QTemporaryDir dir;
  const QString path = dir.filePath("large.rgraph");
  ASSERT_TRUE(graphs::save_graph(graph, path.toStdString()).ok());

  test::Window w;
  QElapsedTimer total;
  total.start();
  ASSERT_TRUE(w->openFile(path));  // loads, lays out (no positions yet), builds the scene
  const qint64 open_ms = total.elapsed();
  QElapsedTimer step;
  step.start();
  const QImage frame = w->grab().toImage();  // a full render of the fitted view
  const qint64 render_ms = step.elapsed();
  EXPECT_FALSE(frame.isNull());
  const qint64 first_frame_ms = total.elapsed();

  step.restart();
  w->autoLayout();  // again, on demand, as an undoable command
  const qint64 layout_ms = step.elapsed();
  step.restart();
  w->view().resetTransform();  // 1:1 — every label and port drawn
  const QImage detail = w->grab().toImage();
  const qint64 detail_render_ms = step.elapsed();
  std::printf(
      "[ timing ] 500 nodes, %zu edges: open+layout+scene %lld ms, first render %lld ms "
      "(open to first frame %lld ms); auto-layout command %lld ms; 1:1 render %lld ms\n",
      graph.edges.size(), static_cast<long long>(open_ms), static_cast<long long>(render_ms),
      static_cast<long long>(first_frame_ms), static_cast<long long>(layout_ms),
      static_cast<long long>(detail_render_ms));

  EXPECT_EQ(w->scene().items().size(), 500 + static_cast<int>(graph.edges.size()));
  // Most of the graph is off screen at 1:1, so the overview map shows itself.
  auto* map = w->findChild<Minimap*>();
  ASSERT_TRUE(map);
  QTRY_VERIFY_WITH_TIMEOUT(map->isVisible(), 2000);
  if (qEnvironmentVariableIsSet("RIVULET_EDITOR_TEST_IMAGES")) w->grab().save("large-graph.png");
  // Laid out: no two nodes share a position, and every edge runs left to right.
  std::set<std::pair<double, double>> seen;
  for (const auto& n : w->document().graph().nodes) {
    EXPECT_TRUE(seen.emplace(n.position.x, n.position.y).second) << n.id;
  }
  for (const auto& e : w->document().graph().edges) {
    EXPECT_LT(w->document().graph().node(e.from.node)->position.x,
              w->document().graph().node(e.to.node)->position.x);
  }
}

TEST(LargeGraph, FallbackLayeredLayoutAlsoOrdersLeftToRight) {
  test::app();
  const graphs::Graph graph = largeGraph();
  const auto positions = computeLayeredLayout(graph, test::testCatalog());
  ASSERT_EQ(positions.size(), graph.nodes.size());
  for (const auto& e : graph.edges) {
    EXPECT_LT(positions.at(e.from.node).x, positions.at(e.to.node).x);
  }
}

}  // namespace
}  // namespace rivulet::editor
