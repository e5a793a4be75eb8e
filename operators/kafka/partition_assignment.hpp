#pragma once
// Which partitions a kafka_source instance reads when the runtime, not a consumer group,
// assigns them (Flink's split enumerator, without a coordinator): every instance looks the
// topics up in the cluster metadata and keeps the partitions it owns. Ownership is a pure
// function of (topic, partition, parallelism), so the instances agree without talking to each
// other, nothing waits for a group rebalance, and a partition added later goes to one owner
// without moving any existing partition (which would read it twice or not at all).

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::operators::kafka {

using TopicPartition = std::pair<std::string, std::int32_t>;

// The instance in [0, parallelism) that reads `partition` of `topic`: a topic's partitions are
// dealt round robin starting at an instance derived from the topic name (FNV-1a), so several
// topics with few partitions still spread over all instances.
std::uint32_t owner_of(const std::string& topic, std::int32_t partition, std::uint32_t parallelism);

// The topics to read: a fixed list, or every topic whose whole name matches a regular
// expression (ECMAScript syntax, as std::regex).
class TopicSelection {
 public:
  static TopicSelection names(std::vector<std::string> topics);
  // Errors name the expression's problem (std::regex_error's text).
  static graphs::Result<TopicSelection> pattern(const std::string& expression);

  bool matches(const std::string& topic) const;
  // For messages: "topics a, b" or "topics matching 'x.*'".
  std::string describe() const;

 private:
  std::vector<std::string> names_;
  std::optional<std::regex> pattern_;
  std::string expression_;
};

// Every partition of the selected topics that instance `subtask` of `parallelism` owns, sorted,
// from one metadata request (bounded by timeout_ms). Topics that do not exist yet have no
// partitions; they are picked up by a later discovery once created.
graphs::Result<std::vector<TopicPartition>> owned_partitions(rd_kafka_t* client,
                                                             const TopicSelection& topics,
                                                             std::uint32_t subtask,
                                                             std::uint32_t parallelism,
                                                             int timeout_ms);

}  // namespace rivulet::operators::kafka
