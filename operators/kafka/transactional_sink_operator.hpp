#pragma once
// kafka_sink with delivery=exactly_once: the output of each epoch (between two checkpoint
// barriers) is logged in the sink's state and published only when a checkpoint containing it
// completed, inside one Kafka transaction per epoch (transactional.id = the sink instance's
// stable id, so a restarted instance fences its predecessor and aborts its open transaction).
// Every record carries the headers `rivulet.sink` and `rivulet.epoch`.
//
// Why a log and not "commit the transaction prepared at the barrier": librdkafka cannot resume
// a transaction another producer opened, so a crash between a checkpoint's completion and its
// commit would lose that epoch. Here the completed checkpoint holds the epoch itself; a restore
// reads the topic back (read_committed) from the offsets the log records, counts what of each
// logged epoch is already there, and publishes the rest (published_scan.hpp). Output becomes
// visible one checkpoint later, as with any two-phase-commit sink; memory holds one epoch.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <vector>

#include "operators/kafka/client_errors.hpp"
#include "operators/kafka/kafka_sink_operator.hpp"
#include "operators/kafka/output_log.hpp"
#include "runtime/operator.hpp"

namespace rivulet::operators::kafka {

struct TransactionalSinkOptions {
  KafkaSinkOptions sink;
  std::string transactional_id;  // stable per sink instance: "<prefix>-<subtask>"
  std::int64_t transaction_timeout_ms = 60000;
};

class TransactionalKafkaSink final : public runtime::Operator, private ClientErrors {
 public:
  explicit TransactionalKafkaSink(TransactionalSinkOptions options);
  ~TransactionalKafkaSink() override;

  graphs::Status open(const runtime::OperatorContext& context) override;
  void process(std::size_t input, const runtime::BatchPtr& batch, runtime::Collector& out) override;
  graphs::Status snapshot(std::uint64_t checkpoint_id, runtime::StateWriter& writer) override;
  graphs::Status restore(runtime::StateReader& reader) override;
  void on_checkpoint_complete(std::uint64_t checkpoint_id) override;
  std::string checkpoint_requirement() const override;
  void close() override;

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  graphs::Status fetch_partition_count();
  graphs::Status find_partition_ends();
  // Publishes one epoch in one transaction, skipping the first `already[p]` records bound for
  // partition p (found by the restore-time scan).
  void publish(const LoggedEpoch& epoch, const std::vector<std::uint64_t>& already);
  void throw_on_error(rd_kafka_error_t* error, const char* what);
  std::int32_t partition_for(const std::string* key);

  TransactionalSinkOptions options_;
  const std::string name_;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_topic_t* topic_ = nullptr;
  std::int32_t partitions_ = 0;
  std::uint64_t round_robin_ = 0;  // unkeyed records: partition = sequence modulo count
  LoggedEpoch current_;            // records since the last barrier
  OutputLog log_;                  // prepared epochs and where a restore's scan starts
  bool restored_ = false;
  bool in_transaction_ = false;
  std::string value_;
  std::string key_;
};

}  // namespace rivulet::operators::kafka
