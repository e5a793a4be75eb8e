// Node boxes summarise their configuration under the title (topics, keys, window, aggregates,
// parallelism), readable at the zoom a graph opens with, and the summary follows every edit and
// its undo — driven through the inspector as a user would. Uses the real catalog (the shipped
// operators and the fraud example).
#include "editor/node_summary.hpp"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QFontInfo>
#include <QSpinBox>
#include <QTest>

#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"
#include "editor/graph_view.hpp"
#include "editor/inspector.hpp"
#include "editor/main_window.hpp"
#include "editor/monitor/live_node_painter.hpp"
#include "editor/monitor/live_view.hpp"
#include "editor/node_item.hpp"
#include "editor/parameter_editors.hpp"
#include "editor_test_support.hpp"

namespace rivulet::editor {
namespace {

const QString kFraud = QStringLiteral(RIVULET_SOURCE_DIR "/examples/fraud-detection/");

QStringList items(MainWindow& w, const char* id) {
  NodeItem* item = w.scene().nodeItem(id);
  return item ? item->summaryItems() : QStringList{QStringLiteral("(no item)")};
}

TEST(NodeSummary, TheFraudExampleSaysWhatEachBoxIsConfiguredWith) {
  const auto& catalog = test::realCatalog();
  ASSERT_TRUE(catalog.has_value());
  test::Window w(*catalog);
  ASSERT_TRUE(w->openFile(kFraud + QStringLiteral("fraud-detection.json")));

  EXPECT_EQ(items(*w, "transactions"), QStringList{QStringLiteral("topic: transactions")});
  EXPECT_EQ(items(*w, "by_card"), QStringList{QStringLiteral("keys: card_id")});
  EXPECT_EQ(items(*w, "per_card_minute"),
            (QStringList{QStringLiteral("tumbling 1 min"), QStringLiteral("3 aggregates"),
                         QStringLiteral("parallelism 2")}));
  EXPECT_EQ(items(*w, "suspicious"), QStringList{QStringLiteral("parallelism 2")});
  EXPECT_EQ(items(*w, "fraud_alerts"),
            (QStringList{QStringLiteral("topic: fraud-alerts"), QStringLiteral("parallelism 2")}));
  // The box draws them packed into lines; the tooltip has every item in full.
  NodeItem* window_box = w->scene().nodeItem("per_card_minute");
  ASSERT_NE(window_box, nullptr);
  EXPECT_FALSE(window_box->summaryLines().isEmpty());
  EXPECT_LE(window_box->summaryLines().size(), NodeItem::kMaxSummaryLines);
  EXPECT_TRUE(window_box->summaryLines().join(QStringLiteral(" · ")).startsWith("tumbling 1 min"));
  EXPECT_TRUE(window_box->toolTip().startsWith(QStringLiteral("tumbling 1 min\n3 aggregates")))
      << window_box->toolTip().toStdString();
  // The ports sit below the summary, and the edges end on them.
  EXPECT_GE(window_box->mapFromScene(window_box->portScenePos("in", false)).y(),
            window_box->summaryRect().bottom());

  // Readable at the zoom it opened with: the summary font is at least 8 pixels high on screen
  // and above the level of detail below which box text is skipped.
  const double zoom = w->view().transform().m11();
  const double on_screen = QFontInfo(summaryFont()).pixelSize() * zoom;
  EXPECT_GE(on_screen, 8.0) << "summary font " << QFontInfo(summaryFont()).pixelSize()
                            << " px at zoom " << zoom;
  EXPECT_GT(zoom, 0.35);
  // It opened on its start: the sources' box is in view.
  const QRect viewport = w->view().viewport()->rect();
  const QRect source_box =
      w->view()
          .mapFromScene(w->scene().nodeItem("transactions")->sceneBoundingRect())
          .boundingRect();
  EXPECT_TRUE(viewport.contains(source_box)) << "the source box is not in view";
}

TEST(NodeSummary, WindowsReadAsTheyAreConfiguredAndFollowEditsAndUndo) {
  const auto& catalog = test::realCatalog();
  ASSERT_TRUE(catalog.has_value());
  test::Window w(*catalog);
  const std::string id = test::dropFromPalette(*w, "window_aggregate", QPoint(300, 250));
  ASSERT_FALSE(id.empty());
  NodeItem* box = w->scene().nodeItem(id);
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(box->summaryItems(), QStringList{QStringLiteral("tumbling 1 min")});  // defaults

  // The window kind from the inspector's drop-down: sliding shows its slide, session its gap.
  test::clickNode(*w, id);
  auto* kind = qobject_cast<QComboBox*>(w->inspector().parameterEditor("window")->input());
  ASSERT_NE(kind, nullptr);
  kind->setFocus();
  QTest::keyClick(kind, Qt::Key_Down);  // sliding
  EXPECT_EQ(box->summaryItems(), QStringList{QStringLiteral("sliding 1 min every 10 s")});
  QTest::keyClick(kind, Qt::Key_Down);  // session
  EXPECT_EQ(box->summaryItems(), QStringList{QStringLiteral("session gap 5 min")});
  test::action(*w, "actionUndo")->trigger();
  EXPECT_EQ(box->summaryItems(), QStringList{QStringLiteral("sliding 1 min every 10 s")});

  // Typed aggregates are counted.
  test::typeIntoParameter(*w, "aggregates", QStringLiteral("count(*) AS n"));
  EXPECT_EQ(box->summaryItems(), (QStringList{QStringLiteral("sliding 1 min every 10 s"),
                                              QStringLiteral("1 aggregate")}));

  // Parallelism above 1 is shown. On the sink (no topic yet: no summary) that is a first line,
  // which moves its input port down; the edge into it follows.
  const std::string sink = test::dropFromPalette(*w, "kafka_sink", QPoint(700, 250));
  ASSERT_FALSE(sink.empty());
  test::dragBetweenPorts(*w, id, "out", sink, "in");
  ASSERT_EQ(w->document().graph().edges.size(), 1u);
  NodeItem* sink_box = w->scene().nodeItem(sink);
  ASSERT_NE(sink_box, nullptr);
  EXPECT_TRUE(sink_box->summaryItems().isEmpty())
      << sink_box->summaryItems().join(" | ").toStdString();
  EdgeItem* edge = w->scene().edgeItem(0);
  ASSERT_NE(edge, nullptr);
  const auto edge_end = [&] { return edge->mapToScene(edge->path().pointAtPercent(1)); };
  const QPointF port_before = sink_box->portScenePos("in", false);
  EXPECT_EQ(edge_end(), port_before);
  test::clickNode(*w, sink);
  QSpinBox* parallelism = w->inspector().parallelismField();
  parallelism->setFocus();
  for (int i = 0; i < 3; ++i) QTest::keyClick(parallelism, Qt::Key_Up);  // 1 → 4
  EXPECT_EQ(sink_box->summaryItems(), QStringList{QStringLiteral("parallelism 4")});
  const QPointF port_after = sink_box->portScenePos("in", false);
  EXPECT_EQ(port_after.y() - port_before.y(), NodeItem::kSummaryLineHeight + 4);
  EXPECT_EQ(edge_end(), port_after);
  while (w->document().graph().node(sink)->parallelism != 1) {
    test::action(*w, "actionUndo")->trigger();
  }
  EXPECT_TRUE(sink_box->summaryItems().isEmpty());
  EXPECT_EQ(sink_box->portScenePos("in", false), port_before);
  EXPECT_EQ(edge_end(), port_before);
}

// The monitor overlay is drawn below the summary and the ports: it starts where the authoring
// box ends, whatever the summary's height.
TEST(NodeSummary, TheLiveSectionStartsBelowTheSummaryAndPorts) {
  const auto& catalog = test::realCatalog();
  ASSERT_TRUE(catalog.has_value());
  test::Window w(*catalog);
  ASSERT_TRUE(w->openFile(kFraud + QStringLiteral("fraud-detection.json")));
  NodeItem* box = w->scene().nodeItem("per_card_minute");
  ASSERT_NE(box, nullptr);
  const double ports_bottom =
      box->mapFromScene(box->portScenePos("late", true)).y() + NodeItem::kPortSpacing / 2;
  monitor::NodeLiveView view;
  view.stats.node_id = "per_card_minute";
  box->setLiveView(view);
  const QRectF live = box->liveSectionRect();
  EXPECT_GE(live.top(), ports_bottom);
  EXPECT_GE(live.top(), box->summaryRect().bottom());
  EXPECT_EQ(live.height(), monitor::liveSectionHeight(view, false));
  box->setLiveView(std::nullopt);
  EXPECT_TRUE(box->liveSectionRect().isEmpty());
}

TEST(NodeSummary, DurationsReadInTheirLargestEvenUnit) {
  EXPECT_EQ(durationText(60000), QStringLiteral("1 min"));
  EXPECT_EQ(durationText(10000), QStringLiteral("10 s"));
  EXPECT_EQ(durationText(90000), QStringLiteral("90 s"));
  EXPECT_EQ(durationText(1500), QStringLiteral("1500 ms"));
  EXPECT_EQ(durationText(7200000), QStringLiteral("2 h"));
  EXPECT_EQ(durationText(0), QStringLiteral("0 ms"));
}

TEST(NodeSummary, LinesArePackedAndElidedToTheBoxWidth) {
  test::app();
  const QFont font = summaryFont();
  const QStringList packed =
      summaryLines({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, font, 500, 3);
  EXPECT_EQ(packed, QStringList{QStringLiteral("a · b · c")});
  const QString long_topic = QStringLiteral("topic: ") + QString(200, QLatin1Char('x'));
  const QStringList elided =
      summaryLines({long_topic, QStringLiteral("parallelism 2")}, font, NodeItem::kWidth - 16, 1);
  ASSERT_EQ(elided.size(), 1);
  EXPECT_TRUE(elided[0].endsWith(QChar(0x2026))) << elided[0].toStdString();
  EXPECT_LE(QFontMetricsF(font).horizontalAdvance(elided[0]), NodeItem::kWidth - 16);
}

}  // namespace
}  // namespace rivulet::editor
