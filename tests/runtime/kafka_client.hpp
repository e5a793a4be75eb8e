#pragma once
// Tiny librdkafka (C API) helpers for the runtime tests: produce a batch, read it back.
// Timeouts only keep a broken test from hanging; no assertion depends on them.

#include <arpa/inet.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/runtime/free_port.hpp"

namespace rivulet::runtime::kafkatest {

struct Message {
  std::int32_t partition = 0;
  std::string key;
  std::string value;
};

inline rd_kafka_conf_t* client_conf(const std::string& bootstrap) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
  // Fail fast against a dead address instead of retrying for minutes.
  rd_kafka_conf_set(conf, "socket.connection.setup.timeout.ms", "5000", errstr, sizeof errstr);
  return conf;
}

// Produces `messages` (to their partitions) and waits for every delivery report.
// Returns an empty string on success, otherwise the first error.
inline std::string produce(const std::string& bootstrap, const std::string& topic,
                           const std::vector<Message>& messages) {
  char errstr[512];
  rd_kafka_conf_t* conf = client_conf(bootstrap);
  rd_kafka_conf_set(conf, "message.timeout.ms", "20000", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof errstr);
  std::string first_error;
  rd_kafka_conf_set_opaque(conf, &first_error);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* error = static_cast<std::string*>(opaque);
    if (m->err && error->empty()) *error = rd_kafka_err2str(m->err);
  });
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!producer) return errstr;
  for (const Message& m : messages) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(m.partition),
        RD_KAFKA_V_KEY(m.key.data(), m.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(m.value.data()), m.value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err && first_error.empty()) first_error = rd_kafka_err2str(err);
    rd_kafka_poll(producer, 0);
  }
  rd_kafka_resp_err_t err = rd_kafka_flush(producer, 30000);
  if (err && first_error.empty()) first_error = std::string("flush: ") + rd_kafka_err2str(err);
  rd_kafka_destroy(producer);
  return first_error;
}

// Reads partitions 0..partitions-1 of `topic` from the beginning (explicit assignment, no group
// rebalance to wait for) until `expected` messages arrived or the safety timeout passed.
inline std::vector<Message> consume(const std::string& bootstrap, const std::string& topic,
                                    int partitions, std::size_t expected) {
  char errstr[512];
  rd_kafka_conf_t* conf = client_conf(bootstrap);
  rd_kafka_conf_set(conf, "group.id", "rivulet-test", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "50", errstr, sizeof errstr);
  std::vector<Message> received;
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!consumer) return received;
  rd_kafka_poll_set_consumer(consumer);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (received.size() < expected && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (!m) continue;
    if (!m->err) {
      received.push_back({m->partition, std::string(static_cast<const char*>(m->key), m->key_len),
                          std::string(static_cast<const char*>(m->payload), m->len)});
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  return received;
}

// A record read back with its headers (exactly-once sinks tag theirs).
struct ReadRecord {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads partitions 0..partitions-1 of `topic` from the beginning to their end (partition EOF on
// each) with isolation.level=read_committed, as a consumer of exactly-once output would.
// Returns nullopt if the end was not reached within `timeout` (a broken test must not hang).
inline std::optional<std::vector<ReadRecord>> consume_committed(
    const std::string& bootstrap, const std::string& topic, int partitions,
    std::chrono::seconds timeout = std::chrono::seconds(60)) {
  char errstr[512];
  rd_kafka_conf_t* conf = client_conf(bootstrap);
  rd_kafka_conf_set(conf, "group.id", "rivulet-test-committed", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "isolation.level", "read_committed", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "enable.partition.eof", "true", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "50", errstr, sizeof errstr);
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!consumer) return std::nullopt;
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  std::vector<ReadRecord> records;
  std::set<std::int32_t> at_end;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (static_cast<int>(at_end.size()) < partitions &&
         std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end.insert(m->partition);
    } else if (!m->err) {
      ReadRecord record;
      record.partition = m->partition;
      record.offset = m->offset;
      if (m->key) record.key.assign(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) record.value.assign(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        std::size_t size = 0;
        for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                                RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          record.headers[name] = value ? std::string(static_cast<const char*>(value), size) : "";
        }
      }
      records.push_back(std::move(record));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  if (static_cast<int>(at_end.size()) < partitions) return std::nullopt;
  return records;
}

// `count` messages spread round-robin over `partitions`, each with a distinct key and value.
inline std::vector<Message> numbered_messages(int count, int partitions) {
  std::vector<Message> messages;
  for (int i = 0; i < count; ++i) {
    messages.push_back({i % partitions, "key-" + std::to_string(i), "value-" + std::to_string(i)});
  }
  return messages;
}

// Messages grouped by partition, in the order read; Kafka keeps order within a partition only.
inline std::map<std::int32_t, std::vector<std::string>> values_by_partition(
    const std::vector<Message>& messages) {
  std::map<std::int32_t, std::vector<std::string>> grouped;
  for (const Message& m : messages) grouped[m.partition].push_back(m.key + "=" + m.value);
  return grouped;
}

using ::rivulet::test::free_loopback_port;

}  // namespace rivulet::runtime::kafkatest
