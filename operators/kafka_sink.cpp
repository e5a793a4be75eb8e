#include "operators/kafka_sink.hpp"

#include "operators/codecs/json_encoder.hpp"
#include "operators/common_parameters.hpp"
#include "operators/kafka/client_config.hpp"
#include "operators/kafka/kafka_sink_operator.hpp"
#include "operators/kafka/transactional_sink_operator.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/field_ref.hpp"

namespace rivulet::operators {

graphs::OperatorSpec kafka_sink_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("kafka_sink", "sink",
                  "Produces every input record to a Kafka topic. at_least_once flushes the "
                  "producer on each checkpoint; exactly_once keeps each checkpoint interval's "
                  "output in the checkpoint and publishes it in one Kafka transaction once that "
                  "checkpoint completed (a restore publishes what a crash left unpublished), so "
                  "read_committed consumers see each result once, one checkpoint interval later. "
                  "Records carry the headers rivulet.sink and rivulet.epoch.")
      // exactly_once: the unpublished output is part of the checkpoint.
      .stateful()
      .inputs({input("in", "Records to write.")})
      .parameters({
          required_text("topic", "Topic to write to."),
          common::bootstrap_servers(),
          list("key_fields", ParameterType::FieldList,
               "Fields forming the message key: one field is written as its text, several as a "
               "JSON object of those fields. Records with equal keys land in the same partition "
               "in order. Empty: no key (the producer spreads records over the partitions).")
              .over("in"),
          common::format(),
          common::csv_delimiter(),
          enumeration("delivery", {"at_least_once", "exactly_once"}, "at_least_once",
                      "at_least_once: records may be written again after a restart. exactly_once: "
                      "transactional writes committed on checkpoint completion; needs "
                      "checkpointing enabled and consumers with isolation.level=read_committed."),
          text("transactional_id_prefix", "",
               "exactly_once: prefix of the producers' transactional.id (one per instance); "
               "must be unique among all jobs writing to the cluster, and stable across restarts "
               "so that a restarted job aborts its predecessors' open transactions. Empty: "
               "\"rivulet.{node id}\"; the instance's subtask index is appended (\"-0\", \"-1\", "
               "...).")
              .when("delivery", {"exactly_once"}),
          duration("transaction_timeout", minutes(15),
                   "exactly_once: transaction.timeout.ms. Must exceed the checkpoint interval plus "
                   "the longest expected restart, and must not exceed the brokers' "
                   "transaction.max.timeout.ms (15 min by default), or the broker aborts "
                   "transactions still waiting for their checkpoint.")
              .min(1000)
              .when("delivery", {"exactly_once"}),
          common::broker_timeout(
              "at_least_once: a record not delivered within it fails the task "
              "(message.timeout.ms, unless set in properties). exactly_once: publishing one "
              "checkpoint's output (producing it and committing its transaction) may take this "
              "long, at most transaction_timeout; the restart publishes it again."),
          common::kafka_properties(kafka::ClientRole::Producer,
                                   "bootstrap.servers, transactional.id, "
                                   "transaction.timeout.ms and enable.idempotence"),
      });
}

namespace {

graphs::Result<std::unique_ptr<runtime::Operator>> build_kafka_sink(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  auto topic = params.string("topic");
  if (!topic) return topic.error();
  auto bootstrap = params.string("bootstrap_servers");
  if (!bootstrap) return bootstrap.error();
  auto key_fields = params.string_list("key_fields");
  if (!key_fields) return key_fields.error();
  auto format = params.string("format");
  if (!format) return format.error();
  auto delimiter = params.string("csv_delimiter");
  if (!delimiter) return delimiter.error();
  auto delivery = params.string("delivery");
  if (!delivery) return delivery.error();
  auto properties = params.string_list("properties");
  if (!properties) return properties.error();
  auto prefix = params.string("transactional_id_prefix");
  if (!prefix) return prefix.error();
  auto transaction_timeout = params.duration_ms("transaction_timeout");
  if (!transaction_timeout) return transaction_timeout.error();
  auto broker_timeout = params.duration_ms("broker_timeout");
  if (!broker_timeout) return broker_timeout.error();
  if (context.input_schemas.empty()) return params.error("topic", "the sink has no input schema");
  const graphs::Schema& schema = context.input_schemas[0];

  kafka::KafkaSinkOptions options;
  options.name = "node '" + context.node.id + "'";
  options.topic = *topic;
  if (options.topic.empty()) return params.error("topic", "empty");
  options.bootstrap_servers = bootstrap->empty() ? context.bootstrap_servers : *bootstrap;
  if (options.bootstrap_servers.empty()) {
    return params.error("bootstrap_servers", "empty, and the job has no default Kafka cluster");
  }
  auto columns = runtime::resolve_fields(schema, *key_fields);
  if (!columns) return params.error("key_fields", columns.error().message);
  options.key_columns = *columns;
  if (options.key_columns.size() > 1) {
    options.key_encoder = std::make_unique<codecs::JsonEncoder>(schema, options.key_columns);
  }
  auto encoder = codecs::make_encoder(*format, schema, *delimiter);
  if (!encoder) {
    return params.error(*format == "csv" ? "csv_delimiter" : "format", encoder.error().message);
  }
  options.encoder = std::move(*encoder);
  options.properties = *properties;
  options.credentials_dir = context.credentials_dir;
  options.broker_timeout_ms = *broker_timeout;
  // Refuse bad properties now rather than when the job starts.
  kafka::ClientSettings settings;
  settings.role = kafka::ClientRole::Producer;
  settings.managed = {{"bootstrap.servers", options.bootstrap_servers},
                      {"enable.idempotence", "true"},
                      {"transactional.id", ""},
                      {"transaction.timeout.ms", "60000"}};
  settings.properties = options.properties;
  settings.credentials_dir = options.credentials_dir;
  if (auto checked = kafka::check_client_config(settings, params); !checked) return checked.error();
  if (*delivery == "exactly_once") {
    kafka::TransactionalSinkOptions transactional;
    transactional.sink = std::move(options);
    // Stable across restarts, one per instance: a restarted instance fences its predecessor.
    transactional.transactional_id = (prefix->empty() ? "rivulet." + context.node.id : *prefix) +
                                     "-" + std::to_string(context.subtask_index);
    transactional.transaction_timeout_ms = *transaction_timeout;
    return std::unique_ptr<runtime::Operator>(
        std::make_unique<kafka::TransactionalKafkaSink>(std::move(transactional)));
  }
  return std::unique_ptr<runtime::Operator>(std::make_unique<kafka::KafkaSink>(std::move(options)));
}

}  // namespace

runtime::OperatorFactory kafka_sink_factory() {
  return runtime::TransformFactory(&build_kafka_sink);
}

}  // namespace rivulet::operators
