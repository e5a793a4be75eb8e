#pragma once
// Errors librdkafka reports from its own threads or callbacks, turned into something a task
// can act on. librdkafka retries transient errors (a broker going away) itself; only fatal
// errors (e.g. an idempotent producer that lost its guarantees) and permanent ones (an unknown
// topic, missing authorisation) end the task. The operator checks after each librdkafka call
// and throws KafkaError; the task catches it and fails with the message.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>

namespace rivulet::operators::kafka {

class KafkaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Installed as the client's opaque (error_cb); the owning operator derives from it when it
// needs more callbacks on the same opaque.
class ClientErrors {
 public:
  virtual ~ClientErrors() = default;

  // Registers error_cb on `conf` with `this` as opaque.
  void install(rd_kafka_conf_t* conf);
  // Records a failure (first one wins: later ones are usually consequences).
  void fail(const std::string& message);
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  std::string message() const;
  // Throws KafkaError("<what>: <message>") when something failed.
  void throw_if_failed(const std::string& what) const;

  // The most recent transient error, for diagnostics only.
  std::string last_transient() const;

  // Since when librdkafka has reported every broker down (steady clock, ns; 0: not known to
  // be). librdkafka says so once, when the last connection goes, and nothing when one comes
  // back, so the owner clears it on evidence (a fetched message, a metadata answer).
  std::int64_t all_brokers_down_since_ns() const {
    return all_down_since_ns_.load(std::memory_order_acquire);
  }
  void brokers_reachable() { all_down_since_ns_.store(0, std::memory_order_release); }
  static std::int64_t steady_ns();

 private:
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  mutable std::mutex mutex_;  // librdkafka may call error_cb from its background thread
  std::atomic<bool> failed_{false};
  std::atomic<std::int64_t> all_down_since_ns_{0};
  std::string message_;
  std::string last_transient_;
};

// True for errors that retrying cannot fix (the task should fail).
bool is_permanent(rd_kafka_resp_err_t err);

}  // namespace rivulet::operators::kafka
