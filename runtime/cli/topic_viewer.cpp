#include "runtime/cli/topic_viewer.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <map>

namespace rivulet::cli {
namespace {

constexpr std::size_t kMaxQueued = 1000;

// Partition counts of `topics` from the cluster's metadata; topics not there yet are missing
// (the job's sink may create them later).
std::map<std::string, int> partition_counts(rd_kafka_t* client,
                                            const std::vector<std::string>& topics) {
  std::map<std::string, int> counts;
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(client, 1, nullptr, &metadata, 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return counts;
  }
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    if (topic.err || topic.partition_cnt == 0) continue;
    for (const std::string& wanted : topics) {
      if (wanted == topic.topic) counts[wanted] = topic.partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  return counts;
}

}  // namespace

TopicViewer::TopicViewer(std::string bootstrap_servers, std::vector<std::string> topics,
                         bool from_beginning)
    : bootstrap_(std::move(bootstrap_servers)),
      topics_(std::move(topics)),
      from_beginning_(from_beginning),
      thread_([this] { run(); }) {}

TopicViewer::~TopicViewer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> TopicViewer::take() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out(lines_.begin(), lines_.end());
  lines_.clear();
  return out;
}

std::string TopicViewer::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void TopicViewer::run() {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const char* key, const char* value) {
    rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr);
  };
  set("bootstrap.servers", bootstrap_.c_str());
  // Partitions are assigned explicitly (no group rebalance to wait for, no offsets committed);
  // librdkafka still wants a group id for a consumer handle.
  set("group.id", "rivulet-run-show");
  set("enable.auto.commit", "false");
  set("isolation.level", "read_committed");  // results of exactly-once sinks appear once
  set("fetch.wait.max.ms", "100");
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!consumer) {
    std::lock_guard lock(mutex_);
    error_ = std::string("--show: cannot create a consumer: ") + errstr;
    return;
  }
  rd_kafka_poll_set_consumer(consumer);

  std::map<std::string, int> assigned;  // partitions assigned so far, per topic
  bool first_look = true;
  auto next_metadata = std::chrono::steady_clock::now();
  while (!stop_) {
    // Pick up topics (and partitions) as they appear; a job may create its output topic late.
    // Only new partitions are added (incremental assign), so positions already reached stay.
    if (std::chrono::steady_clock::now() >= next_metadata) {
      rd_kafka_topic_partition_list_t* added = rd_kafka_topic_partition_list_new(8);
      for (const auto& [topic, partitions] : partition_counts(consumer, topics_)) {
        for (int p = assigned[topic]; p < partitions; ++p) {
          // What appears after we started watching arrived after the start: read all of it.
          const bool from_start = from_beginning_ || !first_look;
          rd_kafka_topic_partition_list_add(added, topic.c_str(), p)->offset =
              from_start ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
        }
        assigned[topic] = std::max(assigned[topic], partitions);
      }
      if (added->cnt > 0) {
        if (rd_kafka_error_t* error = rd_kafka_incremental_assign(consumer, added)) {
          std::lock_guard lock(mutex_);
          error_ = std::string("--show: ") + rd_kafka_error_string(error);
          rd_kafka_error_destroy(error);
        }
      }
      rd_kafka_topic_partition_list_destroy(added);
      first_look = false;
      next_metadata = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 100);
    if (!message) continue;
    if (!message->err) {
      std::string line = rd_kafka_topic_name(message->rkt);
      line += ": ";
      line.append(static_cast<const char*>(message->payload), message->len);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      std::lock_guard lock(mutex_);
      lines_.push_back(std::move(line));
      if (lines_.size() > kMaxQueued) lines_.pop_front();
      ++received_;
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
}

}  // namespace rivulet::cli
