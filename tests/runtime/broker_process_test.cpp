// `rivulet broker` as a real process: scripts parse its first stdout line, Kafka clients use the
// address, and SIGTERM/SIGINT stop it cleanly with exit code 0.

#include <algorithm>

#include <gtest/gtest.h>

#include "child_process.hpp"
#include "kafka_client.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
using processtest::ChildProcess;

constexpr const char* kPrefix = "bootstrap.servers=";

// Starts `rivulet broker args...` and returns the advertised bootstrap servers ("" on failure).
std::string start_broker(ChildProcess& broker) {
  auto line = broker.read_line();
  if (!line) {
    broker.wait(5s);
    ADD_FAILURE() << "no bootstrap line; stderr: " << broker.err();
    return "";
  }
  if (line->rfind(kPrefix, 0) != 0) {
    ADD_FAILURE() << "unexpected first line: " << *line;
    return "";
  }
  return line->substr(std::string(kPrefix).size());
}

void expect_round_trip(const std::string& bootstrap, const std::string& topic, int partitions) {
  auto sent = kafkatest::numbered_messages(30, partitions);
  ASSERT_EQ(kafkatest::produce(bootstrap, topic, sent), "");
  auto received = kafkatest::consume(bootstrap, topic, partitions, sent.size());
  ASSERT_EQ(received.size(), sent.size());
  EXPECT_EQ(kafkatest::values_by_partition(received), kafkatest::values_by_partition(sent));
  EXPECT_EQ(kafkatest::values_by_partition(received).size(), static_cast<std::size_t>(partitions));
}

TEST(BrokerProcess, ServesThreePartitionsAndStopsOnSigterm) {
  ChildProcess broker({RIVULET_CLI, "broker", "--topic", "t:3"});
  std::string bootstrap = start_broker(broker);
  ASSERT_FALSE(bootstrap.empty());
  EXPECT_EQ(bootstrap.rfind("127.0.0.1:", 0), 0u) << bootstrap;

  expect_round_trip(bootstrap, "t", 3);

  broker.signal(SIGTERM);
  auto code = broker.wait();
  ASSERT_TRUE(code.has_value()) << "did not exit after SIGTERM";
  EXPECT_EQ(*code, 0) << broker.err();
  EXPECT_EQ(broker.out(), "");  // the bootstrap line is the only output
}

TEST(BrokerProcess, StopsOnSigint) {
  ChildProcess broker({RIVULET_CLI, "broker", "--brokers", "3"});
  ASSERT_FALSE(start_broker(broker).empty());
  broker.signal(SIGINT);
  auto code = broker.wait();
  ASSERT_TRUE(code.has_value()) << "did not exit after SIGINT";
  EXPECT_EQ(*code, 0) << broker.err();
}

TEST(BrokerProcess, FixedPortServesClients) {
  std::uint16_t port = kafkatest::free_loopback_port();
  ChildProcess broker(
      {RIVULET_CLI, "broker", "--port", std::to_string(port), "--brokers", "2", "--topic", "f:2"});
  std::string bootstrap = start_broker(broker);
  ASSERT_EQ(bootstrap, "127.0.0.1:" + std::to_string(port));

  expect_round_trip(bootstrap, "f", 2);

  broker.signal(SIGTERM);
  auto code = broker.wait();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << broker.err();
}

TEST(BrokerProcess, PortInUseIsAOneLineError) {
  std::uint16_t port = kafkatest::free_loopback_port();
  ChildProcess first({RIVULET_CLI, "broker", "--port", std::to_string(port)});
  ASSERT_FALSE(start_broker(first).empty());

  auto second = processtest::run_rivulet({"broker", "--port", std::to_string(port)});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_EQ(second.out, "");
  EXPECT_EQ(second.err.rfind("rivulet: error: ", 0), 0u) << second.err;
  EXPECT_EQ(std::count(second.err.begin(), second.err.end(), '\n'), 1) << second.err;
  // `first` is stopped by its destructor.
}

}  // namespace
}  // namespace rivulet::runtime
