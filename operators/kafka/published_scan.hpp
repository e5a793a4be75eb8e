#pragma once
// What an exactly-once sink already published, found after a restore by reading its topic back:
// every record it produces carries the headers `rivulet.sink` (its transactional id) and
// `rivulet.epoch` (the epoch's checkpoint id). Read with isolation.level=read_committed, so on
// a real cluster an aborted transaction counts as not published; on a cluster that shows
// aborted data anyway (librdkafka's mock) the records of a half-published epoch are counted
// too, and republishing skips them — either way each record ends up in the topic once.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::operators::kafka {

inline constexpr const char* kSinkHeader = "rivulet.sink";
inline constexpr const char* kEpochHeader = "rivulet.epoch";

struct PublishedScanRequest {
  std::string bootstrap_servers;
  std::vector<std::string> properties;  // the sink's passthrough client properties
  std::string topic;
  std::string sink_id;
  std::vector<std::int64_t> scan_from;  // index = partition
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  std::string credentials_dir;  // the sink's (client_config.hpp)
};

// (epoch, partition) -> records of `sink_id` found from scan_from to the end of each partition.
using PublishedCounts = std::map<std::pair<std::uint64_t, std::int32_t>, std::uint64_t>;

graphs::Result<PublishedCounts> count_published(const PublishedScanRequest& request);

}  // namespace rivulet::operators::kafka
