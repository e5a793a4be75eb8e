// rankInstances: the three Top-N orders over every instance, stable ties.
#include "editor/monitor/bottleneck_ranking.hpp"

#include <gtest/gtest.h>

#include "monitor_test_support.hpp"

namespace rivulet::editor::monitor {
namespace {

TEST(BottleneckRanking, RanksInstancesByEachMeasure) {
  MonitorModel m;
  m.setGraph(test::pipelineGraph());
  auto metrics = test::busyPipeline(1000);
  metrics.tasks[1].backpressured_ms_per_second = 600;  // filter
  metrics.tasks[2].backpressured_ms_per_second = 200;  // key_by
  m.apply(metrics);
  auto bp = rankInstances(m, RankBy::Backpressured);
  ASSERT_EQ(bp.size(), 6u) << "every instance";
  EXPECT_EQ(bp[0].node_id, "filter");
  EXPECT_EQ(bp[1].node_id, "key_by");
  EXPECT_EQ(bp[2].node_id, "window") << "ties broken by busy time: window#1 (700) first";
  EXPECT_EQ(bp[2].subtask, 1u);
  auto busy = rankInstances(m, RankBy::Busy);
  EXPECT_EQ(busy[0].node_id, "window");
  EXPECT_EQ(busy[0].subtask, 1u);
  EXPECT_EQ(busy[1].subtask, 0u);
  EXPECT_EQ(busy[2].node_id, "filter");
  auto lag = rankInstances(m, RankBy::SourceLag);
  ASSERT_EQ(lag.size(), 1u);
  EXPECT_EQ(lag[0].node_id, "source");
  EXPECT_EQ(lag[0].kafka_lag, 150);
  EXPECT_EQ(lag[0].watermark_lag_ms, 1500);
}

}  // namespace
}  // namespace rivulet::editor::monitor
