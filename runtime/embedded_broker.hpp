#pragma once
// An in-process Kafka "cluster" for development, examples and tests, built on librdkafka's mock
// cluster (rdkafka_mock.h). Not a real broker: data lives in memory, listeners are loopback only,
// and the protocol subset is what librdkafka's own clients need (see runtime/README.md).
//
// librdkafka 2.0.2 always binds its mock brokers to 127.0.0.1 on ephemeral ports; there is no
// API or configuration property to choose one. A fixed port is therefore provided by a small
// loopback TCP forwarder from that port to the first mock broker that accepts connections:
// clients bootstrap through it, and the metadata they receive advertises the mock brokers' own
// loopback addresses, which they then connect to directly.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graphs/result.hpp"

// Opaque librdkafka types, so that users of this header need not include librdkafka.
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace rivulet::runtime {

struct TopicSpec {
  std::string name;
  int partitions = 1;
};

// Parses "NAME:PARTITIONS" as given to `rivulet broker --topic`, e.g. "orders:3".
graphs::Result<TopicSpec> parse_topic_spec(const std::string& text);

struct BrokerOptions {
  // 0: clients use the mock brokers' ephemeral ports directly. Otherwise a forwarder listens on
  // 127.0.0.1:port and the bootstrap address is just that.
  std::uint16_t port = 0;
  int brokers = 1;  // broker ids are 1..brokers
  std::vector<TopicSpec> topics;
};

inline constexpr int kMaxBrokers = 32;
inline constexpr int kMaxPartitions = 10000;

class EmbeddedBroker {
 public:
  // Starts the mock cluster, creates the topics and (if options.port != 0) the forwarder.
  // Errors (bad options, port in use, ...) are returned as one-line messages.
  static graphs::Result<std::unique_ptr<EmbeddedBroker>> start(const BrokerOptions& options);

  ~EmbeddedBroker();  // stops
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  // "127.0.0.1:PORT[,127.0.0.1:PORT...]" — what clients put in bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_; }
  // The mock brokers' own addresses, bypassing the forwarder.
  const std::string& mock_bootstrap_servers() const { return mock_bootstrap_; }
  // The forwarder's port, 0 when there is none.
  std::uint16_t forwarder_port() const;
  int broker_count() const { return broker_count_; }

  graphs::Status create_topic(const TopicSpec& topic);

  // Fault injection: a down broker drops its connections and refuses new ones (its port is kept
  // and it comes back on the same address when set up again).
  graphs::Status set_broker_down(int broker_id);
  graphs::Status set_broker_up(int broker_id);

  // For further fault injection through rdkafka_mock.h (RTT, request errors, leaders, ...).
  // Valid until stop().
  rd_kafka_mock_cluster_t* mock_cluster() const;

  // Closes the forwarder and destroys the cluster; idempotent.
  void stop();

 private:
  struct State;
  explicit EmbeddedBroker(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
  std::string bootstrap_;
  std::string mock_bootstrap_;
  int broker_count_ = 0;
};

}  // namespace rivulet::runtime
