// MonitorModel math on synthetic JobMetrics: sums and max/mean over instances, lags, counters,
// the history window, edge throughput and back-pressure class, failures.
#include "editor/monitor/monitor_model.hpp"

#include <gtest/gtest.h>

#include "monitor_test_support.hpp"

namespace rivulet::editor::monitor {
namespace {

using test::task;

MonitorModel pipelineModel() {
  MonitorModel m;
  m.setGraph(test::pipelineGraph());
  return m;
}

graphs::control::JobMetrics sample(std::int64_t at, std::vector<graphs::control::TaskSample> t) {
  graphs::control::JobMetrics m;
  m.job = "job-1";
  m.at = at;
  m.tasks = std::move(t);
  return m;
}

TEST(MonitorModel, SumsRatesAndTakesMaxAndMeanOfTimesOverInstances) {
  MonitorModel m = pipelineModel();
  m.apply(
      sample(1000, {task("window", 1, 300, 30, 600, 100, 3), task("window", 0, 100, 10, 200, 0, 3),
                    task("window", 2, 200, 20, 400, 500, 3)}));
  const NodeStats* w = m.node("window");
  ASSERT_NE(w, nullptr);
  EXPECT_DOUBLE_EQ(w->records_in_per_second, 600);
  EXPECT_DOUBLE_EQ(w->records_out_per_second, 60);
  EXPECT_DOUBLE_EQ(w->busy.max, 0.6);
  EXPECT_NEAR(w->busy.mean, 0.4, 1e-12);
  EXPECT_DOUBLE_EQ(w->backpressured.max, 0.5);
  EXPECT_NEAR(w->backpressured.mean, 0.2, 1e-12);
  EXPECT_NEAR(w->idle.max, 0.8, 1e-12);
  EXPECT_NEAR(w->idle.mean, 0.4, 1e-12);
  ASSERT_EQ(w->instances.size(), 3u);
  EXPECT_EQ(w->instances[0].subtask, 0u) << "instances are ordered by subtask";
  EXPECT_EQ(w->instances[2].subtask, 2u);
  EXPECT_DOUBLE_EQ(w->instances[1].records_in_per_second, 300);
  EXPECT_EQ(m.node("filter"), nullptr) << "no sample, no stats";
}

TEST(MonitorModel, TimeSharesAreClampedToTheSecond) {
  MonitorModel m = pipelineModel();
  m.apply(sample(1000, {task("filter", 0, 1, 1, 1300, -5)}));
  EXPECT_DOUBLE_EQ(m.node("filter")->busy.max, 1.0);
  EXPECT_DOUBLE_EQ(m.node("filter")->backpressured.max, 0.0);
}

TEST(MonitorModel, SourceLagsSinkCommitsAndCountersAreSummed) {
  MonitorModel m = pipelineModel();
  auto a = task("source", 0, 0, 10);
  a.kafka_lag = {{"tx", 2, 50}, {"tx", 0, 5}};
  a.watermark_lag_ms = 800;
  a.late_records = 3;
  a.dead_letters = 1;
  auto b = task("source", 1, 0, 10);
  b.kafka_lag = {{"tx", 1, 7}};
  b.watermark_lag_ms = 2500;
  b.late_records = 4;
  b.dropped_records = 9;
  b.skipped_records = 2;
  auto s0 = task("sink", 0, 10, 0);
  s0.committed_records = 100;
  auto s1 = task("sink", 1, 10, 0);
  s1.committed_records = 23;
  m.apply(sample(1000, {a, b, s0, s1}));
  const NodeStats* src = m.node("source");
  ASSERT_EQ(src->kafka_lag.size(), 3u);
  EXPECT_EQ(src->kafka_lag[0].partition, 0) << "partitions sorted by topic and number";
  EXPECT_EQ(src->kafka_lag[1].partition, 1);
  EXPECT_EQ(src->kafka_lag[2].partition, 2);
  EXPECT_EQ(src->kafka_lag_total, 62);
  EXPECT_EQ(src->instances[0].kafka_lag, 55);
  EXPECT_EQ(src->watermark_lag_ms, 2500) << "the slowest instance holds the watermark back";
  EXPECT_EQ(src->late_records, 7u);
  EXPECT_EQ(src->dead_letters, 1u);
  EXPECT_EQ(src->dropped_records, 9u);
  EXPECT_EQ(src->skipped_records, 2u);
  EXPECT_EQ(m.node("sink")->committed_records, 123u);
}

TEST(MonitorModel, UnknownNodeIdsAreReportedNotDropped) {
  MonitorModel m = pipelineModel();
  m.apply(sample(1000, {task("ghost", 0, 1, 1), task("filter", 0, 1, 1)}));
  EXPECT_EQ(m.unknownNodes(), std::vector<std::string>{"ghost"});
  EXPECT_EQ(m.node("ghost"), nullptr);
  EXPECT_NE(m.node("filter"), nullptr);
}

TEST(MonitorModel, HistoryKeepsTheWindowFromTheNewestSample) {
  MonitorModel m(10'000);  // ten seconds, to keep the test short
  m.setGraph(test::pipelineGraph());
  for (int i = 0; i <= 30; ++i) m.apply(sample(i * 500, {task("filter", 0, i, 2.0 * i, 10.0 * i)}));
  const MetricHistory* h = m.history("filter");
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(h->points().size(), 21u) << "15 s of samples every 0.5 s, the last 10 s kept";
  EXPECT_EQ(h->points().front().at_ms, 5000);
  EXPECT_EQ(h->points().back().at_ms, 15000);
  EXPECT_DOUBLE_EQ(h->points().back().records_out_per_second, 60);
  EXPECT_DOUBLE_EQ(h->points().back().busy, 0.3);
  m.apply(sample(14000, {task("filter", 0, 1, 1)}));
  EXPECT_EQ(h->points().back().at_ms, 15000) << "an out-of-order sample does not go back in time";
}

TEST(MonitorModel, HistoryDefaultsToFiveMinutes) {
  MetricHistory h;
  for (std::int64_t t = 0; t <= 600'000; t += 1000) h.push({t});
  EXPECT_EQ(h.points().front().at_ms, 300'000);
  EXPECT_EQ(h.points().size(), 301u);
}

TEST(PressureClass, FollowsFlinksThresholds) {
  EXPECT_EQ(pressureClass(0.0), PressureClass::Ok);
  EXPECT_EQ(pressureClass(0.10), PressureClass::Ok);
  EXPECT_EQ(pressureClass(0.1001), PressureClass::Low);
  EXPECT_EQ(pressureClass(0.50), PressureClass::Low);
  EXPECT_EQ(pressureClass(0.5001), PressureClass::High);
  EXPECT_EQ(pressureClass(1.0), PressureClass::High);
}

TEST(MonitorModel, EdgeIsColouredByTheSendersBackpressure) {
  MonitorModel m = pipelineModel();
  // The window is the bottleneck (busy 100 %); key_by before it cannot emit 70 % of the time.
  m.apply(sample(1000, {task("key_by", 0, 800, 800, 300, 700), task("window", 0, 800, 5, 1000, 0),
                        task("filter", 0, 800, 800, 100, 50), task("sink", 0, 5, 0)}));
  const auto& e = m.edges();
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[2].from.node, "key_by");
  EXPECT_EQ(e[2].to.node, "window");
  EXPECT_DOUBLE_EQ(e[2].backpressure, 0.7);
  EXPECT_EQ(e[2].pressure, PressureClass::High) << "the red edge points at the slow window";
  EXPECT_EQ(e[3].pressure, PressureClass::Ok) << "the window itself is not back-pressured";
  EXPECT_DOUBLE_EQ(e[1].backpressure, 0.05);
  EXPECT_EQ(e[1].pressure, PressureClass::Ok);
  EXPECT_DOUBLE_EQ(e[2].records_per_second, 800);
  EXPECT_DOUBLE_EQ(e[3].records_per_second, 5);
}

TEST(MonitorModel, EdgeClassChangesAtEachThreshold) {
  for (auto [bp_ms, expected] : {std::pair{100.0, PressureClass::Ok},
                                 {101.0, PressureClass::Low},
                                 {500.0, PressureClass::Low},
                                 {501.0, PressureClass::High}}) {
    MonitorModel m = pipelineModel();
    m.apply(sample(1000, {task("filter", 0, 10, 10, 0, bp_ms)}));
    EXPECT_EQ(m.edges()[1].pressure, expected) << bp_ms << " ms/s";
  }
}

TEST(MonitorModel, FanOutBackpressureGoesToTheEdgeWithTheFullReceiver) {
  graphs::Graph g = test::pipelineGraph();
  graphs::Edge extra;  // filter also feeds the sink directly
  extra.from = {"filter", "out"};
  extra.to = {"sink", "in"};
  g.edges.push_back(extra);
  MonitorModel m;
  m.setGraph(g);
  auto key_by = task("key_by", 0, 500, 500);
  key_by.input_fill = {0.95};
  auto sink = task("sink", 0, 600, 0);
  sink.input_fill = {0.1, 0.2};
  m.apply(sample(
      1000, {task("filter", 0, 1000, 1000, 100, 800), key_by, sink, task("window", 0, 500, 100)}));
  EXPECT_EQ(m.edges()[1].pressure, PressureClass::High) << "filter → key_by: key_by is full";
  EXPECT_EQ(m.edges()[4].pressure, PressureClass::Ok) << "filter → sink: the sink keeps up";
  EXPECT_DOUBLE_EQ(m.edges()[1].receiver_input_fill, 0.95);
  EXPECT_DOUBLE_EQ(m.edges()[1].records_per_second, 500) << "key_by has one input: exact";
  EXPECT_DOUBLE_EQ(m.edges()[4].records_per_second, 300) << "two inputs share the sink's rate";
}

TEST(MonitorModel, FailedOrRestartingInstanceMarksTheOperator) {
  MonitorModel m = pipelineModel();
  auto f = task("filter", 1, 0, 0);
  f.state = "restarting";
  m.apply(sample(1000, {task("filter", 0, 1, 1), f, task("key_by", 0, 1, 1)}));
  EXPECT_TRUE(m.node("filter")->failed);
  EXPECT_EQ(m.node("filter")->failure, "instance #1 is restarting");
  EXPECT_FALSE(m.node("key_by")->failed);
}

TEST(MonitorModel, FailureEventNamesTheOperatorAndHoldsItRedAWhile) {
  MonitorModel m = pipelineModel();
  EXPECT_EQ(m.nodeNamedBy("window#1: division by zero"), "window");
  EXPECT_EQ(m.nodeNamedBy("window: boom"), "window");
  EXPECT_EQ(m.nodeNamedBy("checkpoint coordinator: gone"), std::nullopt);
  graphs::control::JobEvent e;
  e.kind = graphs::control::JobEventKind::Restarted;
  e.at = 10'000;
  e.message = "window#1: division by zero";
  m.applyEvent(e);
  m.apply(sample(10'500, {task("window", 0, 1, 1), task("window", 1, 1, 1)}));
  EXPECT_TRUE(m.node("window")->failed) << "a quick restart is still seen";
  EXPECT_EQ(m.node("window")->failure, "window#1: division by zero");
  m.apply(sample(25'000, {task("window", 0, 1, 1), task("window", 1, 1, 1)}));
  EXPECT_FALSE(m.node("window")->failed) << "running again, long after the restart";
}

TEST(MonitorModel, RestartRecordsInTheSampleMarkAndAreKeptOnce) {
  MonitorModel m = pipelineModel();
  auto s = sample(5000, {});
  s.restarts = {{4000, "sink#0: disk full"}};
  m.apply(s);
  m.apply(s);
  ASSERT_EQ(m.restarts().size(), 1u);
  ASSERT_NE(m.node("sink"), nullptr) << "a restarting operator without instances stays visible";
  EXPECT_TRUE(m.node("sink")->failed);
  EXPECT_EQ(m.node("sink")->failure, "sink#0: disk full");
}

TEST(MonitorModel, CheckpointsAreMergedById) {
  MonitorModel m = pipelineModel();
  using graphs::control::CheckpointStatus;
  auto s = sample(1000, {});
  s.checkpoints = {{1, 0, 100, 5, 2048, CheckpointStatus::Completed, "", false},
                   {2, 500, 0, 0, 0, CheckpointStatus::InProgress, "", false}};
  m.apply(s);
  s.checkpoints = {{2, 500, 900, 40, 0, CheckpointStatus::Failed, "timeout", false},
                   {3, 1500, 80, 2, 4096, CheckpointStatus::Completed, "", true}};
  m.apply(s);
  ASSERT_EQ(m.checkpoints().size(), 3u);
  EXPECT_EQ(m.checkpoints()[1].status, CheckpointStatus::Failed);
  EXPECT_EQ(m.checkpoints()[1].failure, "timeout");
  EXPECT_TRUE(m.checkpoints()[2].savepoint);
}

}  // namespace
}  // namespace rivulet::editor::monitor
