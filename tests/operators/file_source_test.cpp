// file_source: exact rows from a JSON-lines file, dead letters with reason, raw line, path and
// line number, the error policies, watermarks, following appends, and restore by offset.

#include "operators/file_source.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "source_test_support.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using testing::CapturingCollector;
using testing::ManualClock;

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rivulet_file_source_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "in.jsonl").string();
    node_.id = "src";
    node_.kind = "file_source";
    node_.set_parameter("path", path_);
    node_.set_parameter("schema", graphs::Schema{{"card_id", FieldType::String},
                                                 {"amount", FieldType::Float64},
                                                 {"ts", FieldType::Timestamp}});
    node_.set_parameter("event_time_field", std::string("ts"));
    node_.set_parameter("max_out_of_orderness", graphs::Duration{1000});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& text, bool append = false) {
    std::ofstream f(path_, append ? std::ios::app : std::ios::trunc);
    f << text;
  }

  graphs::Result<std::unique_ptr<FileSourceOperator>> build() {
    runtime::OperatorBuildContext context{node_, spec_, {}, {}, {}, 0, 1, ""};
    return make_file_source(context, clock_);
  }

  std::unique_ptr<FileSourceOperator> open() {
    auto source = build();
    EXPECT_TRUE(source.ok()) << (source.ok() ? "" : source.error().message);
    if (!source.ok()) return nullptr;
    graphs::Status opened = (*source)->open(runtime::OperatorContext{});
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
    return std::move(*source);
  }

  std::filesystem::path dir_;
  std::string path_;
  graphs::Node node_;
  graphs::OperatorSpec spec_ = file_source_spec();
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
};

const char* kInput =
    "{\"card_id\":\"c1\",\"amount\":12.5,\"ts\":1000}\n"
    "\n"
    "{\"card_id\":\"c2\",\"amount\":\"lots\",\"ts\":2000}\n"
    "{\"card_id\":\"c3\",\"amount\":7,\"ts\":1500}\r\n"
    "not json at all\n"
    "{\"card_id\":\"c4\",\"amount\":1,\"ts\":9000}";  // no final newline: still a line

TEST_F(FileSourceTest, ReadsExactRowsAndDeadLettersThenEnds) {
  write(kInput);
  auto source = open();
  ASSERT_TRUE(source);
  CapturingCollector out;
  while (source->has_more()) source->poll(out, 4);

  EXPECT_EQ(testing::render_rows(out.batches[0]),
            (std::vector<std::string>{"card_id=c1|amount=12.500000|ts=1000|@1000",
                                      "card_id=c3|amount=7.000000|ts=1500|@1500",
                                      "card_id=c4|amount=1.000000|ts=9000|@9000"}));
  const auto dead = testing::render_rows(out.batches[1]);
  ASSERT_EQ(dead.size(), 2u);
  // reason | raw | path | line: the reason comes from the shared JSON decoder.
  EXPECT_NE(dead[0].find("amount"), std::string::npos) << dead[0];
  EXPECT_NE(dead[0].find("|raw={\"card_id\":\"c2\",\"amount\":\"lots\",\"ts\":2000}|path=" + path_ +
                         "|line=3|"),
            std::string::npos)
      << dead[0];
  EXPECT_NE(dead[1].find("|raw=not json at all|path=" + path_ + "|line=5|"), std::string::npos)
      << dead[1];
  EXPECT_EQ(source->counters().lines, 5u);
  EXPECT_EQ(source->counters().records, 3u);
  EXPECT_EQ(source->counters().parse_errors, 2u);
  ASSERT_FALSE(out.watermarks.empty());
  EXPECT_EQ(out.watermarks.back(), 9000 - 1000 - 1);
}

TEST_F(FileSourceTest, SkipDropsAndFailThrowsWithTheLine) {
  write(kInput);
  node_.set_parameter("on_parse_error", std::string("skip"));
  auto skipping = open();
  CapturingCollector out;
  while (skipping->has_more()) skipping->poll(out, 4);
  EXPECT_EQ(out.rows(0), 3u);
  EXPECT_EQ(out.rows(1), 0u);
  EXPECT_EQ(skipping->counters().parse_errors, 2u);

  node_.set_parameter("on_parse_error", std::string("fail"));
  auto failing = open();
  CapturingCollector ignored;
  try {
    failing->poll(ignored, 4);
    FAIL() << "expected the parse error to fail the task";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'src' (file_source): line 3 of '" + path_ + "': "),
              std::string::npos)
        << e.what();
  }
}

TEST_F(FileSourceTest, BatchesHoldAtMost1024Rows) {
  std::string text;
  for (int i = 0; i < 2500; ++i) {
    text += "{\"card_id\":\"c\",\"amount\":" + std::to_string(i) + ",\"ts\":" + std::to_string(i) +
            "}\n";
  }
  write(text);
  auto source = open();
  CapturingCollector out;
  source->poll(out, 1);
  ASSERT_EQ(out.batches[0].size(), 1u);
  EXPECT_EQ(out.batches[0][0]->num_rows(), 1024u);
  while (source->has_more()) source->poll(out, 1);
  EXPECT_EQ(out.rows(), 2500u);
}

TEST_F(FileSourceTest, FollowPicksUpAppendedLinesAndNeverEnds) {
  node_.set_parameter("follow", true);
  write("{\"card_id\":\"c1\",\"amount\":1,\"ts\":1}\n{\"card_id\":\"c2\",\"amou");
  auto source = open();
  CapturingCollector out;
  source->poll(out, 4);
  EXPECT_EQ(out.rows(), 1u);  // the half-written line waits for its newline
  source->poll(out, 4);
  EXPECT_TRUE(source->has_more());
  EXPECT_EQ(out.idle_marks, std::vector<bool>{true});
  EXPECT_GT(clock_->sleeps, 0);  // waiting sleeps, it does not spin
  write("nt\":2,\"ts\":2}\n", /*append=*/true);
  source->poll(out, 4);
  EXPECT_EQ(out.rows(), 2u);
  EXPECT_EQ(out.idle_marks, (std::vector<bool>{true, false}));
  EXPECT_TRUE(source->has_more());
}

TEST_F(FileSourceTest, RestoreResumesAfterTheCheckpointedLine) {
  write("{\"card_id\":\"a\",\"amount\":1,\"ts\":1}\n{\"card_id\":\"b\",\"amount\":2,\"ts\":2}\n");
  node_.set_parameter("follow", true);
  auto first = open();
  CapturingCollector out;
  first->poll(out, 4);
  testing::MemoryState state;
  ASSERT_TRUE(first->snapshot(1, state).ok());
  write("oops\n{\"card_id\":\"c\",\"amount\":3,\"ts\":3}\n", /*append=*/true);

  auto second = open();
  ASSERT_TRUE(second->restore(state).ok());
  CapturingCollector resumed;
  second->poll(resumed, 4);
  EXPECT_EQ(testing::render_rows(resumed.batches[0]),
            std::vector<std::string>{"card_id=c|amount=3.000000|ts=3|@3"});
  ASSERT_EQ(resumed.rows(1), 1u);
  EXPECT_EQ(resumed.batches[1][0]->column(3).int64s()[0], 3);  // line numbers continue
}

TEST_F(FileSourceTest, MissingFileAndBadEventTimeFieldAreClearErrors) {
  auto source = build();
  ASSERT_TRUE(source.ok());
  graphs::Status opened = (*source)->open(runtime::OperatorContext{});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().message, "node 'src' (file_source): cannot open '" + path_ +
                                        "' for reading: No such file or directory");

  node_.set_parameter("event_time_field", std::string("card_id"));
  auto bad = build();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("node 'src', parameter 'event_time_field': "),
            std::string::npos)
      << bad.error().message;
}

TEST_F(FileSourceTest, WithoutEventTimeFieldTheReadTimeIsTheEventTime) {
  node_.set_parameter("event_time_field", std::string(""));
  write("{\"card_id\":\"a\",\"amount\":1,\"ts\":1}\n");
  auto source = open();
  CapturingCollector out;
  source->poll(out, 1);
  ASSERT_EQ(out.rows(), 1u);
  EXPECT_EQ(out.batches[0][0]->event_times()[0], clock_->epoch_ms());
}

}  // namespace
}  // namespace rivulet::operators
