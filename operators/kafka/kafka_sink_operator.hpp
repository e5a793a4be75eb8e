#pragma once
// The kafka_sink operator (spec and factory in operators/kafka_sink.cpp), at-least-once: an
// idempotent producer (no duplicates or reordering from its own retries), flushed at end of
// input and at every checkpoint barrier (snapshot), so every record before a completed
// checkpoint is acknowledged by the brokers. A delivery error fails the task with the message.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "operators/codecs/json_encoder.hpp"
#include "operators/codecs/record_encoder.hpp"
#include "operators/kafka/client_errors.hpp"
#include "runtime/operator.hpp"

namespace rivulet::operators::kafka {

struct KafkaSinkOptions {
  std::string name;  // "node 'alerts'"
  std::string topic;
  std::string bootstrap_servers;
  std::vector<std::size_t> key_columns;  // empty: no key
  std::unique_ptr<codecs::RecordEncoder> encoder;
  std::unique_ptr<codecs::JsonEncoder> key_encoder;  // several key columns
  std::vector<std::string> properties;
  std::string credentials_dir;  // file settings resolve here (client_config.hpp)
  // Lost brokers fail the task after this long: at-least-once, the default message.timeout.ms
  // (librdkafka's is 5 min); exactly-once, the bound of publishing one epoch. 0: no bound.
  std::int64_t broker_timeout_ms = 30000;
};

class KafkaSink final : public runtime::Operator, private ClientErrors {
 public:
  explicit KafkaSink(KafkaSinkOptions options);
  ~KafkaSink() override;

  graphs::Status open(const runtime::OperatorContext& context) override;
  void process(std::size_t input, const runtime::BatchPtr& batch, runtime::Collector& out) override;
  void on_end_of_input(runtime::Collector& out) override;
  graphs::Status snapshot(std::uint64_t checkpoint_id, runtime::StateWriter& writer) override;
  void close() override;

  std::uint64_t records_written() const { return delivered_; }

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  // Waits until every produced record is acknowledged; throws KafkaError on a delivery error.
  void flush_all();
  void produce(const std::string& value, const std::string* key);

  KafkaSinkOptions options_;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_topic_t* topic_ = nullptr;
  std::string value_;
  std::string key_;
  std::uint64_t delivered_ = 0;
};

}  // namespace rivulet::operators::kafka
