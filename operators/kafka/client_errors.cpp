#include "operators/kafka/client_errors.hpp"

#include <chrono>

namespace rivulet::operators::kafka {

void ClientErrors::install(rd_kafka_conf_t* conf) {
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_error_cb(conf, &ClientErrors::on_error);
}

void ClientErrors::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<ClientErrors*>(opaque);
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    const rd_kafka_resp_err_t original = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    self->fail(std::string("fatal error ") + rd_kafka_err2name(original) + ": " + fatal);
  } else if (is_permanent(code)) {
    self->fail(std::string(rd_kafka_err2name(code)) + ": " + reason);
  } else {
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
      std::int64_t none = 0;
      self->all_down_since_ns_.compare_exchange_strong(none, steady_ns(),
                                                       std::memory_order_acq_rel);
    }
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->last_transient_ = reason;
  }
}

std::int64_t ClientErrors::steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void ClientErrors::fail(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (failed_.load(std::memory_order_relaxed)) return;
  message_ = message;
  failed_.store(true, std::memory_order_release);
}

std::string ClientErrors::message() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return message_;
}

std::string ClientErrors::last_transient() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_transient_;
}

void ClientErrors::throw_if_failed(const std::string& what) const {
  if (failed()) throw KafkaError(what + ": " + message());
}

bool is_permanent(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR__SSL:
      return true;
    default:
      return false;
  }
}

}  // namespace rivulet::operators::kafka
