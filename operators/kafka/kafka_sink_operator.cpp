#include "operators/kafka/kafka_sink_operator.hpp"

#include <algorithm>
#include <exception>

#include "operators/kafka/client_config.hpp"

namespace rivulet::operators::kafka {
namespace {

constexpr int kFlushSliceMs = 200;
constexpr int kQueueFullWaitMs = 10;
constexpr std::int64_t kDefaultLingerMs = 5;

// broker_timeout after the record's linger (librdkafka counts message.timeout.ms from produce,
// and refuses one not above linger.ms); 0: no bound.
std::string message_timeout_ms(const KafkaSinkOptions& options) {
  if (options.broker_timeout_ms <= 0) return "0";
  std::int64_t linger = kDefaultLingerMs;
  for (const std::string& item : options.properties) {
    const std::size_t equals = item.find('=');
    std::string key = item.substr(0, equals);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    if (equals == std::string::npos || (key != "linger.ms" && key != "queue.buffering.max.ms")) {
      continue;
    }
    try {
      linger = std::max<std::int64_t>(0, std::stoll(item.substr(equals + 1)));
    } catch (const std::exception&) {  // build_client_config names the bad value
    }
  }
  return std::to_string(options.broker_timeout_ms + linger);
}

}  // namespace

KafkaSink::KafkaSink(KafkaSinkOptions options) : options_(std::move(options)) {}

KafkaSink::~KafkaSink() { close(); }

graphs::Status KafkaSink::open(const runtime::OperatorContext& /*context*/) {
  ClientSettings settings;
  settings.role = ClientRole::Producer;
  settings.managed = {
      {"bootstrap.servers", options_.bootstrap_servers},
      // Retries can neither duplicate nor reorder: at-least-once without self-made duplicates.
      {"enable.idempotence", "true"},
  };
  settings.defaults = {
      {"linger.ms", std::to_string(kDefaultLingerMs)},
      // Same key → same partition as Java clients (Kafka Streams, Flink) would choose.
      {"partitioner", "murmur2_random"},
      // A record the brokers did not acknowledge in time fails its delivery report, and so the
      // task: a lost cluster ends the flush at a barrier or at the end within this bound.
      {"message.timeout.ms", message_timeout_ms(options_)},
  };
  settings.properties = options_.properties;
  settings.credentials_dir = options_.credentials_dir;
  auto conf = build_client_config(settings);
  if (!conf) return graphs::Error{options_.name + ": " + conf.error().message};
  install(conf->get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &on_delivery);
  char errstr[512];
  producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof errstr);
  if (producer_ == nullptr) return graphs::Error{options_.name + ": " + errstr};
  (void)conf->release();
  topic_ = rd_kafka_topic_new(producer_, options_.topic.c_str(), nullptr);
  if (topic_ == nullptr) {
    return graphs::Error{options_.name + ": topic '" + options_.topic +
                         "': " + rd_kafka_err2str(rd_kafka_last_error())};
  }
  return graphs::Ok{};
}

void KafkaSink::on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<KafkaSink*>(static_cast<ClientErrors*>(opaque));
  if (message->err) {
    self->fail(std::string("delivery to '") + self->options_.topic +
               "' failed: " + rd_kafka_err2str(message->err));
  } else {
    ++self->delivered_;
  }
}

void KafkaSink::produce(const std::string& value, const std::string* key) {
  for (;;) {
    const int rc = rd_kafka_produce(topic_, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                    const_cast<char*>(value.data()), value.size(),
                                    key != nullptr ? key->data() : nullptr,
                                    key != nullptr ? key->size() : 0, nullptr);
    if (rc == 0) return;
    const rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      throw KafkaError(options_.name + ": produce: " + rd_kafka_err2str(err));
    }
    // The local queue is full: serve delivery reports until the brokers catch up.
    rd_kafka_poll(producer_, kQueueFullWaitMs);
    throw_if_failed(options_.name);
  }
}

void KafkaSink::process(std::size_t /*input*/, const runtime::BatchPtr& batch,
                        runtime::Collector& /*out*/) {
  throw_if_failed(options_.name);
  const std::size_t rows = batch->num_rows();
  for (std::size_t row = 0; row < rows; ++row) {
    value_.clear();
    options_.encoder->encode(*batch, row, value_);
    const std::string* key = nullptr;
    if (options_.key_columns.size() == 1) {
      key_.clear();
      if (codecs::append_value_text(batch->column(options_.key_columns[0]), row, key_)) key = &key_;
    } else if (options_.key_encoder) {
      key_.clear();
      options_.key_encoder->encode(*batch, row, key_);
      key = &key_;
    }
    produce(value_, key);
  }
  rd_kafka_poll(producer_, 0);  // delivery reports of earlier batches
  throw_if_failed(options_.name);
}

void KafkaSink::flush_all() {
  if (producer_ == nullptr) return;
  while (rd_kafka_outq_len(producer_) > 0) {
    // message.timeout.ms bounds this loop: an undeliverable record fails with a report.
    rd_kafka_flush(producer_, kFlushSliceMs);
    throw_if_failed(options_.name);
  }
  throw_if_failed(options_.name);
}

void KafkaSink::on_end_of_input(runtime::Collector& /*out*/) { flush_all(); }

graphs::Status KafkaSink::snapshot(std::uint64_t /*checkpoint_id*/,
                                   runtime::StateWriter& /*writer*/) {
  try {
    flush_all();
  } catch (const KafkaError& error) {
    return graphs::Error{error.what()};
  }
  return graphs::Ok{};
}

void KafkaSink::close() {
  if (producer_ == nullptr) return;
  // Best effort: a failed job may close with records still queued; do not wait forever.
  rd_kafka_flush(producer_, 5000);
  if (topic_ != nullptr) rd_kafka_topic_destroy(topic_);
  topic_ = nullptr;
  rd_kafka_destroy(producer_);
  producer_ = nullptr;
}

}  // namespace rivulet::operators::kafka
