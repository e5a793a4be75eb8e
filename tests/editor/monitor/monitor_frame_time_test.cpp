// Frame time of monitor mode with 100 operators: one metrics sample (as the node pushes them,
// twice a second) applied to the model, the canvas refreshed and the viewport repainted. Prints
// the figures (docs/benchmarks.md quotes them); asserts nothing about time, only that every
// operator and edge did get its live view.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QTest>
#include <algorithm>
#include <cstdio>

#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/main_window.hpp"
#include "editor/monitor/monitor_controller.hpp"
#include "editor/node_item.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"
#include "monitor_test_support.hpp"

namespace rivulet::editor::monitor {
namespace {

constexpr int kChains = 20;  // × 5 operators

graphs::Graph hundredOperators() {
  graphs::Graph g;
  g.name = "hundred";
  const char* kinds[] = {"events_source", "filter", "key_by", "window_count", "print_sink"};
  for (int c = 0; c < kChains; ++c) {
    for (int i = 0; i < 5; ++i) {
      graphs::Node n;
      n.id = std::string(test::kPipeline[i]) + "_" + std::to_string(c);
      n.kind = kinds[i];
      n.position = {i * 300.0, c * 260.0};
      g.nodes.push_back(n);
      if (i > 0) {
        graphs::Edge e;
        e.from = {g.nodes[g.nodes.size() - 2].id, "out"};
        e.to = {n.id, "in"};
        g.edges.push_back(e);
      }
    }
  }
  return g;
}

// Two instances per operator, rates and times varying with the sample number so every item
// really changes (the worst case for "repaint only what changed").
graphs::control::JobMetrics sampleAt(int k) {
  graphs::control::JobMetrics m;
  m.job = "job-1";
  m.at = 1000 + 500 * k;  // 2 samples a second
  for (int c = 0; c < kChains; ++c) {
    for (int i = 0; i < 5; ++i) {
      for (std::uint32_t s = 0; s < 2; ++s) {
        auto t = test::task(std::string(test::kPipeline[i]) + "_" + std::to_string(c), s,
                            1000 + 37 * k + c, 900 + 29 * k + i, (100 + 13 * k + 50 * i) % 900,
                            (7 * k + 90 * c) % 100, 2);
        if (i == 0) t.kafka_lag = {{"in", static_cast<int>(s), 100 + k}};
        m.tasks.push_back(t);
      }
    }
  }
  return m;
}

struct Figures {
  double median_ms, max_ms;
};

Figures measure(MainWindow& win, MonitorController& controller, int first, int samples) {
  std::vector<double> ms;
  for (int k = first; k < first + samples; ++k) {
    const auto metrics = sampleAt(k);
    QElapsedTimer t;
    t.start();
    controller.onMetrics(metrics);
    controller.refreshNow();
    win.view().viewport()->repaint();  // synchronous paint of everything visible
    ms.push_back(t.nsecsElapsed() / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back()};
}

TEST(MonitorFrameTime, HundredOperatorsApplyAndRepaint) {
  test::Window w;
  w->document().reset(hundredOperators());
  w->validation().validateNow();
  ASSERT_EQ(w->document().graph().nodes.size(), 100u);
  MonitorController controller;
  controller.enter(*w, "job-1");

  w->view().fitInView(w->scene().itemsBoundingRect(), Qt::KeepAspectRatio);
  QApplication::processEvents();
  const Figures fit = measure(*w, controller, 0, 30);
  w->view().resetTransform();  // 1:1: the text of every visible box is drawn
  w->view().centerOn(600, 400);
  QApplication::processEvents();
  const Figures full = measure(*w, controller, 30, 30);
  w->view().scale(0.5, 0.5);  // text still drawn (level of detail above 0.35), ~40 boxes in view
  QApplication::processEvents();
  const Figures half = measure(*w, controller, 60, 30);

  for (const auto& n : w->document().graph().nodes) {
    ASSERT_TRUE(w->scene().nodeItem(n.id)->liveView()) << n.id;
    EXPECT_GT(w->scene().nodeItem(n.id)->liveView()->stats.records_in_per_second, 0) << n.id;
  }
  for (int i = 0; i < static_cast<int>(w->document().graph().edges.size()); ++i) {
    ASSERT_TRUE(w->scene().edgeItem(i)->liveView()) << "edge " << i;
  }
  std::printf(
      "monitor frame, 100 operators x 2 instances, whole graph in view: median %.1f ms, "
      "max %.1f ms\n",
      fit.median_ms, fit.max_ms);
  std::printf("monitor frame, 100 operators x 2 instances, 1:1 zoom: median %.1f ms, max %.1f ms\n",
              full.median_ms, full.max_ms);
  std::printf("monitor frame, 100 operators x 2 instances, 0.5 zoom: median %.1f ms, max %.1f ms\n",
              half.median_ms, half.max_ms);
  controller.leave();
}

}  // namespace
}  // namespace rivulet::editor::monitor
