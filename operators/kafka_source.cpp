#include "operators/kafka_source.hpp"

#include <charconv>

#include "operators/common_parameters.hpp"
#include "operators/kafka/client_config.hpp"
#include "operators/kafka/kafka_source_operator.hpp"
#include "operators/parameter_reader.hpp"
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
          boolean("stop_at_end", false,
                  "Bounded reading for tests, benchmarks and backfills: the source ends once "
                  "every assigned partition reached the end offset it had when it was assigned "
                  "(records written later are not read). false: read forever."),
      });
}

namespace {

// "topic:partition" → the pair, or an error naming the item.
graphs::Result<std::pair<std::string, std::int32_t>> parse_partition(const ParameterReader& params,
                                                                     const std::string& item) {
  const std::size_t colon = item.rfind(':');
  std::int32_t partition = -1;
  if (colon != std::string::npos && colon > 0) {
    const char* first = item.data() + colon + 1;
    const char* last = item.data() + item.size();
    auto [end, ec] = std::from_chars(first, last, partition);
    if (ec != std::errc{} || end != last || first == last) partition = -1;
  }
  if (partition < 0) {
    return params.error("partitions", "'" + item + "' is not \"topic:partition\"");
  }
  return std::pair{item.substr(0, colon), partition};
}

graphs::Result<std::unique_ptr<runtime::SourceOperator>> build_kafka_source(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  kafka::KafkaSourceOptions options;
  options.name = "node '" + context.node.id + "'";
  auto topics = params.string_list("topics");
  auto bootstrap = params.string("bootstrap_servers");
  auto group = params.string("group_id");
  auto partitions = params.string_list("partitions");
  auto start_from = params.string("start_from");
  auto start_timestamp = params.integer("start_timestamp");
  auto isolation = params.string("isolation_level");
  auto format = params.string("format");
  auto delimiter = params.string("csv_delimiter");
  auto schema = params.schema("schema");
  auto on_parse_error = params.string("on_parse_error");
  auto event_time_field = params.string("event_time_field");
  auto bound = params.duration_ms("max_out_of_orderness");
  auto idle = params.duration_ms("idle_timeout");
  auto properties = params.string_list("properties");
  auto stop_at_end = params.boolean("stop_at_end");
  for (const graphs::Error* error :
       {topics ? nullptr : &topics.error(), bootstrap ? nullptr : &bootstrap.error(),
        group ? nullptr : &group.error(), partitions ? nullptr : &partitions.error(),
        start_from ? nullptr : &start_from.error(),
        start_timestamp ? nullptr : &start_timestamp.error(),
        isolation ? nullptr : &isolation.error(), format ? nullptr : &format.error(),
        delimiter ? nullptr : &delimiter.error(), schema ? nullptr : &schema.error(),
        on_parse_error ? nullptr : &on_parse_error.error(),
        event_time_field ? nullptr : &event_time_field.error(), bound ? nullptr : &bound.error(),
        idle ? nullptr : &idle.error(), properties ? nullptr : &properties.error(),
        stop_at_end ? nullptr : &stop_at_end.error()}) {
    if (error != nullptr) return *error;
  }
  options.topics = *topics;
  if (options.topics.empty()) return params.error("topics", "names no topic");
  options.bootstrap_servers = bootstrap->empty() ? context.bootstrap_servers : *bootstrap;
  if (options.bootstrap_servers.empty()) {
    return params.error("bootstrap_servers", "empty, and the job has no default Kafka cluster");
  }
  // The build context does not carry the graph's name, so the default group is per node id.
  options.group_id = group->empty() ? "rivulet." + context.node.id : *group;
  // Explicit partitions are dealt round robin: instance i takes items i, i+p, ...
  for (std::size_t i = 0; i < partitions->size(); ++i) {
    auto parsed = parse_partition(params, (*partitions)[i]);
    if (!parsed) return parsed.error();
    if (std::find(options.topics.begin(), options.topics.end(), parsed->first) ==
        options.topics.end()) {
      return params.error("partitions", "'" + (*partitions)[i] + "' names topic '" +
                                            parsed->first + "', which is not in 'topics'");
    }
    if (i % context.parallelism == context.subtask_index) options.partitions.push_back(*parsed);
  }
  // With more instances than listed partitions, some instances get an empty assignment (they
  // read nothing and report themselves idle) rather than joining the group.
  options.explicit_assignment = !partitions->empty();
  if (*start_from == "earliest") {
    options.start_from = kafka::StartFrom::Earliest;
  } else if (*start_from == "latest") {
    options.start_from = kafka::StartFrom::Latest;
  } else if (*start_from == "timestamp") {
    options.start_from = kafka::StartFrom::Timestamp;
  }
  options.start_timestamp_ms = *start_timestamp;
  options.isolation_level = *isolation;
  options.properties = *properties;
  options.decoder.format = *format;
  options.decoder.csv_delimiter = *delimiter;
  options.decoder.event_time_field = *event_time_field;
  options.decoder.schema = std::make_shared<const graphs::Schema>(
      context.output_schemas.empty() ? *schema : context.output_schemas[0]);
  if (*on_parse_error == "skip") {
    options.on_parse_error = kafka::OnParseError::Skip;
  } else if (*on_parse_error == "fail") {
    options.on_parse_error = kafka::OnParseError::Fail;
  }
  options.max_out_of_orderness_ms = *bound;
  options.idle_timeout_ms = *idle;
  options.stop_at_end = *stop_at_end;
  // Check what open() would refuse now, so a bad graph fails before the job starts.
  if (auto decoder = codecs::make_decoder(options.decoder); !decoder) {
    const std::string& message = decoder.error().message;
    const char* parameter = message.rfind("event_time_field", 0) == 0 ? "event_time_field"
                            : message.rfind("csv_delimiter", 0) == 0  ? "csv_delimiter"
                                                                       : "format";
    return params.error(parameter, message.substr(message.find(' ') + 1));
  }
  kafka::ClientSettings settings;
  settings.managed = {{"bootstrap.servers", options.bootstrap_servers},
                      {"group.id", options.group_id},
                      {"enable.auto.commit", "false"},
                      {"isolation.level", options.isolation_level},
                      {"auto.offset.reset", "earliest"}};
  settings.properties = options.properties;
  if (auto checked = kafka::check_client_config(settings, params); !checked) return checked.error();
  return std::unique_ptr<runtime::SourceOperator>(
      std::make_unique<kafka::KafkaSource>(std::move(options)));
}

}  // namespace

runtime::OperatorFactory kafka_source_factory() { return runtime::SourceFactory(&build_kafka_source); }

}  // namespace rivulet::operators
