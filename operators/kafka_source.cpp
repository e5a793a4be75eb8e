#include "operators/kafka_source.hpp"

#include "operators/common_parameters.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec kafka_source_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("kafka_source", "source",
                  "Consumes Kafka topics and decodes their records with the declared schema. It "
                  "reads as a consumer group. Partitions are divided among the parallel instances; "
                  "watermarks are generated per partition and merged. The consumed offsets are "
                  "checkpointed, so a restore rewinds the partitions and state stays exactly once; "
                  "offsets are also committed to the group when a checkpoint completes, for "
                  "monitoring and as the start position of a fresh job.")
      .stateful()
      .outputs({
          output("out", from_parameter("schema"), "The decoded records, with the 'schema' fields."),
          output(
              "dead_letters",
              fixed({field("reason", FieldType::String), field("raw", FieldType::String),
                     field("topic", FieldType::String), field("partition", FieldType::Int64),
                     field("offset", FieldType::Int64), field("timestamp", FieldType::Timestamp)}),
              "Messages that could not be decoded (with on_parse_error = dead_letter): why "
              "(reason), the message value as text (raw), and where it came from (topic, "
              "partition, offset, Kafka timestamp)."),
      })
      .parameters({
          required_list("topics", ParameterType::StringList,
                        "Topics to consume. All their partitions are read unless 'partitions' "
                        "assigns some explicitly."),
          common::bootstrap_servers(),
          text("group_id", "",
               "Kafka consumer group; offsets are committed to it on checkpoint completion "
               "(Rivulet never uses auto-commit). Empty: \"rivulet.{graph name}.{node id}\"."),
          list("partitions", ParameterType::StringList,
               "Explicit \"topic:partition\" assignment, e.g. \"transactions:0\". Empty: every "
               "partition of 'topics', divided among the instances (partitions added later are "
               "picked up)."),
          enumeration("start_from", {"committed", "earliest", "latest", "timestamp"}, "committed",
                      "Where a job without a checkpoint or savepoint starts reading (a restore "
                      "always resumes from the checkpointed offsets). committed: the group's "
                      "committed offsets, falling back to earliest for partitions without one "
                      "(Flink's committedOffsets(EARLIEST)). earliest / latest: the start / end "
                      "of each partition. timestamp: the first offset whose Kafka timestamp is "
                      "at or after start_timestamp."),
          integer("start_timestamp", 0,
                  "For start_from = timestamp: milliseconds since the Unix epoch.")
              .min(0),
          enumeration("isolation_level", {"read_committed", "read_uncommitted"}, "read_committed",
                      "read_committed: skip records of aborted transactions and read only up to "
                      "the last stable offset, which end-to-end exactly once needs. "
                      "read_uncommitted: read everything as soon as it is written."),
          common::format(),
          common::csv_delimiter(),
          required_schema("schema", "Fields of the decoded records, in order."),
          common::on_parse_error(),
          common::event_time_field("the Kafka message timestamp (CreateTime or LogAppendTime)."),
          common::max_out_of_orderness(seconds(5)),
          common::idle_timeout(),
          common::kafka_properties("consumer",
                                   "bootstrap.servers, group.id, enable.auto.commit, "
                                   "isolation.level and auto.offset.reset"),
      });
}

OperatorFactory kafka_source_factory() { return {}; }

}  // namespace rivulet::operators
