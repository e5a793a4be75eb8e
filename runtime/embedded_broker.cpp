#include "runtime/embedded_broker.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

#include "runtime/loopback_forwarder.hpp"

namespace rivulet::runtime {
namespace {

// Kafka's own rule for topic names.
bool valid_topic_name(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

graphs::Status check_topic(const TopicSpec& topic) {
  if (!valid_topic_name(topic.name)) {
    return graphs::Error{"invalid topic name '" + topic.name +
                         "' (use 1-249 of a-z A-Z 0-9 . _ -)"};
  }
  if (topic.partitions < 1 || topic.partitions > kMaxPartitions) {
    return graphs::Error{"topic '" + topic.name + "': partition count must be 1.." +
                         std::to_string(kMaxPartitions)};
  }
  return graphs::Ok{};
}

// "127.0.0.1:40001,127.0.0.1:40002" → {40001, 40002}, in broker id order.
std::vector<std::uint16_t> ports_of(const std::string& bootstraps) {
  std::vector<std::uint16_t> ports;
  std::istringstream in(bootstraps);
  std::string address;
  while (std::getline(in, address, ',')) {
    auto colon = address.rfind(':');
    unsigned port = 0;
    if (colon == std::string::npos) continue;
    std::from_chars(address.data() + colon + 1, address.data() + address.size(), port);
    if (port > 0 && port < 65536) ports.push_back(static_cast<std::uint16_t>(port));
  }
  return ports;
}

graphs::Status from_kafka(rd_kafka_resp_err_t err, const std::string& what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return graphs::Ok{};
  return graphs::Error{what + ": " + rd_kafka_err2str(err)};
}

}  // namespace

graphs::Result<TopicSpec> parse_topic_spec(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    return graphs::Error{"topic '" + text + "' must be NAME:PARTITIONS, e.g. orders:3"};
  }
  TopicSpec topic{text.substr(0, colon), 0};
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, topic.partitions);
  if (ec != std::errc() || end != last || first == last) {
    return graphs::Error{"topic '" + text + "': partition count '" + std::string(first, last) +
                         "' is not a number"};
  }
  if (auto ok = check_topic(topic); !ok) return ok.error();
  return topic;
}

// Owns the librdkafka objects. The mock cluster needs an rd_kafka_t for its bookkeeping (and runs
// its own thread); it must be destroyed before that handle.
struct EmbeddedBroker::State {
  rd_kafka_t* handle = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::unique_ptr<LoopbackForwarder> forwarder;

  ~State() {
    if (forwarder) forwarder->stop();
    if (cluster) rd_kafka_mock_cluster_destroy(cluster);
    if (handle) rd_kafka_destroy(handle);
  }
};

graphs::Result<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::start(
    const BrokerOptions& options) {
  if (options.brokers < 1 || options.brokers > kMaxBrokers) {
    return graphs::Error{"broker count must be 1.." + std::to_string(kMaxBrokers)};
  }
  std::set<std::string> names;
  for (const TopicSpec& topic : options.topics) {
    if (auto ok = check_topic(topic); !ok) return ok.error();
    if (!names.insert(topic.name).second) {
      return graphs::Error{"topic '" + topic.name + "' is given twice"};
    }
  }

  auto state = std::make_unique<State>();
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The bookkeeping handle never connects anywhere; without this it would warn that no
  // bootstrap.servers are configured. Real mock failures are logged at error level or above.
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  state->handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!state->handle) {
    rd_kafka_conf_destroy(conf);
    return graphs::Error{std::string("cannot create the Kafka client handle: ") + errstr};
  }
  state->cluster = rd_kafka_mock_cluster_new(state->handle, options.brokers);
  if (!state->cluster) return graphs::Error{"cannot start the mock Kafka cluster"};

  std::unique_ptr<EmbeddedBroker> broker(new EmbeddedBroker(std::move(state)));
  broker->broker_count_ = options.brokers;
  broker->mock_bootstrap_ = rd_kafka_mock_cluster_bootstraps(broker->state_->cluster);
  for (const TopicSpec& topic : options.topics) {
    if (auto ok = broker->create_topic(topic); !ok) return ok.error();
  }

  broker->bootstrap_ = broker->mock_bootstrap_;
  if (options.port != 0) {
    auto forwarder = LoopbackForwarder::start(options.port, ports_of(broker->mock_bootstrap_));
    if (!forwarder) return forwarder.error();
    broker->state_->forwarder = std::move(forwarder).value();
    broker->bootstrap_ = "127.0.0.1:" + std::to_string(options.port);
  }
  return broker;
}

EmbeddedBroker::EmbeddedBroker(std::unique_ptr<State> state) : state_(std::move(state)) {}

EmbeddedBroker::~EmbeddedBroker() { stop(); }

void EmbeddedBroker::stop() { state_.reset(); }

std::uint16_t EmbeddedBroker::forwarder_port() const {
  return state_ && state_->forwarder ? state_->forwarder->port() : 0;
}

rd_kafka_mock_cluster_t* EmbeddedBroker::mock_cluster() const {
  return state_ ? state_->cluster : nullptr;
}

graphs::Status EmbeddedBroker::create_topic(const TopicSpec& topic) {
  if (!state_) return graphs::Error{"the broker is stopped"};
  if (auto ok = check_topic(topic); !ok) return ok;
  // Same replication factor the mock uses for auto-created topics; replicas are bookkeeping only.
  int replication = std::min(broker_count_, 3);
  return from_kafka(
      rd_kafka_mock_topic_create(state_->cluster, topic.name.c_str(), topic.partitions,
                                 replication),
      "cannot create topic '" + topic.name + "'");
}

graphs::Status EmbeddedBroker::set_broker_down(int broker_id) {
  if (!state_) return graphs::Error{"the broker is stopped"};
  if (broker_id < 1 || broker_id > broker_count_) {
    return graphs::Error{"no broker " + std::to_string(broker_id)};
  }
  return from_kafka(rd_kafka_mock_broker_set_down(state_->cluster, broker_id),
                    "cannot set broker " + std::to_string(broker_id) + " down");
}

graphs::Status EmbeddedBroker::set_broker_up(int broker_id) {
  if (!state_) return graphs::Error{"the broker is stopped"};
  if (broker_id < 1 || broker_id > broker_count_) {
    return graphs::Error{"no broker " + std::to_string(broker_id)};
  }
  return from_kafka(rd_kafka_mock_broker_set_up(state_->cluster, broker_id),
                    "cannot set broker " + std::to_string(broker_id) + " up");
}

}  // namespace rivulet::runtime
