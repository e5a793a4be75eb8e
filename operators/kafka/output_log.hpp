#pragma once
// The write-ahead log of the exactly-once Kafka sink: the records of each epoch (the output
// between two checkpoint barriers), kept until a checkpoint that contains them completes and
// they are published. It is part of the sink's snapshot, so a restore can publish an epoch
// whose checkpoint completed but whose Kafka transaction never committed (librdkafka cannot
// resume another producer's transaction; Flink's Java client does this by reflection).
//
// Each record's partition is fixed when it is logged, so republishing after a crash sends it
// to the same partition, where the restore-time scan counted what already arrived.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::operators::kafka {

struct LoggedRecord {
  std::int32_t partition = 0;
  std::optional<std::string> key;
  std::string value;
  bool operator==(const LoggedRecord&) const = default;
};

struct LoggedEpoch {
  std::uint64_t id = 0;  // the checkpoint whose barrier closed the epoch
  std::vector<LoggedRecord> records;
  bool operator==(const LoggedEpoch&) const = default;
};

struct OutputLog {
  // Epochs closed by a barrier but not yet published, oldest first.
  std::vector<LoggedEpoch> prepared;
  // Per partition of the topic: no record of this sink published after this snapshot can
  // precede this offset (the end of our last published records, or the partition's end when
  // the sink first started). The restore-time scan starts here.
  std::vector<std::int64_t> scan_from;
  bool operator==(const OutputLog&) const = default;
};

std::vector<std::byte> encode_output_log(const OutputLog& log);
// A clear error for truncated or foreign bytes; never reads past the end.
graphs::Result<OutputLog> decode_output_log(std::span<const std::byte> bytes);

}  // namespace rivulet::operators::kafka
