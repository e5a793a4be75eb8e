#include "editor/monitor/metric_format.hpp"

#include <gtest/gtest.h>

namespace rivulet::editor::monitor {
namespace {

TEST(MetricFormat, ShortStableNumbers) {
  EXPECT_EQ(formatRate(0), "0/s");
  EXPECT_EQ(formatRate(0.5), "0.5/s");
  EXPECT_EQ(formatRate(999), "999/s");
  EXPECT_EQ(formatRate(1234), "1.2k/s");
  EXPECT_EQ(formatRate(3.4e6), "3.4M/s");
  EXPECT_EQ(formatCount(5.6e9), "5.6G");
  EXPECT_EQ(formatPercent(0.456), "46 %");
  EXPECT_EQ(formatDurationMs(850), "850 ms");
  EXPECT_EQ(formatDurationMs(1500), "1.5 s");
  EXPECT_EQ(formatDurationMs(120'000), "2.0 min");
  EXPECT_EQ(formatBytes(512), "512 B");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
}

}  // namespace
}  // namespace rivulet::editor::monitor
