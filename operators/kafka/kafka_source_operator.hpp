#pragma once
// The kafka_source operator (catalog spec and factory in operators/kafka_source.cpp): a
// librdkafka consumer, a record decoder and per-partition watermarks behind the runtime's
// SourceOperator interface.
//
// Partitions come from the runtime by default (partition_assignment.hpp: a metadata lookup and
// a deterministic spread over the instances, rediscovered at an interval), from an explicit
// list, or, with assignment = group, from Kafka's group management with static membership.
//
// Offsets are ours, not the group's: auto-commit and auto offset store are off, the next offset
// of every partition is kept in memory, written by snapshot() one line per partition and
// committed to the group asynchronously (at snapshots and every few seconds) only so that lag
// monitoring and start_from = committed see progress. restore() may be called once per saved
// instance (the catalog declares the state per-partition): every instance then knows every
// partition's offset and uses those of the partitions it is assigned, so the source's
// parallelism may change across a savepoint.

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
// Runtime: metadata lookup + owner_of spread; Explicit: `partitions`; Group: subscribe.
enum class Assignment { Runtime, Explicit, Group };
// A start offset the broker no longer (or never) had: fail naming it, or librdkafka's reset.
enum class OnOffsetOutOfRange { Fail, Earliest, Latest };

struct KafkaSourceOptions {
  std::string name;  // for messages: "node 'orders'"
  std::vector<std::string> topics;
  std::string topic_pattern;  // non-empty: every topic whose name matches, instead of `topics`
  Assignment assignment = Assignment::Runtime;
  // Explicit: this instance's share of `partitions` (possibly none).
  std::vector<std::pair<std::string, std::int32_t>> partitions;
  std::uint32_t subtask_index = 0;  // Runtime: which share of the partitions is ours
  std::uint32_t parallelism = 1;
  std::int64_t discovery_interval_ms = 30000;  // Runtime: new partitions; 0: never
  std::string group_instance_id;               // Group: static membership (KIP-345)
  OnOffsetOutOfRange on_offset_out_of_range = OnOffsetOutOfRange::Fail;
  std::string bootstrap_servers;
  std::string group_id;
  StartFrom start_from = StartFrom::Committed;
  std::int64_t start_timestamp_ms = 0;
  std::string isolation_level = "read_committed";
  std::vector<std::string> properties;
  std::string credentials_dir;     // file settings resolve here (client_config.hpp)
  codecs::DecoderOptions decoder;  // schema = the 'out' port's schema
  OnParseError on_parse_error = OnParseError::DeadLetter;
  // A dead letter's value, key and headers text are each cut to this (dead_letter.hpp).
  std::int64_t dead_letter_max_bytes = 32 * 1024;
  std::int64_t max_out_of_orderness_ms = 5000;
  std::int64_t idle_timeout_ms = 30000;
  bool stop_at_end = false;
  std::size_t batch_size = 1024;  // records per emitted batch at most
  std::int64_t commit_interval_ms = 5000;
  // No broker reachable for this long (librdkafka reported all down, and a metadata request
  // still gets no answer): the task fails naming it, and the restart strategy applies. 0: never.
  std::int64_t broker_timeout_ms = 30000;
  // How often the consumer lag per partition is reported to the task's counters (0: at every
  // poll, for tests). It is computed from librdkafka's cached high watermarks, never a request.
  std::int64_t lag_report_interval_ms = 1000;
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
  // Partition assignments received from a consumer group (0 unless assignment = group).
  std::uint64_t group_assignments() const { return group_assignments_; }
  // Next offset to read per assigned partition (-1: not known yet).
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> positions() const;

  // The dead_letters output's columns (dead_letter.hpp).
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
  // Sets each entry's start offset (restored or known position, else start_from; `discovered`:
  // earliest, since a partition created while we run holds nothing we read) and records it.
  void prepare_assignment(rd_kafka_topic_partition_list_t* list, bool discovered = false);
  // Resolves committed / latest start offsets to numbers, so snapshots always know them.
  void resolve_start_offsets(rd_kafka_topic_partition_list_t* list);
  // Runtime assignment: assigns the owned partitions not assigned yet.
  graphs::Status discover_partitions(int timeout_ms, bool discovered);
  void fail_out_of_range(const rd_kafka_message_t& message);
  void forget(const rd_kafka_topic_partition_list_t* list);
  void handle_message(const rd_kafka_message_t& message, std::int64_t now_ms);
  void dead_letter(const rd_kafka_message_t& message, Partition& partition,
                   const std::string& reason, std::int64_t timestamp_ms);
  void flush_batches(runtime::SourceCollector& out);
  void commit_positions(bool async);
  static void on_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void* opaque);
  // Fails the task once no broker has been reachable for broker_timeout_ms (see the option).
  void check_brokers();
  // Lag = high watermark (the last stable offset under read_committed) minus the next offset
  // to read, per assigned partition, from what the last fetch responses told librdkafka
  // (rd_kafka_get_watermark_offsets: no broker round trip, the poll loop never blocks). While
  // the source is paused by backpressure nothing is fetched, so the high watermark is the last
  // one seen and the lag shown can trail a producer that keeps writing. A partition whose high
  // watermark is not known yet (nothing fetched) is left out rather than shown as 0.
  // `now_or_never`: report even if the interval has not passed (the source's last poll).
  void report_lag(bool now_or_never);
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
  bool restoring_ = false;                // restore() found state: unlisted partitions are new ones
  std::int64_t last_discovery_ms_ = 0;
  // One-entry cache from the last message's (topic handle, partition) to its state.
  const rd_kafka_topic_t* cached_topic_ = nullptr;
  std::int32_t cached_partition_ = -1;
  std::map<Key, Partition>::iterator cached_;

  bool paused_ = false;
  bool assigned_once_ = false;
  bool idle_without_partitions_ = false;
  std::int64_t last_commit_ms_ = 0;
  bool commit_in_flight_ = false;  // an asynchronous commit not answered yet
  bool commit_due_ = false;        // one was held back: the next poll sends it
  std::int64_t last_lag_report_ms_ = -1;
  std::uint64_t records_out_ = 0;
  std::uint64_t dead_letters_ = 0;
  runtime::RecordCounters* counters_ = nullptr;  // the task's, shown by the runtime
  std::uint64_t skipped_ = 0;
  std::uint64_t group_assignments_ = 0;
  std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
};

}  // namespace rivulet::operators::kafka
