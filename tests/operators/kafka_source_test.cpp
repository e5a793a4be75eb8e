// kafka_source over the embedded broker: built through its factory like the planner does, then
// polled directly with a recording collector.

#include "operators/kafka_source.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "operators/kafka/kafka_source_operator.hpp"
#include "operators/kafka/partition_assignment.hpp"
#include "runtime/embedded_broker.hpp"
#include "tests/operators/kafka_test_support.hpp"
#include "tests/runtime/kafka_client.hpp"

namespace rivulet::operators {
namespace {

using graphs::Duration;
using graphs::FieldType;
using graphs::Parameter;
using graphs::StringList;
using runtime::kafkatest::Message;
using testing::RecordingCollector;

const graphs::Schema kSchema{{"id", FieldType::Int64, false},
                             {"user", FieldType::String, false},
                             {"amount", FieldType::Float64, true},
                             {"ts", FieldType::Timestamp, false}};

class KafkaSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime::BrokerOptions options;
    options.topics = {{"events", 2}, {"csv", 1}, {"times", 1}, {"group", 2}};
    auto started = runtime::EmbeddedBroker::start(options);
    ASSERT_TRUE(started.ok()) << started.error().message;
    broker_ = std::move(*started);
  }

  void produce(const std::string& topic, const std::vector<Message>& messages) {
    ASSERT_EQ(runtime::kafkatest::produce(broker_->bootstrap_servers(), topic, messages), "");
  }

  graphs::Result<std::unique_ptr<runtime::SourceOperator>> build(std::vector<Parameter> parameters,
                                                                 std::uint32_t subtask = 0,
                                                                 std::uint32_t parallelism = 1) {
    node_ = testing::node("src", "kafka_source", std::move(parameters));
    spec_ = kafka_source_spec();
    runtime::OperatorBuildContext context{node_, spec_, {}, {}, {}, 0, 1, {}};
    context.output_schemas = {kSchema, *kafka::KafkaSource::dead_letter_schema()};
    context.subtask_index = subtask;
    context.parallelism = parallelism;
    context.bootstrap_servers = broker_->bootstrap_servers();
    const runtime::OperatorFactory factory = kafka_source_factory();
    return std::get<runtime::SourceFactory>(factory)(context);
  }

  std::unique_ptr<runtime::SourceOperator> open(std::vector<Parameter> parameters,
                                                std::uint32_t subtask = 0,
                                                std::uint32_t parallelism = 1) {
    auto built = build(std::move(parameters), subtask, parallelism);
    EXPECT_TRUE(built.ok()) << built.error().message;
    if (!built) return nullptr;
    runtime::OperatorContext context;
    context.output_schemas = {std::make_shared<const graphs::Schema>(kSchema),
                              kafka::KafkaSource::dead_letter_schema()};
    graphs::Status opened = (*built)->open(context);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return std::move(*built);
  }

  std::unique_ptr<runtime::EmbeddedBroker> broker_;
  graphs::Node node_;
  graphs::OperatorSpec spec_;
};

std::vector<std::string> rows(const RecordingCollector& out) {
  std::vector<std::string> result;
  for (const auto& batch : out.records) {
    for (std::size_t r = 0; r < batch->num_rows(); ++r) {
      std::string row =
          std::to_string(batch->column(0).int64s()[r]) + "|" +
          std::string(batch->column(1).string_at(r)) + "|" +
          (batch->column(2).is_null(r) ? std::string("null")
                                       : std::to_string(batch->column(2).float64s()[r])) +
          "|" + std::to_string(batch->column(3).int64s()[r]) +
          "|et=" + std::to_string(batch->event_times()[r]);
      result.push_back(row);
    }
  }
  return result;
}

// A source's state in memory: snapshot() writes it, restore() reads it.
struct Blobs : runtime::StateWriter, runtime::StateReader {
  std::map<std::string, std::vector<std::byte>> blobs;
  graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
    blobs[std::string(name)].assign(bytes.begin(), bytes.end());
    return graphs::Ok{};
  }
  bool has_blob(std::string_view name) const override { return blobs.count(std::string(name)); }
  graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) override {
    return blobs.at(std::string(name));
  }
  std::string text(const std::string& name) const {
    const auto& bytes = blobs.at(name);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
};

// kafka_source's "offsets" blob: "topic<TAB>partition<TAB>offset" lines.
Blobs offsets_state(const std::string& lines) {
  Blobs state;
  for (char ch : lines) state.blobs["offsets"].push_back(static_cast<std::byte>(ch));
  return state;
}

std::vector<Parameter> bounded(std::vector<Parameter> extra) {
  std::vector<Parameter> p = {{"topics", StringList{"events"}},
                              {"schema", kSchema},
                              {"start_from", std::string("earliest")},
                              {"stop_at_end", true}};
  p.insert(p.end(), extra.begin(), extra.end());
  return p;
}

TEST_F(KafkaSourceTest, DecodesJsonAndSendsMalformedRecordsToDeadLetters) {
  produce("events", {{0, "", R"({"id":1,"user":"ann","amount":2.5,"ts":1000})"},
                     {0, "", R"({"id":2,"user":"bob","ts":"1970-01-01T00:00:02Z"})"},
                     {0, "", R"({"id":3,"user":"cy","amount":"x","ts":3000})"},
                     {0, "", "not json at all \xff"},
                     {0, "", R"({"id":4,"user":"dee","amount":1,"ts":4000,"extra":[1]})"}});
  auto source = open(
      bounded({{"partitions", StringList{"events:0"}}, {"event_time_field", std::string("ts")}}));
  ASSERT_TRUE(source);
  RecordingCollector out;
  testing::poll_until(*source, out, [&] { return !source->has_more(); });
  EXPECT_FALSE(source->has_more());
  EXPECT_EQ(rows(out),
            (std::vector<std::string>{"1|ann|2.500000|1000|et=1000", "2|bob|null|2000|et=2000",
                                      "4|dee|1.000000|4000|et=4000"}));
  ASSERT_EQ(out.dead_letter_count(), 2u);
  const runtime::RecordBatch& dead = *out.dead_letters.at(0);
  ASSERT_EQ(dead.num_rows(), 2u);
  EXPECT_EQ(dead.column(0).string_at(0), "field 'amount': expected a number, got a string");
  EXPECT_EQ(dead.column(1).string_at(0), R"({"id":3,"user":"cy","amount":"x","ts":3000})");
  EXPECT_EQ(dead.column(2).string_at(0), "events");
  EXPECT_EQ(dead.column(3).int64s()[0], 0);
  EXPECT_EQ(dead.column(4).int64s()[0], 2);
  EXPECT_GT(dead.column(5).int64s()[0], 0);                        // the Kafka timestamp
  EXPECT_EQ(dead.column(1).string_at(1), "not json at all \xff");  // raw bytes, untouched
  EXPECT_EQ(dead.column(4).int64s()[1], 3);
  auto* kafka_source = dynamic_cast<kafka::KafkaSource*>(source.get());
  ASSERT_NE(kafka_source, nullptr);
  EXPECT_EQ(kafka_source->dead_letters(), 2u);
  EXPECT_EQ(kafka_source->records_out(), 3u);
  EXPECT_EQ((kafka_source->positions()),
            (std::map<std::pair<std::string, std::int32_t>, std::int64_t>{{{"events", 0}, 5}}));
  // Default bound 5 s: the watermark trails the highest event time.
  ASSERT_FALSE(out.watermarks.empty());
  EXPECT_EQ(out.watermarks.back(), 4000 - 5000 - 1);
  source->close();
}

TEST_F(KafkaSourceTest, SkipAndFailModes) {
  produce("events", {{0, "", "{"}, {0, "", R"({"id":1,"user":"a","ts":1})"}});
  auto skipping = open(
      bounded({{"partitions", StringList{"events:0"}}, {"on_parse_error", std::string("skip")}}));
  RecordingCollector out;
  testing::poll_until(*skipping, out, [&] { return !skipping->has_more(); });
  EXPECT_EQ(out.record_count(), 1u);
  EXPECT_EQ(out.dead_letter_count(), 0u);
  EXPECT_EQ(dynamic_cast<kafka::KafkaSource&>(*skipping).skipped(), 1u);

  auto failing = open(
      bounded({{"partitions", StringList{"events:0"}}, {"on_parse_error", std::string("fail")}}));
  RecordingCollector out2;
  try {
    testing::poll_until(*failing, out2, [&] { return !failing->has_more(); });
    FAIL() << "expected the source to throw";
  } catch (const kafka::KafkaError& error) {
    EXPECT_NE(std::string(error.what()).find("events:0@0 does not decode: not valid JSON"),
              std::string::npos)
        << error.what();
  }
}

TEST_F(KafkaSourceTest, PerPartitionWatermarksMergeAsMinimumAndIdlePartitionsStopCounting) {
  produce("events", {{0, "", R"({"id":1,"user":"a","ts":1000})"},
                     {0, "", R"({"id":2,"user":"a","ts":1500})"},
                     {0, "", R"({"id":3,"user":"a","ts":1200})"},
                     {1, "", R"({"id":4,"user":"b","ts":800})"}});
  auto source = open({{"topics", StringList{"events"}},
                      {"schema", kSchema},
                      {"partitions", StringList{"events:0", "events:1"}},
                      {"start_from", std::string("earliest")},
                      {"event_time_field", std::string("ts")},
                      {"max_out_of_orderness", Duration{10}},
                      // Long enough that a loaded machine (ctest -j2 beside the kill tests)
                      // cannot make partition 1 idle before partition 0's records arrive.
                      {"idle_timeout", Duration{1500}}});
  RecordingCollector out;
  testing::poll_until(*source, out, [&] { return out.record_count() == 4; });
  ASSERT_EQ(out.record_count(), 4u);
  source->poll(out, 1);
  // min(1500 - 10 - 1, 800 - 10 - 1)
  EXPECT_EQ(out.watermarks.back(), 789);

  // Both partitions silent for longer than idle_timeout: the instance is idle.
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  source->poll(out, 1);
  EXPECT_EQ(out.events.back(), "idle");

  // Partition 0 comes back; partition 1 stays idle and no longer holds the watermark back.
  produce("events", {{0, "", R"({"id":5,"user":"a","ts":3000})"}});
  testing::poll_until(*source, out, [&] { return out.record_count() == 5; });
  source->poll(out, 1);
  const auto active = std::find(out.events.begin(), out.events.end(), "active");
  ASSERT_NE(active, out.events.end());
  EXPECT_EQ(*(active + 1), "data");  // idleness ends before the data
  EXPECT_EQ(out.watermarks.back(), 3000 - 11);
}

TEST_F(KafkaSourceTest, CsvThroughTheConsumerGroupAndCommittedRestart) {
  produce("csv", {{0, "", "1,ann,2.5,1000\n"}, {0, "", "2,bob,,2000"}, {0, "", "3;x"}});
  std::vector<Parameter> params = {
      {"topics", StringList{"csv"}},           {"schema", kSchema},
      {"format", std::string("csv")},          {"group_id", std::string("g1")},
      {"start_from", std::string("earliest")}, {"stop_at_end", true}};
  {
    auto source = open(params);
    RecordingCollector out;
    testing::poll_until(*source, out, [&] { return !source->has_more(); });
    EXPECT_EQ(rows(out).size(), 2u);
    ASSERT_EQ(out.dead_letter_count(), 1u);
    EXPECT_EQ(out.dead_letters[0]->column(0).string_at(0),
              "field 'id': expected an integer, got '3;x'");
    source->close();  // commits the positions to g1
  }
  produce("csv", {{0, "", "4,dee,1,4000"}});
  // Restart from the committed offsets. Explicit assignment here: a fresh member joining the
  // mock cluster's group right after the old one left waits out the old session.
  params[4] = {"start_from", std::string("committed")};
  params.push_back({"partitions", StringList{"csv:0"}});
  auto source = open(params);
  RecordingCollector out;
  testing::poll_until(*source, out, [&] { return !source->has_more(); });
  EXPECT_EQ(rows(out),
            (std::vector<std::string>{"4|dee|1.000000|4000|et=" +
                                      std::to_string(out.records.at(0)->event_times()[0])}));
}

TEST_F(KafkaSourceTest, StartFromLatestAndTimestamp) {
  produce("times", {{0, "", R"({"id":1,"user":"old","ts":1})"}});
  produce("times", {{0, "", R"({"id":2,"user":"new","ts":2})"}});

  auto latest = open({{"topics", StringList{"times"}},
                      {"schema", kSchema},
                      {"partitions", StringList{"times:0"}},
                      {"start_from", std::string("latest")},
                      {"stop_at_end", true}});
  EXPECT_FALSE(latest->has_more());

  // A timestamp later than every record: offsetsForTimes finds no offset, and the source's
  // documented rule is "start at the end", so only records produced afterwards are read.
  //
  // Why not a timestamp between the two records (the interesting lookup)? librdkafka 2.0.2's
  // mock cluster cannot answer it: rd_kafka_mock_handle_ListOffsets resolves only the
  // earliest/latest sentinels and returns offset -1 for every real timestamp ("FIXME: by
  // timestamp"). Against the mock that case is indistinguishable from this one, so it is
  // covered here by its documented outcome and needs a real broker for the lookup itself.
  const std::int64_t future = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count() +
                              3'600'000;
  auto by_time = open({{"topics", StringList{"times"}},
                       {"schema", kSchema},
                       {"partitions", StringList{"times:0"}},
                       {"start_from", std::string("timestamp")},
                       {"start_timestamp", future}});
  RecordingCollector out;
  for (int i = 0; i < 10; ++i) by_time->poll(out, 1);  // positioned at the end: nothing to read
  EXPECT_EQ(out.record_count(), 0u);
  produce("times", {{0, "", R"({"id":3,"user":"newest","ts":3})"}});
  testing::poll_until(*by_time, out, [&] { return out.record_count() >= 1; });
  ASSERT_EQ(out.record_count(), 1u);
  EXPECT_EQ(out.records[0]->column(1).string_at(0), "newest");
}

TEST_F(KafkaSourceTest, PausedSourceReadsNothingUntilResumed) {
  produce("events", {{1, "", R"({"id":1,"user":"a","ts":1})"}});
  auto source = open(bounded({{"partitions", StringList{"events:1"}}}));
  source->on_capacity(false);
  RecordingCollector out;
  for (int i = 0; i < 10; ++i) source->poll(out, 1);
  EXPECT_EQ(out.record_count(), 0u);
  source->on_capacity(true);
  testing::poll_until(*source, out, [&] { return !source->has_more(); });
  EXPECT_EQ(out.record_count(), 1u);
}

TEST_F(KafkaSourceTest, ParallelInstancesSplitExplicitPartitionsRoundRobin) {
  produce("events",
          {{0, "", R"({"id":1,"user":"a","ts":1})"}, {1, "", R"({"id":2,"user":"b","ts":2})"}});
  std::vector<Parameter> params = bounded({{"partitions", StringList{"events:0", "events:1"}}});
  auto first = open(params, 0, 3);
  auto second = open(params, 1, 3);
  auto third = open(params, 2, 3);
  RecordingCollector a, b, c;
  testing::poll_until(*first, a, [&] { return !first->has_more(); });
  testing::poll_until(*second, b, [&] { return !second->has_more(); });
  third->poll(c, 1);
  EXPECT_EQ(rows(a).at(0).substr(0, 2), "1|");
  EXPECT_EQ(rows(b).at(0).substr(0, 2), "2|");
  EXPECT_FALSE(third->has_more());
  EXPECT_EQ(c.events, (std::vector<std::string>{"idle"}));  // no partitions: never holds back
}

// By topic name, the runtime assigns: parallel instances split the partitions without a group
// (no assignment ever comes from one), and partitions that appear while the instances run are
// found by the next discovery and read from their start. librdkafka 2.0.2's mock cluster has no
// CreatePartitions handler (the admin request is never answered), so the new partitions here
// are those of a new topic matching topic_pattern; to the source both are partitions it did
// not own at the last lookup.
TEST_F(KafkaSourceTest, RuntimeAssignmentSplitsPartitionsAndDiscoversNewOnes) {
  std::vector<Parameter> params = {{"topic_pattern", std::string("grow-.*")},
                                   {"schema", kSchema},
                                   {"start_from", std::string("earliest")},
                                   {"partition_discovery_interval", Duration{100}}};
  ASSERT_TRUE(broker_->create_topic({"grow-a", 2}).ok());
  produce("grow-a",
          {{0, "", R"({"id":1,"user":"a","ts":1})"}, {1, "", R"({"id":2,"user":"b","ts":2})"}});
  auto first = open(params, 0, 2);
  auto second = open(params, 1, 2);
  RecordingCollector a, b;
  auto both = [&] { return a.record_count() + b.record_count(); };
  auto poll_both = [&](std::size_t want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (both() < want && std::chrono::steady_clock::now() < deadline) {
      first->poll(a, 4);
      second->poll(b, 4);
    }
  };
  poll_both(2);
  EXPECT_EQ(a.record_count(), 1u);  // one partition each
  EXPECT_EQ(b.record_count(), 1u);

  ASSERT_TRUE(broker_->create_topic({"grow-b", 4}).ok());
  std::vector<Message> more;
  for (std::int32_t p = 0; p < 4; ++p) {
    more.push_back({p, "", R"({"id":)" + std::to_string(10 + p) + R"(,"user":"n","ts":3})"});
  }
  produce("grow-b", more);
  poll_both(6);
  EXPECT_EQ(both(), 6u);
  auto* x = dynamic_cast<kafka::KafkaSource*>(first.get());
  auto* y = dynamic_cast<kafka::KafkaSource*>(second.get());
  ASSERT_TRUE(x && y);
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> all = x->positions();
  for (const auto& [key, offset] : y->positions()) {
    EXPECT_FALSE(all.contains(key)) << key.first << ":" << key.second << " read by both";
    all[key] = offset;
  }
  EXPECT_EQ(all.size(), 6u);
  for (const auto& [key, offset] : all) EXPECT_EQ(offset, 1) << key.first << ":" << key.second;
  EXPECT_EQ(x->group_assignments() + y->group_assignments(), 0u);
}

// Ownership is a pure function: every partition has exactly one owner for any parallelism, a
// topic's partitions spread evenly, and adding partitions never moves an existing one.
TEST(PartitionOwnership, EveryPartitionHasOneOwnerAndKeepsIt) {
  for (std::uint32_t parallelism : {1u, 2u, 3u, 8u}) {
    std::vector<int> per_instance(parallelism);
    for (std::int32_t p = 0; p < 16; ++p) {
      const std::uint32_t owner = kafka::owner_of("orders", p, parallelism);
      ASSERT_LT(owner, parallelism);
      ++per_instance[owner];
    }
    const auto [low, high] = std::minmax_element(per_instance.begin(), per_instance.end());
    EXPECT_LE(*high - *low, 1) << "parallelism " << parallelism;
  }
  EXPECT_EQ(kafka::owner_of("orders", 3, 4), kafka::owner_of("orders", 3, 4));
}

TEST_F(KafkaSourceTest, TopicPatternReadsMatchingTopicsOnly) {
  produce("events", {{0, "", R"({"id":1,"user":"a","ts":1})"}});
  produce("csv", {{0, "", "2,b,,2"}});
  auto source = open({{"topic_pattern", std::string("ev.*")},
                      {"schema", kSchema},
                      {"start_from", std::string("earliest")},
                      {"stop_at_end", true}});
  RecordingCollector out;
  testing::poll_until(*source, out, [&] { return !source->has_more(); });
  EXPECT_EQ(out.record_count(), 1u);
  auto* kafka = dynamic_cast<kafka::KafkaSource*>(source.get());
  EXPECT_EQ(kafka->positions().size(), 2u);  // events:0 and events:1, not csv
  EXPECT_EQ(
      build({{"topic_pattern", std::string("(")}, {"schema", kSchema}})
          .error()
          .message.rfind("node 'src', parameter 'topic_pattern': not a regular expression", 0),
      0u);
}

TEST_F(KafkaSourceTest, SnapshotAndRestoreRewind) {
  produce("events",
          {{0, "", R"({"id":1,"user":"a","ts":1})"}, {0, "", R"({"id":2,"user":"b","ts":2})"}});
  Blobs state = offsets_state("events\t0\t1\n");
  auto built = build(bounded({{"partitions", StringList{"events:0"}}}));
  ASSERT_TRUE(built.ok());
  auto& source = **built;
  ASSERT_TRUE(source.restore(state).ok());
  runtime::OperatorContext context;
  ASSERT_TRUE(source.open(context).ok());
  RecordingCollector out;
  testing::poll_until(source, out, [&] { return !source.has_more(); });
  EXPECT_EQ(rows(out).size(), 1u);  // offset 1 only
  Blobs after;
  ASSERT_TRUE(source.snapshot(1, after).ok());
  const auto& bytes = after.blobs.at("offsets");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
            "events\t0\t2\n");
}

// Rescaling from a savepoint: two instances read part of an 8-partition topic and snapshot;
// three instances restore, each from both snapshots as the runtime does for a node with
// partition state, and read on. Every record is read exactly once over both runs.
TEST_F(KafkaSourceTest, SavepointAtParallelismTwoRestoresAtThree) {
  ASSERT_TRUE(broker_->create_topic({"wide", 8}).ok());
  int next_id = 0;
  auto produce_round = [&] {
    std::vector<Message> round;
    for (std::int32_t p = 0; p < 8; ++p) {
      round.push_back({p, "", R"({"id":)" + std::to_string(next_id++) + R"(,"user":"u","ts":1})"});
    }
    produce("wide", round);
  };
  const std::vector<Parameter> params = {{"topics", StringList{"wide"}},
                                         {"schema", kSchema},
                                         {"start_from", std::string("earliest")},
                                         {"stop_at_end", true}};
  std::multiset<std::int64_t> ids;
  auto collect = [&](const RecordingCollector& out) {
    for (const auto& batch : out.records) {
      for (std::size_t r = 0; r < batch->num_rows(); ++r) ids.insert(batch->column(0).int64s()[r]);
    }
  };
  produce_round();
  produce_round();
  std::vector<Blobs> saved(2);
  for (std::uint32_t i = 0; i < 2; ++i) {
    auto source = open(params, i, 2);
    RecordingCollector out;
    testing::poll_until(*source, out, [&] { return !source->has_more(); });
    collect(out);
    ASSERT_TRUE(source->snapshot(1, saved[i]).ok());
  }
  EXPECT_EQ(ids.size(), 16u);
  produce_round();
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto built = build(params, i, 3);
    ASSERT_TRUE(built.ok());
    for (Blobs& state : saved) ASSERT_TRUE((*built)->restore(state).ok());
    runtime::OperatorContext context;
    ASSERT_TRUE((*built)->open(context).ok());
    RecordingCollector out;
    testing::poll_until(**built, out, [&] { return !(*built)->has_more(); });
    collect(out);
  }
  std::multiset<std::int64_t> expected;
  for (int id = 0; id < next_id; ++id) expected.insert(id);
  EXPECT_EQ(ids, expected);
}

// A restored offset the broker does not have (it lost data, or the state is from another
// cluster) fails the source naming topic, partition and offsets, unless the node says where to
// continue instead.
TEST_F(KafkaSourceTest, OffsetOutOfRangeFailsNamingItUnlessThePolicySaysOtherwise) {
  produce("events", {{0, "", R"({"id":1,"user":"a","ts":1})"}});
  std::string opened;  // open()'s error, if any
  auto restored = [&](std::vector<Parameter> parameters) {
    auto built = build(std::move(parameters));
    EXPECT_TRUE(built.ok());
    Blobs state = offsets_state("events\t0\t100\nevents\t1\t0\n");
    EXPECT_TRUE((*built)->restore(state).ok());
    runtime::OperatorContext context;
    context.output_schemas = {std::make_shared<const graphs::Schema>(kSchema),
                              kafka::KafkaSource::dead_letter_schema()};
    graphs::Status status = (*built)->open(context);
    opened = status ? "" : status.error().message;
    return std::move(*built);
  };
  const std::string expected =
      "node 'src': topic 'events' partition 0: offset 100 is out of range (the broker holds "
      "offsets 0 to 1): the broker lost data, or the checkpointed or committed offset is from "
      "elsewhere; set on_offset_out_of_range = earliest or latest to continue from there instead";
  // Reading forever, librdkafka finds it when fetching: the next poll throws.
  auto source = restored({{"topics", StringList{"events"}}, {"schema", kSchema}});
  ASSERT_EQ(opened, "");
  RecordingCollector out;
  std::string error;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (error.empty() && std::chrono::steady_clock::now() < deadline) {
    try {
      source->poll(out, 4);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  EXPECT_EQ(error, expected);
  EXPECT_EQ(out.record_count(), 0u);
  // Bounded, the end offsets are read at assignment, which finds it: open() fails.
  (void)restored(bounded({}));
  EXPECT_EQ(opened, expected);

  auto earliest = restored(bounded({{"on_offset_out_of_range", std::string("earliest")}}));
  ASSERT_EQ(opened, "");
  RecordingCollector from_start;
  testing::poll_until(*earliest, from_start, [&] { return !earliest->has_more(); });
  EXPECT_EQ(from_start.record_count(), 1u);
}

// Produces `count` JSON records to `topic` partition `partition` in transactions of `per_txn`
// records each (every commit adds a transaction marker to the partition). "" on success.
std::string produce_transactions(const std::string& bootstrap, const std::string& topic,
                                 std::int32_t partition, int count, int per_txn) {
  char errstr[512];
  rd_kafka_conf_t* conf = runtime::kafkatest::client_conf(bootstrap);
  rd_kafka_conf_set(conf, "transactional.id", "lag-test-producer", errstr, sizeof errstr);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (producer == nullptr) return errstr;
  std::string error;
  auto check = [&](rd_kafka_error_t* e, const char* what) {
    if (e == nullptr) return true;
    if (error.empty()) error = std::string(what) + ": " + rd_kafka_error_string(e);
    rd_kafka_error_destroy(e);
    return false;
  };
  if (check(rd_kafka_init_transactions(producer, 30000), "init_transactions")) {
    for (int start = 0; start < count && error.empty(); start += per_txn) {
      if (!check(rd_kafka_begin_transaction(producer), "begin_transaction")) break;
      for (int i = start; i < std::min(count, start + per_txn); ++i) {
        const std::string value = R"({"id":)" + std::to_string(i) + R"(,"user":"u","ts":1000})";
        if (rd_kafka_resp_err_t err = rd_kafka_producev(
                producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) {
          error = rd_kafka_err2str(err);
        }
      }
      check(rd_kafka_commit_transaction(producer, 30000), "commit_transaction");
    }
  }
  rd_kafka_destroy(producer);
  return error;
}

std::map<std::pair<std::string, std::int32_t>, std::int64_t> lag_by_partition(
    const runtime::RecordCounters& counters) {
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> lag;
  for (const runtime::PartitionLagEntry& entry : counters.lag()) {
    lag[{entry.topic, entry.partition}] = entry.lag;
  }
  return lag;
}

// Consumer lag per partition (high watermark - next offset): positive while a slow reader is
// behind, exactly what is left to read, and 0 once it caught up — also on a partition written
// in transactions and read with read_committed. (A real broker puts a transaction marker at an
// offset of its own after each commit, which the source steps over with librdkafka's position;
// the mock cluster's high watermark shows no such offset, so this test cannot tell.)
TEST_F(KafkaSourceTest, ReportsConsumerLagPerPartitionUntilCaughtUp) {
  std::vector<Message> plain;
  for (int i = 0; i < 500; ++i) {
    plain.push_back({0, "", R"({"id":)" + std::to_string(i) + R"(,"user":"u","ts":1000})"});
  }
  produce("events", plain);
  ASSERT_EQ(produce_transactions(broker_->bootstrap_servers(), "events", 1, 300, 100), "");

  kafka::KafkaSourceOptions options;
  options.name = "node 'src'";
  options.topics = {"events"};
  options.bootstrap_servers = broker_->bootstrap_servers();
  options.group_id = "lag-test";
  options.start_from = kafka::StartFrom::Earliest;
  options.decoder.schema = std::make_shared<const graphs::Schema>(kSchema);
  options.batch_size = 20;  // the slow reader: 20 records per poll
  options.lag_report_interval_ms = 0;
  kafka::KafkaSource source(options);
  runtime::RecordCounters counters;
  runtime::OperatorContext context;
  context.output_schemas = {options.decoder.schema, kafka::KafkaSource::dead_letter_schema()};
  context.counters = &counters;
  ASSERT_TRUE(source.open(context).ok());

  // Read a little at a time until both partitions' high watermarks are known.
  RecordingCollector out;
  testing::poll_until(source, out, [&] { return lag_by_partition(counters).size() == 2; });
  auto lag = lag_by_partition(counters);
  ASSERT_EQ(lag.size(), 2u) << "no lag reported for both partitions";
  const std::int64_t read = static_cast<std::int64_t>(source.records_out());
  ASSERT_LT(read, 800);
  const std::int64_t plain_lag = lag[std::make_pair(std::string("events"), 0)];
  const std::int64_t transactional_lag = lag[std::make_pair(std::string("events"), 1)];
  EXPECT_GT(plain_lag + transactional_lag, 0);
  // What is reported is what is left: the plain partition's lag is its unread records; the
  // transactional one's counts at most one offset more per transaction marker ahead.
  const auto positions = source.positions();
  const std::int64_t plain_next = positions.at(std::make_pair(std::string("events"), 0));
  const std::int64_t transactional_next = positions.at(std::make_pair(std::string("events"), 1));
  EXPECT_EQ(plain_lag, 500 - plain_next);
  EXPECT_GE(transactional_lag, 300 - transactional_next - 3);
  EXPECT_LE(transactional_lag, 303 - transactional_next);

  // Catch up: every record read, then the lag of both partitions goes to 0.
  testing::poll_until(source, out, [&] { return source.records_out() == 800; });
  ASSERT_EQ(source.records_out(), 800u);
  testing::poll_until(source, out, [&] {
    auto now = lag_by_partition(counters);
    std::int64_t total = 0;
    for (const auto& [partition, value] : now) total += value;
    return now.size() == 2 && total == 0;
  });
  EXPECT_EQ(lag_by_partition(counters),
            (std::map<std::pair<std::string, std::int32_t>, std::int64_t>{{{"events", 0}, 0},
                                                                          {{"events", 1}, 0}}));
  source.close();
}

TEST_F(KafkaSourceTest, FactoryRejectsBadParameters) {
  auto bad_partition = build(bounded({{"partitions", StringList{"events"}}}));
  ASSERT_FALSE(bad_partition.ok());
  EXPECT_EQ(bad_partition.error().message,
            "node 'src', parameter 'partitions': 'events' is not \"topic:partition\"");
  auto other_topic = build(bounded({{"partitions", StringList{"other:0"}}}));
  ASSERT_FALSE(other_topic.ok());
  auto reserved = build(bounded({{"properties", StringList{"group.id=x"}}}));
  ASSERT_FALSE(reserved.ok());
  EXPECT_EQ(reserved.error().message,
            "node 'src', parameter 'properties': 'group.id' is managed by Rivulet (set it through "
            "the node's parameters)");
  auto unknown = build(bounded({{"properties", StringList{"no.such.thing=1"}}}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no.such.thing"), std::string::npos);
  auto bad_event_time = build(bounded({{"event_time_field", std::string("user")}}));
  ASSERT_FALSE(bad_event_time.ok());
  EXPECT_NE(bad_event_time.error().message.find("parameter 'event_time_field'"), std::string::npos);
  EXPECT_TRUE(build(bounded({{"properties", StringList{"fetch.wait.max.ms=10"}}})).ok());
}

}  // namespace
}  // namespace rivulet::operators
