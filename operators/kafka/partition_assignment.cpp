#include "operators/kafka/partition_assignment.hpp"

#include <algorithm>

namespace rivulet::operators::kafka {

std::uint32_t owner_of(const std::string& topic, std::int32_t partition,
                       std::uint32_t parallelism) {
  if (parallelism <= 1) return 0;
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a: stable across builds and platforms
  for (unsigned char ch : topic) {
    hash ^= ch;
    hash *= 1099511628211ull;
  }
  const std::uint64_t start = hash % parallelism;
  return static_cast<std::uint32_t>((start + static_cast<std::uint64_t>(partition)) % parallelism);
}

TopicSelection TopicSelection::names(std::vector<std::string> topics) {
  TopicSelection selection;
  selection.names_ = std::move(topics);
  return selection;
}

graphs::Result<TopicSelection> TopicSelection::pattern(const std::string& expression) {
  TopicSelection selection;
  try {
    selection.pattern_.emplace(expression, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return graphs::Error{std::string("not a regular expression: ") + e.what()};
  }
  selection.expression_ = expression;
  return selection;
}

bool TopicSelection::matches(const std::string& topic) const {
  if (pattern_) return std::regex_match(topic, *pattern_);
  return std::find(names_.begin(), names_.end(), topic) != names_.end();
}

std::string TopicSelection::describe() const {
  if (pattern_) return "topics matching '" + expression_ + "'";
  std::string out = "topics ";
  for (std::size_t i = 0; i < names_.size(); ++i) out += (i ? ", " : "") + names_[i];
  return out;
}

graphs::Result<std::vector<TopicPartition>> owned_partitions(rd_kafka_t* client,
                                                             const TopicSelection& topics,
                                                             std::uint32_t subtask,
                                                             std::uint32_t parallelism,
                                                             int timeout_ms) {
  const rd_kafka_metadata_t* metadata = nullptr;
  // All topics: asking for named topics only would create them where auto-creation is on.
  if (rd_kafka_resp_err_t err = rd_kafka_metadata(client, 1, nullptr, &metadata, timeout_ms)) {
    return graphs::Error{std::string("metadata lookup of ") + topics.describe() + ": " +
                         rd_kafka_err2str(err)};
  }
  std::vector<TopicPartition> owned;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || !topics.matches(topic.topic)) continue;
    for (int p = 0; p < topic.partition_cnt; ++p) {
      const std::int32_t id = topic.partitions[p].id;
      if (owner_of(topic.topic, id, parallelism) == subtask) owned.emplace_back(topic.topic, id);
    }
  }
  rd_kafka_metadata_destroy(metadata);
  std::sort(owned.begin(), owned.end());
  return owned;
}

}  // namespace rivulet::operators::kafka
