#pragma once
// The kafka_source operator (catalog spec and factory in operators/kafka_source.cpp): a
// librdkafka consumer, a record decoder and per-partition watermarks behind the runtime's
// SourceOperator interface.
//
// Offsets are ours, not the group's: auto-commit and auto offset store are off, the next offset
// of every partition is kept in memory, written by snapshot() and committed to the group
// asynchronously (at snapshots and every few seconds) only so that lag monitoring and
// start_from = committed see progress.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "operators/codecs/record_decoder.hpp"
#include "operators/kafka/client_errors.hpp"
#include "operators/kafka/partition_watermarks.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/operator.hpp"

namespace rivulet::operators::kafka {

enum class StartFrom { Committed, Earliest, Latest, Timestamp };
enum class OnParseError { DeadLetter, Skip, Fail };

struct KafkaSourceOptions {
  std::string name;  // for messages: "node 'orders'"
  std::vector<std::string> topics;
  // explicit_assignment: read `partitions` (this instance's share, possibly none); otherwise
  // subscribe to `topics` as a member of `group_id` and let the group divide the partitions.
  bool explicit_assignment = false;
  std::vector<std::pair<std::string, std::int32_t>> partitions;
  std::string bootstrap_servers;
  std::string group_id;
  StartFrom start_from = StartFrom::Committed;
  std::int64_t start_timestamp_ms = 0;
  std::string isolation_level = "read_committed";
  std::vector<std::string> properties;
  codecs::DecoderOptions decoder;  // schema = the 'out' port's schema
  OnParseError on_parse_error = OnParseError::DeadLetter;
  std::int64_t max_out_of_orderness_ms = 5000;
  std::int64_t idle_timeout_ms = 30000;
  bool stop_at_end = false;
  std::size_t batch_size = 1024;     // records per emitted batch at most
  std::int64_t commit_interval_ms = 5000;
};

class KafkaSource final : public runtime::SourceOperator, private ClientErrors {
 public:
  explicit KafkaSource(KafkaSourceOptions options);
  ~KafkaSource() override;

  graphs::Status open(const runtime::OperatorContext& context) override;
  void poll(runtime::SourceCollector& out, std::size_t max_batches) override;
  bool has_more() const override;
  void on_capacity(bool available) override;
  graphs::Status snapshot(std::uint64_t checkpoint_id, runtime::StateWriter& writer) override;
  graphs::Status restore(runtime::StateReader& reader) override;
  void close() override;

  // Counters (also for tests): decoded records, dead letters emitted, records dropped (skip).
  std::uint64_t records_out() const { return records_out_; }
  std::uint64_t dead_letters() const { return dead_letters_; }
  std::uint64_t skipped() const { return skipped_; }
  // Next offset to read per assigned partition (-1: not known yet).
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> positions() const;

  static runtime::SchemaPtr dead_letter_schema();

 private:
  using Key = std::pair<std::string, std::int32_t>;
  struct Partition {
    std::int64_t next_offset = -1;
    std::int64_t end_offset = -1;  // stop_at_end: the high watermark when assigned
    bool at_end = false;
  };

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void handle_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  // Sets each entry's start offset (known position, else start_from) and records the partition.
  void prepare_assignment(rd_kafka_topic_partition_list_t* list);
  void forget(const rd_kafka_topic_partition_list_t* list);
  void handle_message(const rd_kafka_message_t& message, std::int64_t now_ms);
  void dead_letter(const rd_kafka_message_t& message, Partition& partition,
                   const std::string& reason, std::int64_t timestamp_ms);
  void flush_batches(runtime::SourceCollector& out);
  void commit_positions(bool async);
  Partition& partition_for(const rd_kafka_message_t& message);
  std::int64_t now_ms() const;

  KafkaSourceOptions options_;
  std::unique_ptr<codecs::RecordDecoder> decoder_;
  std::unique_ptr<runtime::BatchBuilder> records_;
  std::unique_ptr<runtime::BatchBuilder> dead_letters_builder_;
  std::vector<const Key*> row_partitions_;  // partition of each row in records_
  PartitionWatermarks watermarks_;

  rd_kafka_t* consumer_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  std::vector<rd_kafka_message_t*> messages_;

  std::map<Key, Partition> partitions_;
  std::map<Key, std::int64_t> restored_;  // offsets from restore(), applied at assignment
  // One-entry cache from the last message's (topic handle, partition) to its state.
  const rd_kafka_topic_t* cached_topic_ = nullptr;
  std::int32_t cached_partition_ = -1;
  std::map<Key, Partition>::iterator cached_;

  bool paused_ = false;
  bool assigned_once_ = false;
  bool idle_without_partitions_ = false;
  std::int64_t last_commit_ms_ = 0;
  std::uint64_t records_out_ = 0;
  std::uint64_t dead_letters_ = 0;
  runtime::RecordCounters* counters_ = nullptr;  // the task's, shown by the runtime
  std::uint64_t skipped_ = 0;
  std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
};

}  // namespace rivulet::operators::kafka
