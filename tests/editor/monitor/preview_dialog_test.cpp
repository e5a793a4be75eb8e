// PreviewDialog: columns are the edge's schema, rows are bounded to the newest N, the skipped
// count adds up, a batch with another schema takes over the columns and says so, an
// interrupted tap is said and then its resumption (rows kept), and closing emits closed()
// exactly once.
#include "editor/monitor/preview_dialog.hpp"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>

#include "editor_test_support.hpp"

namespace rivulet::editor::monitor {
namespace {

const graphs::control::EdgeRef kEdge{"filter", "out", "key_by", "in"};
const graphs::Schema kSchema{{"user", graphs::FieldType::String, false},
                             {"amount", graphs::FieldType::Float64, false},
                             {"at", graphs::FieldType::Int64, true}};

graphs::control::PreviewRecords batch(int first, int count, std::uint64_t skipped = 0) {
  graphs::control::PreviewRecords r;
  r.schema = kSchema;
  for (int i = first; i < first + count; ++i) {
    r.rows.push_back({"user" + std::to_string(i), std::to_string(i) + ".5", std::to_string(i)});
  }
  r.skipped = skipped;
  return r;
}

TEST(PreviewDialog, ColumnsAreTheEdgesSchema) {
  test::app();
  PreviewDialog d(kEdge, kSchema);
  EXPECT_EQ(d.columns(), (QStringList{"user", "amount", "at"}));
  EXPECT_TRUE(d.windowTitle().contains("filter.out → key_by.in"));
}

TEST(PreviewDialog, KeepsOnlyTheNewestRowsAndCountsSkipped) {
  test::app();
  PreviewDialog d(kEdge, kSchema, 500);
  for (int i = 0; i < 7; ++i) d.append(batch(i * 100, 100, 10));
  EXPECT_EQ(d.rowCount(), 500);
  EXPECT_EQ(d.cell(0, 0), "user200") << "the oldest 200 went";
  EXPECT_EQ(d.cell(499, 0), "user699");
  EXPECT_EQ(d.cell(499, 1), "699.5");
  EXPECT_EQ(d.received(), 700u);
  EXPECT_EQ(d.skipped(), 70u);
  EXPECT_TRUE(d.statusText().contains("70 skipped")) << d.statusText().toStdString();
}

TEST(PreviewDialog, ARowWithTooFewValuesIsShownAndCounted) {
  test::app();
  PreviewDialog d(kEdge, kSchema);
  graphs::control::PreviewRecords r;
  r.rows = {{"ann"}};
  d.append(r);
  ASSERT_EQ(d.rowCount(), 1);
  EXPECT_EQ(d.cell(0, 0), "ann");
  EXPECT_EQ(d.cell(0, 1), "(missing)");
  EXPECT_TRUE(d.statusText().contains("1 with a wrong number of values"));
}

TEST(PreviewDialog, TheRunningJobsSchemaWinsAndTheUserIsTold) {
  test::app();
  PreviewDialog d(kEdge, kSchema);
  graphs::control::PreviewRecords r;
  r.schema = {{"key", graphs::FieldType::String, false},
              {"count", graphs::FieldType::Int64, false}};
  r.rows = {{"a", "3"}};
  d.append(r);
  EXPECT_EQ(d.columns(), (QStringList{"key", "count"}));
  EXPECT_TRUE(d.statusText().contains("schema differs"));
}

TEST(PreviewDialog, AnInterruptedTapIsSaidAndItsResumptionKeepsTheRows) {
  test::app();
  PreviewDialog d(kEdge, kSchema);
  d.append(batch(0, 3));
  d.setInterrupted(QStringLiteral("node 127.0.0.1:1: lost the connection"));
  EXPECT_TRUE(d.interrupted());
  EXPECT_TRUE(d.statusText().contains(
      "interrupted: node 127.0.0.1:1: lost the connection — reopening when the node is back"))
      << d.statusText().toStdString();
  d.setInterrupted(QStringLiteral("again"));  // the same interruption, said once more
  EXPECT_EQ(d.interruptions(), 1);
  d.setResumed();
  EXPECT_FALSE(d.interrupted());
  d.append(batch(3, 2));
  EXPECT_EQ(d.rowCount(), 5) << "the rows seen before the interruption stay";
  EXPECT_TRUE(d.statusText().contains("resumed after an interruption"))
      << d.statusText().toStdString();
  EXPECT_FALSE(d.statusText().contains("interrupted:"));
  d.setInterrupted(QStringLiteral("lost"));
  d.setResumed();
  EXPECT_EQ(d.interruptions(), 2);
  EXPECT_TRUE(d.statusText().contains("resumed after 2 interruptions"))
      << d.statusText().toStdString();
  // An end for good (the job finished) is said too.
  d.setEnded(QStringLiteral("job-3 finished"));
  EXPECT_EQ(d.endReason(), QStringLiteral("job-3 finished"));
  EXPECT_TRUE(d.statusText().contains("ended: job-3 finished")) << d.statusText().toStdString();
}

TEST(PreviewDialog, ClosingEmitsClosedOnce) {
  test::app();
  PreviewDialog d(kEdge, kSchema);
  QSignalSpy closed(&d, &PreviewDialog::closed);
  d.show();
  d.close();
  d.reject();
  EXPECT_EQ(closed.count(), 1);
  d.append(batch(0, 3));
  EXPECT_EQ(d.rowCount(), 0) << "a closed preview takes no more rows";
}

}  // namespace
}  // namespace rivulet::editor::monitor
