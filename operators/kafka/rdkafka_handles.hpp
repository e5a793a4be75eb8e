#pragma once
// Owning handles for librdkafka's C objects, so every early return and exception releases
// them (the C API has no destructors of its own), and a consumer close with a bound.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>

namespace rivulet::operators::kafka {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
struct TopicDeleter {
  void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using TopicPtr = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

// rd_kafka_t is not in this list on purpose: consumers must be closed before destruction
// (rd_kafka_consumer_close leaves the group cleanly), so each client owner does it explicitly,
// with close_consumer().

// Closes `consumer` (leaves its group, finishes outstanding commits) and destroys it, waiting
// for the close at most `bound`: rd_kafka_consumer_close() itself waits without one, which
// with the brokers gone held a failing task (and a job's restart or cancel) for minutes. Past
// the bound the client is destroyed without the rest of the close; nothing a Rivulet consumer
// reads depends on it (offsets are in the checkpoints, group members time out on the broker).
inline void close_consumer(rd_kafka_t* consumer,
                           std::chrono::milliseconds bound = std::chrono::seconds(5)) {
  if (consumer == nullptr) return;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(consumer);
  if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(consumer, queue)) {
    rd_kafka_error_destroy(error);
  } else {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (!rd_kafka_consumer_closed(consumer) && std::chrono::steady_clock::now() < deadline) {
      // The close's own events (a rebalance callback's revoke, commit results) are served
      // here; none needs an answer.
      if (rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 50)) rd_kafka_event_destroy(event);
    }
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy_flags(consumer, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

}  // namespace rivulet::operators::kafka
