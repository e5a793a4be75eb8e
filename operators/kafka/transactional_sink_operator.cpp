#include "operators/kafka/transactional_sink_operator.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "operators/codecs/record_encoder.hpp"
#include "operators/kafka/client_config.hpp"
#include "operators/kafka/published_scan.hpp"

namespace rivulet::operators::kafka {
namespace {

constexpr const char* kLogBlob = "output_log";
constexpr int kClientTimeoutMs = 30000;
constexpr int kQueueFullWaitMs = 10;

std::span<const std::byte> as_bytes(const std::vector<std::byte>& bytes) { return bytes; }

}  // namespace

TransactionalKafkaSink::TransactionalKafkaSink(TransactionalSinkOptions options)
    : options_(std::move(options)), name_(options_.sink.name) {}

TransactionalKafkaSink::~TransactionalKafkaSink() { close(); }

std::string TransactionalKafkaSink::checkpoint_requirement() const {
  return name_ +
         ": delivery=exactly_once publishes its output when a checkpoint completes; run the job "
         "with a checkpoint directory (--checkpoint-dir) or set delivery=at_least_once";
}

void TransactionalKafkaSink::throw_on_error(rd_kafka_error_t* error, const char* what) {
  if (error == nullptr) return;
  const std::string message = name_ + ": " + what + ": " + rd_kafka_error_string(error);
  rd_kafka_error_destroy(error);
  throw KafkaError(message);
}

graphs::Status TransactionalKafkaSink::open(const runtime::OperatorContext& /*context*/) {
  ClientSettings settings;
  settings.role = ClientRole::Producer;
  settings.managed = {
      {"bootstrap.servers", options_.sink.bootstrap_servers},
      {"transactional.id", options_.transactional_id},
      {"transaction.timeout.ms", std::to_string(options_.transaction_timeout_ms)},
      {"enable.idempotence", "true"},
  };
  settings.defaults = {{"linger.ms", "5"}};
  settings.properties = options_.sink.properties;
  settings.credentials_dir = options_.sink.credentials_dir;
  auto conf = build_client_config(settings);
  if (!conf) return graphs::Error{name_ + ": " + conf.error().message};
  install(conf->get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &on_delivery);
  char errstr[512];
  producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof errstr);
  if (producer_ == nullptr) return graphs::Error{name_ + ": " + errstr};
  (void)conf->release();
  topic_ = rd_kafka_topic_new(producer_, options_.sink.topic.c_str(), nullptr);
  if (topic_ == nullptr) {
    return graphs::Error{name_ + ": topic '" + options_.sink.topic +
                         "': " + rd_kafka_err2str(rd_kafka_last_error())};
  }
  if (auto counted = fetch_partition_count(); !counted) return counted;
  // Fences any earlier instance with the same transactional.id and aborts its open
  // transaction, so the scan below sees only committed output.
  if (rd_kafka_error_t* error = rd_kafka_init_transactions(producer_, kClientTimeoutMs)) {
    const std::string message = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    return graphs::Error{name_ + ": init_transactions ('" + options_.transactional_id +
                         "'): " + message};
  }
  if (!restored_) return find_partition_ends();
  // A partition added since the snapshot has no recorded start: scan it from its beginning.
  log_.scan_from.resize(static_cast<std::size_t>(partitions_), -1);
  if (log_.prepared.empty()) return graphs::Ok{};
  // Epochs of a completed checkpoint whose publication may not have happened (or not fully).
  auto published = count_published(PublishedScanRequest{
      options_.sink.bootstrap_servers, options_.sink.properties, options_.sink.topic,
      options_.transactional_id, log_.scan_from, std::chrono::milliseconds(kClientTimeoutMs),
      options_.sink.credentials_dir});
  if (!published) return graphs::Error{name_ + ": " + published.error().message};
  try {
    for (const LoggedEpoch& epoch : log_.prepared) {
      std::vector<std::uint64_t> already(static_cast<std::size_t>(partitions_), 0);
      for (std::int32_t p = 0; p < partitions_; ++p) {
        auto it = published->find({epoch.id, p});
        if (it != published->end()) already[static_cast<std::size_t>(p)] = it->second;
      }
      publish(epoch, already);
    }
  } catch (const KafkaError& error) {
    return graphs::Error{error.what()};
  }
  log_.prepared.clear();
  return graphs::Ok{};
}

graphs::Status TransactionalKafkaSink::fetch_partition_count() {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kClientTimeoutMs);
  std::string last_error = "no answer";
  while (std::chrono::steady_clock::now() < deadline) {
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(producer_, 0, topic_, &metadata, 5000);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
          metadata->topics[0].partition_cnt > 0) {
        partitions_ = metadata->topics[0].partition_cnt;
      } else if (metadata->topic_cnt == 1) {
        last_error = rd_kafka_err2str(metadata->topics[0].err);
      }
      rd_kafka_metadata_destroy(metadata);
      if (partitions_ > 0) return graphs::Ok{};
    } else {
      last_error = rd_kafka_err2str(err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // topic being created
  }
  return graphs::Error{name_ + ": topic '" + options_.sink.topic +
                       "': cannot learn its partitions: " + last_error};
}

graphs::Status TransactionalKafkaSink::find_partition_ends() {
  log_.scan_from.assign(static_cast<std::size_t>(partitions_), 0);
  for (std::int32_t p = 0; p < partitions_; ++p) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        producer_, options_.sink.topic.c_str(), p, &low, &high, kClientTimeoutMs);
    if (err) {
      return graphs::Error{name_ + ": end offset of '" + options_.sink.topic + "' [" +
                           std::to_string(p) + "]: " + rd_kafka_err2str(err)};
    }
    log_.scan_from[static_cast<std::size_t>(p)] = high;
  }
  return graphs::Ok{};
}

void TransactionalKafkaSink::on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message,
                                         void* opaque) {
  auto* self = static_cast<TransactionalKafkaSink*>(static_cast<ClientErrors*>(opaque));
  if (message->err) {
    self->fail(std::string("delivery to '") + self->options_.sink.topic +
               "' failed: " + rd_kafka_err2str(message->err));
    return;
  }
  // The next scan may start after our own newest record.
  const auto p = static_cast<std::size_t>(message->partition);
  if (p < self->log_.scan_from.size()) {
    self->log_.scan_from[p] = std::max(self->log_.scan_from[p], message->offset + 1);
  }
}

std::int32_t TransactionalKafkaSink::partition_for(const std::string* key) {
  if (key != nullptr) {
    // The Java clients' murmur2 partitioner, so keys land where Kafka Streams would put them.
    return rd_kafka_msg_partitioner_murmur2(topic_, key->data(), key->size(), partitions_, nullptr,
                                            nullptr);
  }
  return static_cast<std::int32_t>(round_robin_++ % static_cast<std::uint64_t>(partitions_));
}

void TransactionalKafkaSink::process(std::size_t /*input*/, const runtime::BatchPtr& batch,
                                     runtime::Collector& /*out*/) {
  const KafkaSinkOptions& sink = options_.sink;
  const std::size_t rows = batch->num_rows();
  for (std::size_t row = 0; row < rows; ++row) {
    value_.clear();
    sink.encoder->encode(*batch, row, value_);
    const std::string* key = nullptr;
    if (sink.key_columns.size() == 1) {
      key_.clear();
      if (codecs::append_value_text(batch->column(sink.key_columns[0]), row, key_)) key = &key_;
    } else if (sink.key_encoder) {
      key_.clear();
      sink.key_encoder->encode(*batch, row, key_);
      key = &key_;
    }
    LoggedRecord record;
    record.partition = partition_for(key);
    if (key != nullptr) record.key = *key;
    record.value = value_;
    current_.records.push_back(std::move(record));
  }
}

graphs::Status TransactionalKafkaSink::snapshot(std::uint64_t checkpoint_id,
                                                runtime::StateWriter& writer) {
  if (!current_.records.empty()) {
    current_.id = checkpoint_id;
    log_.prepared.push_back(std::move(current_));
    current_ = LoggedEpoch{};
  }
  // Epochs of checkpoints that did not complete stay prepared and ride along with this one.
  return writer.write_blob(kLogBlob, as_bytes(encode_output_log(log_)));
}

graphs::Status TransactionalKafkaSink::restore(runtime::StateReader& reader) {
  if (!reader.has_blob(kLogBlob)) return graphs::Ok{};
  auto bytes = reader.read_blob(kLogBlob);
  if (!bytes) return bytes.error();
  auto log = decode_output_log(*bytes);
  if (!log) return graphs::Error{name_ + ": " + log.error().message};
  log_ = std::move(log).value();
  restored_ = true;
  return graphs::Ok{};
}

void TransactionalKafkaSink::on_checkpoint_complete(std::uint64_t checkpoint_id) {
  auto done = log_.prepared.begin();
  for (; done != log_.prepared.end() && done->id <= checkpoint_id; ++done) {
    publish(*done, std::vector<std::uint64_t>(static_cast<std::size_t>(partitions_), 0));
  }
  log_.prepared.erase(log_.prepared.begin(), done);
}

void TransactionalKafkaSink::publish(const LoggedEpoch& epoch,
                                     const std::vector<std::uint64_t>& already) {
  std::vector<std::uint64_t> skip = already;
  std::size_t to_send = epoch.records.size();
  for (std::uint64_t n : skip) to_send -= std::min<std::uint64_t>(n, to_send);
  if (to_send == 0) return;
  throw_on_error(rd_kafka_begin_transaction(producer_), "begin_transaction");
  in_transaction_ = true;
  // Past the transaction timeout the brokers abort the transaction themselves: retrying longer
  // cannot succeed, and a task blocked here can be neither stopped nor cancelled. So producing
  // and committing the epoch get broker_timeout (30 s by default: the transaction timeout,
  // 15 min by default, is far too long to notice a lost cluster), at most the transaction
  // timeout, in all; then the task fails with the cause (the restart publishes the epoch from
  // the state, which still holds it).
  std::int64_t bound_ms = options_.transaction_timeout_ms;
  const char* bound_name = "the transaction timeout";
  if (options_.sink.broker_timeout_ms > 0 && options_.sink.broker_timeout_ms < bound_ms) {
    bound_ms = options_.sink.broker_timeout_ms;
    bound_name = "broker_timeout";
  }
  bound_ms = std::max<std::int64_t>(bound_ms, 1000);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(bound_ms);
  const auto left_ms = [&] {
    return static_cast<int>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now())
               .count()));
  };
  const auto give_up = [&](const std::string& what, const std::string& last) {
    throw KafkaError(name_ + ": " + what + " of epoch " + std::to_string(epoch.id) +
                     " not confirmed within " + bound_name + " (" + std::to_string(bound_ms) +
                     " ms; the brokers are unreachable?): " + last);
  };
  const std::string epoch_text = std::to_string(epoch.id);
  const std::string& sink_id = options_.transactional_id;
  for (const LoggedRecord& record : epoch.records) {
    auto& skipped = skip[static_cast<std::size_t>(record.partition)];
    if (skipped > 0) {
      --skipped;
      continue;
    }
    const void* key = record.key ? record.key->data() : nullptr;
    const std::size_t key_size = record.key ? record.key->size() : 0;
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_, RD_KAFKA_V_RKT(topic_), RD_KAFKA_V_PARTITION(record.partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_VALUE(const_cast<char*>(record.value.data()), record.value.size()),
          RD_KAFKA_V_KEY(key, key_size),
          RD_KAFKA_V_HEADER(kSinkHeader, sink_id.data(), static_cast<ssize_t>(sink_id.size())),
          RD_KAFKA_V_HEADER(kEpochHeader, epoch_text.data(),
                            static_cast<ssize_t>(epoch_text.size())),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        throw KafkaError(name_ + ": produce: " + rd_kafka_err2str(err));
      }
      rd_kafka_poll(producer_, kQueueFullWaitMs);  // serve delivery reports, make room
      throw_if_failed(name_);
      if (left_ms() == 0) give_up("produce", rd_kafka_err2str(err));
    }
  }
  // Commit flushes first; a failure leaves the epoch in the log, and the task's failure
  // restarts the job, whose restore publishes what is missing.
  for (;;) {
    rd_kafka_error_t* error =
        rd_kafka_commit_transaction(producer_, std::max(1, std::min(kClientTimeoutMs, left_ms())));
    if (error == nullptr) break;
    if (!rd_kafka_error_is_retriable(error)) throw_on_error(error, "commit_transaction");
    const std::string last = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);  // e.g. timed out while the brokers are away: try again
    if (left_ms() == 0) give_up("commit_transaction", last);
  }
  in_transaction_ = false;
  throw_if_failed(name_);
}

void TransactionalKafkaSink::close() {
  if (producer_ == nullptr) return;
  if (in_transaction_) {
    // Best effort: the next instance's init_transactions aborts it anyway.
    if (rd_kafka_error_t* error = rd_kafka_abort_transaction(producer_, 5000)) {
      rd_kafka_error_destroy(error);
    }
    in_transaction_ = false;
  }
  if (topic_ != nullptr) rd_kafka_topic_destroy(topic_);
  topic_ = nullptr;
  rd_kafka_destroy(producer_);
  producer_ = nullptr;
}

}  // namespace rivulet::operators::kafka
