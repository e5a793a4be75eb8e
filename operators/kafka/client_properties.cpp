#include "operators/kafka/client_properties.hpp"

#include <algorithm>

namespace rivulet::operators::kafka {
namespace {

// Connection, metadata, protocol and security settings every client takes (librdkafka's
// CONFIGURATION.md, "Global configuration properties"). Nothing here loads code, runs a command
// or names a file.
const std::vector<std::string> kCommon = {
    "client.id",
    "client.rack",
    "client.dns.lookup",
    "debug",
    "log.connection.close",
    "log_level",
    "statistics.interval.ms",
    "metadata.max.age.ms",
    "topic.metadata.refresh.interval.ms",
    "topic.metadata.refresh.fast.interval.ms",
    "topic.metadata.refresh.sparse",
    "topic.metadata.propagation.max.ms",
    "allow.auto.create.topics",
    "message.max.bytes",
    "message.copy.max.bytes",
    "receive.message.max.bytes",
    "max.in.flight.requests.per.connection",
    "max.in.flight",
    "socket.timeout.ms",
    "socket.send.buffer.bytes",
    "socket.receive.buffer.bytes",
    "socket.keepalive.enable",
    "socket.nagle.disable",
    "socket.max.fails",
    "socket.connection.setup.timeout.ms",
    "connections.max.idle.ms",
    "broker.address.ttl",
    "broker.address.family",
    "reconnect.backoff.ms",
    "reconnect.backoff.max.ms",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "api.version.request",
    "api.version.request.timeout.ms",
    "api.version.fallback.ms",
    "broker.version.fallback",
    "security.protocol",
    "ssl.cipher.suites",
    "ssl.curves.list",
    "ssl.sigalgs.list",
    "ssl.key.password",
    "ssl.key.pem",
    "ssl.certificate.pem",
    "ssl.ca.pem",
    "ssl.keystore.password",
    "ssl.endpoint.identification.algorithm",
    "enable.ssl.certificate.verification",
    "sasl.mechanism",
    "sasl.mechanisms",
    "sasl.username",
    "sasl.password",
    "sasl.kerberos.service.name",
    "sasl.kerberos.principal",
    "sasl.oauthbearer.config",
    "enable.sasl.oauthbearer.unsecure.jwt",
    "sasl.oauthbearer.method",
    "sasl.oauthbearer.client.id",
    "sasl.oauthbearer.client.secret",
    "sasl.oauthbearer.scope",
    "sasl.oauthbearer.extensions",
    "sasl.oauthbearer.token.endpoint.url",
};

const std::vector<std::string> kConsumer = {
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "max.poll.interval.ms",
    "coordinator.query.interval.ms",
    "partition.assignment.strategy",
    "fetch.wait.max.ms",
    "fetch.min.bytes",
    "fetch.max.bytes",
    "max.partition.fetch.bytes",
    "fetch.message.max.bytes",
    "fetch.error.backoff.ms",
    "fetch.queue.backoff.ms",
    "queued.min.messages",
    "queued.max.messages.kbytes",
    "check.crcs",
};

const std::vector<std::string> kProducer = {
    "linger.ms",
    "queue.buffering.max.ms",
    "queue.buffering.max.messages",
    "queue.buffering.max.kbytes",
    "batch.num.messages",
    "batch.size",
    "compression.type",
    "compression.codec",
    "compression.level",
    "message.send.max.retries",
    "retries",
    "request.timeout.ms",
    "message.timeout.ms",
    "delivery.timeout.ms",
    "acks",
    "request.required.acks",
    "sticky.partitioning.linger.ms",
    "partitioner",
};

std::vector<std::string> joined(const std::vector<std::string>& specific) {
  std::vector<std::string> all = kCommon;
  all.insert(all.end(), specific.begin(), specific.end());
  return all;
}

}  // namespace

const std::vector<std::string>& allowed_client_properties(ClientRole role) {
  static const std::vector<std::string> consumer = joined(kConsumer);
  static const std::vector<std::string> producer = joined(kProducer);
  return role == ClientRole::Consumer ? consumer : producer;
}

const std::vector<std::string>& credential_file_properties() {
  static const std::vector<std::string> files = {
      "ssl.ca.location",       "ssl.certificate.location", "ssl.key.location",
      "ssl.keystore.location", "ssl.crl.location",         "sasl.kerberos.keytab",
  };
  return files;
}

std::optional<std::string> refusal_reason(std::string_view key) {
  if (key == "plugin.library.paths" || key == "ssl.engine.location" || key == "ssl.providers") {
    return "it loads a library into the process";
  }
  if (key == "sasl.kerberos.kinit.cmd") return "it runs a shell command";
  if (key == "sasl.kerberos.min.time.before.relogin") {
    return "Rivulet keeps it at 0 so that librdkafka never runs kinit (a shell command)";
  }
  return std::nullopt;
}

}  // namespace rivulet::operators::kafka
