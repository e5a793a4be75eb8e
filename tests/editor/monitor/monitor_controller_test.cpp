// Monitor mode on the real main window, offscreen: MonitorController fed with synthetic
// metrics puts live boxes on every operator and colours the edges, docks its panels, turns a
// failed operator red, greys everything when the connection is lost, offers "Preview records"
// only in monitor mode, and leaving restores the authoring look pixel for pixel.
#include "editor/monitor/monitor_controller.hpp"

#include <gtest/gtest.h>

#include <QAction>
#include <QContextMenuEvent>
#include <QLabel>
#include <QLineSeries>
#include <QMenu>
#include <QTableWidget>
#include <QTest>

#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/main_window.hpp"
#include "editor/monitor/bottleneck_panel.hpp"
#include "editor/monitor/checkpoints_panel.hpp"
#include "editor/monitor/live_node_painter.hpp"
#include "editor/monitor/metric_format.hpp"
#include "editor/monitor/metrics_chart.hpp"
#include "editor/monitor/preview_dialog.hpp"
#include "editor/node_item.hpp"
#include "editor/problems_panel.hpp"
#include "editor/validation_controller.hpp"
#include "editor_test_support.hpp"
#include "monitor_test_support.hpp"

namespace rivulet::editor::monitor {
namespace {

struct Monitored {
  Monitored() {
    w->document().reset(test::pipelineGraph());
    w->validation().validateNow();
    w->view().resetTransform();
    w->view().centerOn(600, 60);
  }
  void enter() { controller.enter(*w, "job-1"); }
  NodeItem& node(const char* id) { return *w->scene().nodeItem(id); }
  EdgeItem& edge(int i) { return *w->scene().edgeItem(i); }
  test::Window w;
  MonitorController controller;
};

QImage render(GraphScene& scene, const QRectF& source) {
  QImage image(source.size().toSize(), QImage::Format_ARGB32);
  image.fill(Qt::white);
  QPainter painter(&image);
  scene.render(&painter, QRectF(QPointF(0, 0), source.size()), source);
  return image;
}

// Right-clicks an edge's middle and returns the "Preview records" entry's state via `check`.
void withEdgeMenu(MainWindow& win, int edge, const std::function<void(QAction*)>& check) {
  QWidget* vp = win.view().viewport();
  const QPoint at = win.view().mapFromScene(win.scene().edgeItem(edge)->path().pointAtPercent(0.5));
  bool shown = false;
  win.setMenuPresenter([&](QMenu& menu, const QPoint&) {
    shown = true;
    check(menu.findChild<QAction*>(QStringLiteral("actionPreviewRecords")));
  });
  QContextMenuEvent event(QContextMenuEvent::Mouse, at, vp->mapToGlobal(at));
  QApplication::sendEvent(vp, &event);
  EXPECT_TRUE(shown) << "no menu on the edge";
}

TEST(MonitorMode, EveryOperatorShowsItsRatesAfterASample) {
  Monitored m;
  const double authoring_height = m.node("filter").boundingRect().height();
  m.enter();
  m.controller.onMetrics(test::busyPipeline(1000));
  m.controller.refreshNow();
  for (const char* id : test::kPipeline) {
    NodeItem& item = m.node(id);
    ASSERT_TRUE(item.liveView()) << id;
    const NodeStats& s = item.liveView()->stats;
    const double rate = std::max(s.records_in_per_second, s.records_out_per_second);
    ASSERT_GT(rate, 0) << id;
    const auto rows = liveRows(*item.liveView(), false);
    const QString shown = rows.at(0).text;
    EXPECT_TRUE(shown.contains(formatRate(rate))) << id << ": " << shown.toStdString();
    EXPECT_FALSE(shown.contains(QStringLiteral("in 0/s · out 0/s"))) << id;
  }
  EXPECT_GT(m.node("filter").boundingRect().height(), authoring_height) << "the live section";
  EXPECT_EQ(m.node("filter").liveView()->stats.records_out_per_second, 800);
  // Source: Kafka lag per partition and the watermark lag; sink: committed records.
  QStringList source_rows;
  for (const auto& r : liveRows(*m.node("source").liveView(), false)) source_rows << r.text;
  const QString source_text = source_rows.join('\n');
  EXPECT_TRUE(source_text.contains("lag 150")) << source_text.toStdString();
  EXPECT_TRUE(source_text.contains("payments[0] 120")) << source_text.toStdString();
  EXPECT_TRUE(source_text.contains("payments[1] 30")) << source_text.toStdString();
  EXPECT_TRUE(source_text.contains("wm lag 1.5 s")) << source_text.toStdString();
  QStringList sink_rows;
  for (const auto& r : liveRows(*m.node("sink").liveView(), false)) sink_rows << r.text;
  EXPECT_TRUE(sink_rows.contains("committed 1.2k")) << sink_rows.join('|').toStdString();
  EXPECT_TRUE(m.node("window").toolTip().contains("<table")) << "per-instance table";
}

TEST(MonitorMode, UpdatesFromPushesWithoutAnExplicitRefresh) {
  Monitored m;
  m.enter();
  m.controller.onMetrics(test::busyPipeline(1000));
  // The coalescing timer refreshes within kCoalesceMs; the timeout only prevents a hang.
  ASSERT_TRUE(test::waitFor([&] {
    return m.node("filter").liveView() &&
           m.node("filter").liveView()->stats.records_out_per_second == 800;
  }));
  auto next = test::busyPipeline(1500);
  next.tasks[1].records_out_per_second = 900;
  m.controller.onMetrics(next);
  ASSERT_TRUE(test::waitFor(
      [&] { return m.node("filter").liveView()->stats.records_out_per_second == 900; }));
  EXPECT_EQ(m.node("filter").liveView()->sparkline, (std::vector<double>{800, 900}));
}

TEST(MonitorMode, ABurstOfPushesIsCoalescedIntoOneRefreshButKeptInTheHistory) {
  Monitored m;
  m.enter();
  m.controller.onMetrics(test::busyPipeline(1000));
  m.controller.refreshNow();
  for (int i = 1; i <= 50; ++i) {
    auto s = test::busyPipeline(1000 + 100 * i);
    s.tasks[1].records_out_per_second = 1000 + i;
    m.controller.onMetrics(s);  // no event loop in between: the canvas must not redraw 50 times
  }
  EXPECT_EQ(m.node("filter").liveView()->stats.records_out_per_second, 800)
      << "nothing redrawn synchronously per push";
  ASSERT_TRUE(test::waitFor(
      [&] { return m.node("filter").liveView()->stats.records_out_per_second == 1050; }));
  EXPECT_EQ(m.controller.model().history("filter")->points().size(), 51u);
  EXPECT_EQ(m.node("filter").liveView()->sparkline.size(), 51u);
  EXPECT_EQ(m.node("filter").liveView()->sparkline.back(), 1050);
}

TEST(MonitorMode, EdgesFollowTheBackpressureClassesAndThroughput) {
  Monitored m;
  m.enter();
  auto sample = test::busyPipeline(1000);
  sample.tasks[0].backpressured_ms_per_second = 300;  // source → filter: low
  sample.tasks[1].backpressured_ms_per_second = 600;  // filter → key_by: high
  sample.tasks[2].backpressured_ms_per_second = 100;  // key_by → window: ok (exactly 10 %)
  m.controller.onMetrics(sample);
  m.controller.refreshNow();
  EXPECT_EQ(m.edge(0).strokeColor(), EdgeItem::pressureColor(PressureClass::Low));
  EXPECT_EQ(m.edge(1).strokeColor(), EdgeItem::pressureColor(PressureClass::High));
  EXPECT_EQ(m.edge(2).strokeColor(), EdgeItem::pressureColor(PressureClass::Ok));
  EXPECT_EQ(m.edge(3).strokeColor(), EdgeItem::pressureColor(PressureClass::Ok));
  EXPECT_NE(EdgeItem::pressureColor(PressureClass::Ok),
            EdgeItem::pressureColor(PressureClass::Low));
  // 1000/s into the filter is drawn thicker than 20/s into the sink.
  EXPECT_GT(m.edge(0).strokeWidth(), m.edge(3).strokeWidth() + 1);
  EXPECT_TRUE(m.edge(1).toolTip().contains("60 %")) << m.edge(1).toolTip().toStdString();
}

TEST(MonitorMode, LeavingRestoresTheAuthoringLookExactly) {
  Monitored m;
  GraphScene& scene = m.w->scene();
  const QRectF area = scene.itemsBoundingRect().adjusted(-100, -100, 100, 300);
  const QImage before = render(scene, area);
  std::vector<QRectF> rects;
  std::vector<QString> tips;
  for (const char* id : test::kPipeline) {
    rects.push_back(m.node(id).boundingRect());
    tips.push_back(m.node(id).toolTip());
  }
  for (int i = 0; i < 4; ++i) tips.push_back(m.edge(i).toolTip());
  QApplication::processEvents();
  const QByteArray layout = m.w->saveState();
  const QRect problems = m.w->problems().geometry();

  m.enter();
  auto sample = test::busyPipeline(1000);
  sample.tasks[1].backpressured_ms_per_second = 600;
  m.controller.onMetrics(sample);
  m.controller.refreshNow();
  EXPECT_NE(render(scene, area), before) << "monitor mode must look different";
  EXPECT_NE(m.w->findChild<QDockWidget*>("checkpointsPanel"), nullptr);

  m.controller.leave();
  QApplication::processEvents();
  EXPECT_EQ(render(scene, area), before);
  EXPECT_EQ(m.w->saveState(), layout) << "the docks are back where they were";
  EXPECT_EQ(m.w->problems().geometry(), problems);
  EXPECT_TRUE(m.w->problems().isVisible());
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(m.node(test::kPipeline[i]).boundingRect(), rects[i]) << test::kPipeline[i];
    EXPECT_EQ(m.node(test::kPipeline[i]).toolTip(), tips[i]) << test::kPipeline[i];
    EXPECT_FALSE(m.node(test::kPipeline[i]).liveView());
  }
  for (int i = 0; i < 4; ++i) EXPECT_EQ(m.edge(i).toolTip(), tips[5 + i]) << "edge " << i;
  for (const char* dock : {"checkpointsPanel", "metricsChart", "bottleneckPanel"}) {
    EXPECT_EQ(m.w->findChild<QDockWidget*>(dock), nullptr) << dock;
  }
  EXPECT_EQ(m.w->findChild<QLabel*>("monitorConnectionLabel"), nullptr);
}

TEST(MonitorMode, AFailedTaskTurnsItsOperatorRedWithTheCause) {
  Monitored m;
  m.enter();
  m.controller.onMetrics(test::busyPipeline(1000));
  graphs::control::JobEvent failed;
  failed.kind = graphs::control::JobEventKind::Restarted;
  failed.at = 1200;
  failed.message = "filter#0: division by zero in amount / qty";
  m.controller.onEvents({failed});
  m.controller.refreshNow();
  NodeItem& filter = m.node("filter");
  ASSERT_TRUE(filter.liveView());
  EXPECT_TRUE(filter.liveView()->stats.failed);
  const auto rows = liveRows(*filter.liveView(), false);
  EXPECT_EQ(rows.at(0).kind, LiveRow::Kind::Failure);
  EXPECT_TRUE(rows.at(0).text.contains("division by zero"));
  EXPECT_TRUE(filter.toolTip().contains("division by zero"));
  // The header is painted red (sampled right of the kind text), the healthy one keeps its colour.
  GraphScene& scene = m.w->scene();
  auto header_pixel = [&](const char* id) {
    NodeItem& item = m.node(id);
    const QRectF src = item.sceneBoundingRect();
    const QImage img = render(scene, src);
    const QPointF p = item.mapToScene(QPointF(NodeItem::kWidth - 12, 32)) - src.topLeft();
    return img.pixelColor(p.toPoint());
  };
  EXPECT_EQ(header_pixel("filter"), QColor(0xc6, 0x28, 0x28));
  EXPECT_NE(header_pixel("key_by"), QColor(0xc6, 0x28, 0x28));
  EXPECT_FALSE(m.node("key_by").liveView()->stats.failed);
}

TEST(MonitorMode, ALostConnectionGreysTheOverlayUntilItIsBack) {
  Monitored m;
  m.enter();
  m.controller.onMetrics(test::busyPipeline(1000));
  m.controller.refreshNow();
  const QColor live = m.edge(0).strokeColor();
  m.controller.onConnectionLost("node localhost:7600 unreachable");
  m.controller.refreshNow();
  auto* label = m.w->findChild<QLabel*>("monitorConnectionLabel");
  ASSERT_NE(label, nullptr);
  EXPECT_TRUE(label->text().contains("unreachable"));
  for (const char* id : test::kPipeline) EXPECT_TRUE(m.node(id).liveView()->stale) << id;
  EXPECT_NE(m.edge(0).strokeColor(), live);
  EXPECT_EQ(m.node("filter").liveView()->stats.records_out_per_second, 800)
      << "the last numbers stay readable";
  m.controller.onConnectionRestored();
  m.controller.refreshNow();
  EXPECT_FALSE(m.node("filter").liveView()->stale);
  EXPECT_EQ(m.edge(0).strokeColor(), live);
  EXPECT_FALSE(label->text().contains("unreachable"));
}

TEST(MonitorMode, MetricsForOperatorsNotOnTheCanvasAreShown) {
  Monitored m;
  m.enter();
  auto sample = test::busyPipeline(1000);
  sample.tasks.push_back(test::task("enrich", 0, 5, 5));
  m.controller.onMetrics(sample);
  graphs::control::JobMetrics other = test::busyPipeline(1000, "job-2");
  other.tasks[1].records_out_per_second = 5;
  m.controller.onMetrics(other);  // another job's push: not ours
  m.controller.refreshNow();
  auto* label = m.w->findChild<QLabel*>("monitorConnectionLabel");
  ASSERT_NE(label, nullptr);
  EXPECT_TRUE(label->text().contains("not on the canvas: enrich")) << label->text().toStdString();
  EXPECT_EQ(m.node("filter").liveView()->stats.records_out_per_second, 800);
}

TEST(MonitorMode, ClickingTheInstancesRowExpandsThem) {
  Monitored m;
  m.enter();
  m.controller.onMetrics(test::busyPipeline(1000));
  m.controller.refreshNow();
  NodeItem& window = m.node("window");
  const QRectF toggle = instancesToggleRect(window.liveSectionRect(), *window.liveView());
  ASSERT_FALSE(toggle.isEmpty()) << "two instances: the toggle is there";
  const double collapsed = window.boundingRect().height();
  const QPoint at = m.w->view().mapFromScene(window.mapToScene(toggle.center()));
  QTest::mouseClick(m.w->view().viewport(), Qt::LeftButton, Qt::NoModifier, at);
  EXPECT_TRUE(window.instancesExpanded());
  EXPECT_GT(window.boundingRect().height(), collapsed + 2 * 15);
  QStringList rows;
  for (const auto& r : liveRows(*window.liveView(), true)) rows << r.text;
  EXPECT_TRUE(rows.join('\n').contains("#1 400/s → 10/s · busy 70 %"))
      << rows.join('|').toStdString();
  EXPECT_EQ(m.node("filter").liveView()->stats.instances.size(), 1u);
  EXPECT_TRUE(instancesToggleRect(m.node("filter").liveSectionRect(), *m.node("filter").liveView())
                  .isEmpty())
      << "one instance: nothing to expand";
}

TEST(MonitorMode, BottleneckRowClickSelectsAndCentresTheOperator) {
  Monitored m;
  m.enter();
  m.controller.onMetrics(test::busyPipeline(1000));
  m.controller.refreshNow();
  BottleneckPanel* panel = m.controller.bottleneckPanel();
  ASSERT_NE(panel, nullptr);
  panel->setRankBy(RankBy::Busy);
  ASSERT_GT(panel->table().rowCount(), 0);
  EXPECT_EQ(panel->nodeAt(0), "window") << "window#1 is busiest (700 ms/s)";
  EXPECT_EQ(panel->table().item(0, 1)->text(), "1");
  m.w->view().centerOn(-5000, -5000);  // far away from everything
  m.w->scene().clearSelection();
  QTableWidget& table = panel->table();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(m.w.window));
  ASSERT_TRUE(test::waitFor([&] { return table.isVisible(); })) << "the panel is on screen";
  EXPECT_FALSE(table.visibleRegion().isEmpty());
  EXPECT_FALSE(m.controller.checkpointsPanel()->visibleRegion().isEmpty())
      << "checkpoints are on screen too, not a hidden tab";
  const QPoint cell = table.visualItemRect(table.item(0, 0)).center();
  QTest::mouseClick(table.viewport(), Qt::LeftButton, Qt::NoModifier, cell);
  EXPECT_EQ(m.w->scene().selectedNodeIds(), std::set<std::string>{"window"});
  const QPointF centre = m.w->view().mapToScene(m.w->view().viewport()->rect().center());
  const QPointF target = m.node("window").sceneBoundingRect().center();
  EXPECT_LT(QLineF(centre, target).length(), 5) << "the view centres on the operator";
  panel->setRankBy(RankBy::SourceLag);
  ASSERT_EQ(table.rowCount(), 1) << "only the source has a lag";
  EXPECT_EQ(panel->nodeAt(0), "source");
}

TEST(MonitorMode, ChartPlotsTheSelectedOperatorAndCheckpointsAreListed) {
  Monitored m;
  m.enter();
  for (int i = 0; i < 4; ++i) {
    auto s = test::busyPipeline(1000 + 500 * i);
    s.tasks[1].records_out_per_second = 100 * (i + 1);
    if (i == 3) {
      using graphs::control::CheckpointStatus;
      s.checkpoints = {{7, 1000, 120, 15, 3 * 1024 * 1024, CheckpointStatus::Completed, "", false},
                       {8, 2000, 900, 0, 0, CheckpointStatus::Failed, "sink#0: timeout", false}};
      s.restarts = {{2100, "sink#0: timeout"}};
    }
    m.controller.onMetrics(s);
  }
  m.controller.refreshNow();
  test::clickNode(*m.w, "filter");
  MetricsChart* chart = m.controller.metricsChart();
  ASSERT_NE(chart, nullptr);
  EXPECT_EQ(chart->node(), "filter");
  ASSERT_EQ(chart->recordsOut().count(), 4);
  EXPECT_DOUBLE_EQ(chart->recordsOut().at(3).y(), 400);
  EXPECT_DOUBLE_EQ(chart->recordsOut().at(3).x(), 0) << "x is seconds before the newest sample";
  EXPECT_DOUBLE_EQ(chart->recordsOut().at(0).x(), -1.5);
  EXPECT_DOUBLE_EQ(chart->busy().at(0).y(), 40);

  QTableWidget& cps = m.controller.checkpointsPanel()->checkpointTable();
  ASSERT_EQ(cps.rowCount(), 2);
  EXPECT_EQ(cps.item(0, 0)->text(), "8") << "newest first";
  EXPECT_EQ(cps.item(0, 5)->text(), "failed");
  EXPECT_EQ(cps.item(0, 6)->text(), "sink#0: timeout");
  EXPECT_EQ(cps.item(1, 2)->text(), "120 ms");
  EXPECT_EQ(cps.item(1, 3)->text(), "15 ms");
  EXPECT_EQ(cps.item(1, 4)->text(), "3.0 MiB");
  QTableWidget& restarts = m.controller.checkpointsPanel()->restartTable();
  ASSERT_EQ(restarts.rowCount(), 1);
  EXPECT_EQ(restarts.item(0, 1)->text(), "sink#0: timeout");
}

TEST(MonitorMode, PreviewRecordsIsOfferedOnlyInMonitorModeAndFeedsATable) {
  Monitored m;
  withEdgeMenu(*m.w, 1, [](QAction* preview) {
    ASSERT_NE(preview, nullptr);
    EXPECT_FALSE(preview->isEnabled()) << "authoring mode: nothing to preview";
  });
  m.enter();
  std::vector<graphs::control::EdgeRef> requested, closed;
  QObject::connect(&m.controller, &MonitorController::previewRequested,
                   [&](const graphs::control::EdgeRef& e) { requested.push_back(e); });
  QObject::connect(&m.controller, &MonitorController::previewClosed,
                   [&](const graphs::control::EdgeRef& e) { closed.push_back(e); });
  withEdgeMenu(*m.w, 1, [](QAction* preview) {
    ASSERT_NE(preview, nullptr);
    ASSERT_TRUE(preview->isEnabled());
    preview->trigger();
  });
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].from_node, "filter");
  EXPECT_EQ(requested[0].from_port, "out");
  EXPECT_EQ(requested[0].to_node, "key_by");
  EXPECT_EQ(requested[0].to_port, "in");
  PreviewDialog* dialog = m.controller.previewDialog(requested[0]);
  ASSERT_NE(dialog, nullptr);
  EXPECT_EQ(dialog->columns(), (QStringList{"user", "amount"})) << "the edge's schema";
  graphs::control::PreviewRecords records;
  records.rows = {{"ann", "12.5"}, {"bob", "3"}};
  records.skipped = 40;
  m.controller.onPreviewRecords(requested[0], records);
  EXPECT_EQ(dialog->rowCount(), 2);
  EXPECT_EQ(dialog->cell(1, 0), "bob");
  EXPECT_EQ(dialog->skipped(), 40u);
  dialog->close();
  ASSERT_EQ(closed.size(), 1u) << "closing drops the tap";
  EXPECT_EQ(closed[0].to_node, "key_by");
  EXPECT_EQ(m.controller.previewDialog(requested[0]), nullptr);
}

}  // namespace
}  // namespace rivulet::editor::monitor

namespace rivulet::editor::monitor {
namespace {

TEST(MonitorMode, AControllerOwnedByTheWindowGoesWithIt) {
  auto w = std::make_unique<test::Window>();
  (*w)->document().reset(test::pipelineGraph());
  auto* controller = new MonitorController(w->window);  // deleted as the window's child
  controller->enter(**w, "job-1");
  controller->onMetrics(test::busyPipeline(1000));
  controller->refreshNow();
  w.reset();  // must not touch the half-destroyed window
  SUCCEED();
}

TEST(MonitorMode, DestroyingTheControllerLeavesMonitorMode) {
  test::Window w;
  w->document().reset(test::pipelineGraph());
  {
    MonitorController controller;
    controller.enter(*w, "job-1");
    controller.refreshNow();
    ASSERT_TRUE(w->scene().nodeItem("filter")->liveView());
  }
  EXPECT_FALSE(w->scene().nodeItem("filter")->liveView());
  EXPECT_EQ(w->findChild<QDockWidget*>("bottleneckPanel"), nullptr);
  bool shown = false;
  w->setMenuPresenter([&](QMenu& menu, const QPoint&) {
    shown = true;
    auto* preview = menu.findChild<QAction*>(QStringLiteral("actionPreviewRecords"));
    ASSERT_NE(preview, nullptr);
    EXPECT_FALSE(preview->isEnabled()) << "no handler pointing at the dead controller";
  });
  w->view().resetTransform();
  w->view().centerOn(600, 60);
  QWidget* vp = w->view().viewport();
  const QPoint at = w->view().mapFromScene(w->scene().edgeItem(1)->path().pointAtPercent(0.5));
  QContextMenuEvent event(QContextMenuEvent::Mouse, at, vp->mapToGlobal(at));
  QApplication::sendEvent(vp, &event);
  EXPECT_TRUE(shown);
}

}  // namespace
}  // namespace rivulet::editor::monitor
