#include "operators/kafka_sink.hpp"

#include "operators/common_parameters.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec kafka_sink_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("kafka_sink", "sink",
                  "Produces every input record to a Kafka topic. at_least_once flushes the "
                  "producer on each checkpoint; exactly_once writes each checkpoint interval in a "
                  "Kafka transaction that commits when the checkpoint completes (two-phase "
                  "commit), so read_committed consumers see each result once, one checkpoint "
                  "interval later.")
      // Pending transactions are part of the checkpoint.
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
               "\"rivulet.{graph name}.{node id}\"."),
          duration("transaction_timeout", minutes(15),
                   "exactly_once: transaction.timeout.ms. Must exceed the checkpoint interval plus "
                   "the longest expected restart, and must not exceed the brokers' "
                   "transaction.max.timeout.ms (15 min by default), or the broker aborts "
                   "transactions still waiting for their checkpoint.")
              .min(1000),
          common::kafka_properties("producer",
                                   "bootstrap.servers, transactional.id, "
                                   "transaction.timeout.ms and enable.idempotence"),
      });
}

OperatorFactory kafka_sink_factory() { return {}; }

}  // namespace rivulet::operators
