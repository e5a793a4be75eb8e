// The live part of an operator box: the fill blends idle → busy → back-pressured, late and
// dead-letter counts go beside their ports when the operator has them (else into the box), and
// the look comparison that lets unchanged items skip their repaint.
#include "editor/monitor/live_node_painter.hpp"

#include <gtest/gtest.h>

namespace rivulet::editor::monitor {
namespace {

NodeLiveView viewWith(double busy, double backpressured) {
  NodeLiveView v;
  v.stats.node_id = "op";
  v.stats.busy = {busy, busy};
  v.stats.backpressured = {backpressured, backpressured};
  v.stats.idle = {1 - busy - backpressured, 1 - busy - backpressured};
  return v;
}

QStringList texts(const NodeLiveView& v, bool expanded = false) {
  QStringList out;
  for (const auto& r : liveRows(v, expanded)) out << r.text;
  return out;
}

TEST(LiveNodePainter, FillBlendsIdleBusyBackpressured) {
  const QColor idle = liveFill(viewWith(0, 0));
  const QColor busy = liveFill(viewWith(1, 0));
  const QColor half_busy = liveFill(viewWith(0.5, 0));
  const QColor blocked = liveFill(viewWith(0, 1));
  EXPECT_GT(idle.blueF(), idle.redF()) << "idle is a pale blue";
  EXPECT_GT(busy.redF(), busy.blueF() + 0.3) << "busy is orange";
  EXPECT_GT(half_busy.redF(), idle.redF());
  EXPECT_LT(half_busy.redF(), busy.redF() + 1e-9);
  EXPECT_LT(blocked.lightnessF(), 0.35) << "back-pressured is dark";
  EXPECT_LT(liveFill(viewWith(0.3, 0.6)).lightnessF(), liveFill(viewWith(0.3, 0.1)).lightnessF());
  NodeLiveView failed = viewWith(0.2, 0);
  failed.stats.failed = true;
  EXPECT_GT(liveFill(failed).redF(), liveFill(failed).greenF() + 0.2);
  NodeLiveView stale = viewWith(1, 0);
  stale.stale = true;
  EXPECT_EQ(liveFill(stale).saturation(), 0) << "grey while the connection is lost";
}

TEST(LiveNodePainter, LateAndDeadLetterCountsGoBesideTheirPorts) {
  NodeLiveView v = viewWith(0.1, 0);
  v.stats.late_records = 12;
  v.stats.dead_letters = 3;
  v.output_ports = {"out", "late"};
  EXPECT_EQ(portCounterText(v, "late"), "12");
  EXPECT_EQ(portCounterText(v, "out"), "");
  const QString all = texts(v).join('\n');
  EXPECT_FALSE(all.contains("late 12")) << "shown on the port, not again in the box";
  EXPECT_TRUE(all.contains("dead 3")) << "no dead_letters port: counted in the box";
  v.output_ports.push_back("dead_letters");
  EXPECT_EQ(portCounterText(v, "dead_letters"), "3");
  EXPECT_FALSE(texts(v).join('\n').contains("dead 3"));
}

TEST(LiveNodePainter, LooksSameOnlyWhenTheDrawingIsTheSame) {
  NodeLiveView a = viewWith(0.4, 0.1);
  a.stats.records_in_per_second = 1000;
  NodeLiveView b = a;
  b.stats.records_in_per_second = 1001;  // still "1.0k/s"
  EXPECT_TRUE(looksSame(a, b, false));
  b.stats.records_in_per_second = 1100;
  EXPECT_FALSE(looksSame(a, b, false));
  NodeLiveView c = a;
  c.sparkline = {1, 2};
  EXPECT_FALSE(looksSame(a, c, false));
  NodeLiveView d = a;
  d.stale = true;
  EXPECT_FALSE(looksSame(a, d, false));
}

TEST(LiveNodePainter, InstanceRowsOnlyWhenExpanded) {
  NodeLiveView v = viewWith(0.5, 0);
  v.stats.instances.resize(3);
  for (std::uint32_t i = 0; i < 3; ++i) v.stats.instances[i].subtask = i;
  EXPECT_TRUE(texts(v).contains("▸ 3 instances"));
  EXPECT_FALSE(texts(v).join('\n').contains("#2"));
  EXPECT_TRUE(texts(v, true).contains("▾ 3 instances"));
  EXPECT_TRUE(texts(v, true).join('\n').contains("#2"));
  EXPECT_GT(liveSectionHeight(v, true), liveSectionHeight(v, false) + 3 * 15);
}

}  // namespace
}  // namespace rivulet::editor::monitor
