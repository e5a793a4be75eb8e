#include "runtime/embedded_broker.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kafka_client.hpp"

namespace rivulet::runtime {
namespace {

using kafkatest::consume;
using kafkatest::numbered_messages;
using kafkatest::produce;
using kafkatest::values_by_partition;

BrokerOptions options(int brokers, std::vector<TopicSpec> topics = {}, std::uint16_t port = 0) {
  BrokerOptions result;
  result.brokers = brokers;
  result.topics = std::move(topics);
  result.port = port;
  return result;
}

std::unique_ptr<EmbeddedBroker> start_or_fail(const BrokerOptions& options) {
  auto broker = EmbeddedBroker::start(options);
  if (!broker) ADD_FAILURE() << broker.error().message;
  return broker ? std::move(broker).value() : nullptr;
}

void expect_round_trip(const std::string& bootstrap, const std::string& topic, int partitions,
                       int count) {
  auto sent = numbered_messages(count, partitions);
  ASSERT_EQ(produce(bootstrap, topic, sent), "");
  auto received = consume(bootstrap, topic, partitions, sent.size());
  ASSERT_EQ(received.size(), sent.size());
  EXPECT_EQ(values_by_partition(received), values_by_partition(sent));
}

TEST(ParseTopicSpec, AcceptsNameAndPartitions) {
  auto topic = parse_topic_spec("orders.v1:3");
  ASSERT_TRUE(topic) << topic.error().message;
  EXPECT_EQ(topic->name, "orders.v1");
  EXPECT_EQ(topic->partitions, 3);
}

TEST(ParseTopicSpec, RejectsMalformedSpecs) {
  for (const char* bad : {"orders", "orders:", "orders:x", "orders:3x", ":3", "or ders:3",
                          "orders:0", "orders:-1", "orders:999999"}) {
    auto topic = parse_topic_spec(bad);
    EXPECT_FALSE(topic) << bad;
    if (!topic) {
      EXPECT_EQ(topic.error().message.find('\n'), std::string::npos);
    }
  }
}

TEST(EmbeddedBroker, RejectsBadOptions) {
  EXPECT_FALSE(EmbeddedBroker::start(options(0)));
  EXPECT_FALSE(EmbeddedBroker::start(options(1, {{"a", 1}, {"a", 2}})));
  EXPECT_FALSE(EmbeddedBroker::start(options(1, {{"bad name", 1}})));
}

TEST(EmbeddedBroker, BootstrapListsEveryMockBroker) {
  auto broker = start_or_fail(options(3));
  ASSERT_TRUE(broker);
  EXPECT_EQ(broker->broker_count(), 3);
  EXPECT_EQ(broker->forwarder_port(), 0);
  const std::string& servers = broker->bootstrap_servers();
  EXPECT_EQ(servers, broker->mock_bootstrap_servers());
  EXPECT_EQ(std::count(servers.begin(), servers.end(), ','), 2) << servers;
  EXPECT_EQ(servers.rfind("127.0.0.1:", 0), 0u) << servers;
}

TEST(EmbeddedBroker, ProducesAndConsumesAcrossPartitions) {
  auto broker = start_or_fail(options(2, {{"events", 3}}));
  ASSERT_TRUE(broker);
  expect_round_trip(broker->bootstrap_servers(), "events", 3, 60);
}

TEST(EmbeddedBroker, CreatesTopicsAfterStart) {
  auto broker = start_or_fail(options(1));
  ASSERT_TRUE(broker);
  ASSERT_TRUE(broker->create_topic({"late", 2}));
  EXPECT_FALSE(broker->create_topic({"late", 2}));  // already exists
  expect_round_trip(broker->bootstrap_servers(), "late", 2, 10);
}

TEST(EmbeddedBroker, FixedPortForwardsToTheMockBrokers) {
  std::uint16_t port = kafkatest::free_loopback_port();
  auto broker = start_or_fail(options(3, {{"fixed", 3}}, port));
  ASSERT_TRUE(broker);
  EXPECT_EQ(broker->forwarder_port(), port);
  EXPECT_EQ(broker->bootstrap_servers(), "127.0.0.1:" + std::to_string(port));
  expect_round_trip(broker->bootstrap_servers(), "fixed", 3, 30);
}

TEST(EmbeddedBroker, FixedPortInUseIsAnError) {
  std::uint16_t port = kafkatest::free_loopback_port();
  auto first = start_or_fail(options(1, {}, port));
  ASSERT_TRUE(first);
  auto second = EmbeddedBroker::start(options(1, {}, port));
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find(std::to_string(port)), std::string::npos);
}

TEST(EmbeddedBroker, ForwarderSkipsABrokerThatIsDown) {
  std::uint16_t port = kafkatest::free_loopback_port();
  auto broker = start_or_fail(options(3, {{"t", 1}}, port));
  ASSERT_TRUE(broker);
  ASSERT_TRUE(broker->set_broker_down(1));
  // Partition 0 may be led by broker 1; move it so the topic stays usable.
  ASSERT_TRUE(rd_kafka_mock_partition_set_leader(broker->mock_cluster(), "t", 0, 2) ==
              RD_KAFKA_RESP_ERR_NO_ERROR);
  expect_round_trip(broker->bootstrap_servers(), "t", 1, 5);
  EXPECT_TRUE(broker->set_broker_up(1));
  EXPECT_FALSE(broker->set_broker_down(7));
}

TEST(EmbeddedBroker, StopIsIdempotent) {
  auto broker = start_or_fail(options(1, {{"t", 1}}));
  ASSERT_TRUE(broker);
  broker->stop();
  broker->stop();
  EXPECT_EQ(broker->mock_cluster(), nullptr);
  EXPECT_FALSE(broker->create_topic({"u", 1}));
}

}  // namespace
}  // namespace rivulet::runtime
