// kafka_sink with delivery=exactly_once on the embedded broker: nothing is visible before its
// checkpoint completes; a restore publishes an epoch whose checkpoint completed but whose
// transaction never committed, skips one that was published, and completes one that was
// published halfway (what a SIGKILL in the middle leaves on a broker that shows uncommitted
// data). The output log's encoding round-trips and refuses damaged bytes. Fencing of an old
// instance by a new one with the same transactional id is Kafka's (librdkafka 2.0.2's mock
// hands out a fresh producer id without bumping the old one's epoch, so it cannot be shown
// here); the runtime never runs two instances of one sink at once within a job.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <map>
#include <string>

#include "operators/kafka/client_errors.hpp"
#include "operators/kafka/output_log.hpp"
#include "operators/kafka/published_scan.hpp"
#include "operators/kafka_sink.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/embedded_broker.hpp"
#include "tests/operators/kafka_test_support.hpp"
#include "tests/operators/keyed_test_support.hpp"
#include "tests/runtime/kafka_client.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using graphs::Parameter;
using graphs::StringList;
using kafka::LoggedEpoch;
using kafka::LoggedRecord;
using kafka::OutputLog;

constexpr int kPartitions = 4;
const graphs::Schema kSchema{{"user", FieldType::String, false}, {"n", FieldType::Int64, false}};

struct NullCollector : runtime::Collector {
  void emit(std::size_t, runtime::BatchPtr) override {}
  bool has_capacity() const override { return true; }
};

// Rows n = first..last-1 with user "u<n % 7>".
runtime::BatchPtr rows(int first, int last) {
  runtime::BatchBuilder b(std::make_shared<const graphs::Schema>(kSchema));
  for (int n = first; n < last; ++n) {
    b.append_string(0, "u" + std::to_string(n % 7));
    b.append_int64(1, n);
    b.end_row(0);
  }
  return b.finish();
}

class TransactionalSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime::BrokerOptions options;
    options.topics = {{"out", kPartitions}};
    auto started = runtime::EmbeddedBroker::start(options);
    ASSERT_TRUE(started.ok()) << started.error().message;
    broker_ = std::move(*started);
  }

  std::unique_ptr<runtime::Operator> sink(const std::string& prefix = "tx-test") {
    node_ = testing::node("sink", "kafka_sink",
                          {{"topic", std::string("out")},
                           {"key_fields", StringList{"user"}},
                           {"delivery", std::string("exactly_once")},
                           {"transactional_id_prefix", prefix}});
    spec_ = kafka_sink_spec();
    runtime::OperatorBuildContext context{node_, spec_, {}, {}, {}, 0, 1, {}};
    context.input_schemas = {kSchema};
    context.bootstrap_servers = broker_->bootstrap_servers();
    auto built = std::get<runtime::TransformFactory>(kafka_sink_factory())(context);
    EXPECT_TRUE(built.ok()) << (built.ok() ? "" : built.error().message);
    return built.ok() ? std::move(built).value() : nullptr;
  }

  static void open(runtime::Operator& op) {
    auto opened = op.open(runtime::OperatorContext{});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
  }

  std::vector<runtime::kafkatest::ReadRecord> committed() {
    auto records =
        runtime::kafkatest::consume_committed(broker_->bootstrap_servers(), "out", kPartitions);
    EXPECT_TRUE(records.has_value()) << "did not reach the end of 'out'";
    return records.value_or(std::vector<runtime::kafkatest::ReadRecord>{});
  }

  // n of every committed record, with how often it was seen.
  std::map<int, int> committed_counts() {
    std::map<int, int> counts;
    for (const auto& record : committed()) {
      const std::size_t at = record.value.find("\"n\":");
      counts[std::stoi(record.value.substr(at + 4))]++;
    }
    return counts;
  }

  static std::map<int, int> once(int first, int last) {
    std::map<int, int> counts;
    for (int n = first; n < last; ++n) counts[n] = 1;
    return counts;
  }

  std::unique_ptr<runtime::EmbeddedBroker> broker_;
  graphs::Node node_;
  graphs::OperatorSpec spec_;
  NullCollector out_;
};

TEST(OutputLogTest, RoundTripsAndRefusesEveryTruncation) {
  OutputLog log;
  log.scan_from = {0, 17, -1};
  log.prepared = {
      LoggedEpoch{3, {LoggedRecord{1, std::string("k"), "v1"}, LoggedRecord{2, {}, ""}}},
      LoggedEpoch{4, {LoggedRecord{0, std::string(""), std::string(300, 'x')}}}};
  const std::vector<std::byte> bytes = kafka::encode_output_log(log);
  auto decoded = kafka::decode_output_log(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, log);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(kafka::decode_output_log(std::span(bytes).first(size)).ok()) << size;
  }
  std::vector<std::byte> longer = bytes;
  longer.push_back(std::byte{0});
  EXPECT_FALSE(kafka::decode_output_log(longer).ok());
}

TEST_F(TransactionalSinkTest, PublishesAnEpochOnlyWhenItsCheckpointCompletes) {
  auto op = sink();
  ASSERT_TRUE(op);
  open(*op);
  op->process(0, rows(0, 50), out_);
  testing::MemoryState state;
  ASSERT_TRUE(op->snapshot(1, state).ok());
  op->process(0, rows(50, 80), out_);  // epoch 2: after barrier 1
  EXPECT_TRUE(committed().empty());    // prepared, not published
  op->on_checkpoint_complete(1);
  EXPECT_EQ(committed_counts(), once(0, 50));
  // Headers name the sink instance and the epoch; equal keys share a partition.
  std::map<std::string, std::int32_t> partition_of_key;
  for (const auto& record : committed()) {
    EXPECT_EQ(record.headers.at(kafka::kSinkHeader), "tx-test-0");
    EXPECT_EQ(record.headers.at(kafka::kEpochHeader), "1");
    auto [it, inserted] = partition_of_key.emplace(record.key, record.partition);
    EXPECT_EQ(it->second, record.partition) << record.key;
  }
  EXPECT_EQ(partition_of_key.size(), 7u);
  ASSERT_TRUE(op->snapshot(2, state).ok());
  op->on_checkpoint_complete(2);
  EXPECT_EQ(committed_counts(), once(0, 80));
  op->close();
}

TEST_F(TransactionalSinkTest, EpochsOfAnAbortedCheckpointRideWithTheNextOne) {
  auto op = sink();
  ASSERT_TRUE(op);
  open(*op);
  testing::MemoryState state;
  op->process(0, rows(0, 10), out_);
  ASSERT_TRUE(op->snapshot(1, state).ok());  // checkpoint 1 never completes
  op->process(0, rows(10, 20), out_);
  ASSERT_TRUE(op->snapshot(2, state).ok());
  op->on_checkpoint_complete(2);
  EXPECT_EQ(committed_counts(), once(0, 20));
  op->close();
}

TEST_F(TransactionalSinkTest, RestorePublishesACompletedCheckpointThatNeverCommitted) {
  testing::MemoryState state;
  {
    auto op = sink();
    ASSERT_TRUE(op);
    open(*op);
    op->process(0, rows(0, 40), out_);
    ASSERT_TRUE(op->snapshot(1, state).ok());
    op->process(0, rows(40, 45), out_);  // lost with the instance: replayed after restore
    op->close();                         // "crash" before on_checkpoint_complete(1)
  }
  EXPECT_TRUE(committed().empty());
  auto restored = sink();
  ASSERT_TRUE(restored);
  ASSERT_TRUE(restored->restore(state).ok());
  open(*restored);  // publishes checkpoint 1's epoch
  EXPECT_EQ(committed_counts(), once(0, 40));
  restored->close();
}

TEST_F(TransactionalSinkTest, RestoreSkipsWhatWasPublishedAndCompletesAHalfPublishedEpoch) {
  testing::MemoryState state;
  {
    auto op = sink();
    ASSERT_TRUE(op);
    open(*op);
    op->process(0, rows(0, 30), out_);
    ASSERT_TRUE(op->snapshot(1, state).ok());
    op->on_checkpoint_complete(1);  // published: a restore from 1 must not publish it again
    op->process(0, rows(30, 60), out_);
    ASSERT_TRUE(op->snapshot(2, state).ok());
    op->close();  // checkpoint 2 completed, but the instance died before publishing it
  }
  // Half of epoch 2 reached the broker before the crash, in the order the sink sends it (per
  // partition, as the idempotent producer guarantees): write it as the killed sink would have.
  auto log = kafka::decode_output_log(*state.read_blob("output_log"));
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->prepared.size(), 1u);
  const LoggedEpoch& epoch2 = log->prepared[0];
  ASSERT_EQ(epoch2.id, 2u);
  {
    char errstr[512];
    rd_kafka_t* producer = rd_kafka_new(
        RD_KAFKA_PRODUCER, runtime::kafkatest::client_conf(broker_->bootstrap_servers()), errstr,
        sizeof errstr);
    ASSERT_NE(producer, nullptr) << errstr;
    for (std::size_t i = 0; i < epoch2.records.size() / 2; ++i) {
      const LoggedRecord& r = epoch2.records[i];
      ASSERT_EQ(
          rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("out"), RD_KAFKA_V_PARTITION(r.partition),
                            RD_KAFKA_V_KEY(r.key->data(), r.key->size()),
                            RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_HEADER(kafka::kSinkHeader, "tx-test-0", 9),
                            RD_KAFKA_V_HEADER(kafka::kEpochHeader, "2", 1), RD_KAFKA_V_END),
          RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(producer, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(producer);
  }
  std::map<int, int> half = committed_counts();
  EXPECT_EQ(half.size(), 30u + epoch2.records.size() / 2);

  auto restored = sink();
  ASSERT_TRUE(restored);
  ASSERT_TRUE(restored->restore(state).ok());
  open(*restored);
  EXPECT_EQ(committed_counts(), once(0, 60));
  // Restoring the same checkpoint again (a second crash) publishes nothing more.
  restored->close();
  auto again = sink();
  ASSERT_TRUE(again);
  ASSERT_TRUE(again->restore(state).ok());
  open(*again);
  EXPECT_EQ(committed_counts(), once(0, 60));
  again->close();
}

TEST_F(TransactionalSinkTest, NeedsCheckpointsAndSaysSo) {
  auto op = sink();
  ASSERT_TRUE(op);
  EXPECT_NE(op->checkpoint_requirement().find("node 'sink': delivery=exactly_once"),
            std::string::npos)
      << op->checkpoint_requirement();
}

}  // namespace
}  // namespace rivulet::operators
