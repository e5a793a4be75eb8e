#include "operators/kafka_source.hpp"

#include <charconv>

#include "operators/common_parameters.hpp"
#include "operators/kafka/client_config.hpp"
#include "operators/kafka/kafka_source_operator.hpp"
#include "operators/kafka/partition_assignment.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec kafka_source_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("kafka_source", "source",
                  "Consumes Kafka topics and decodes their records with the declared schema. "
                  "The runtime assigns the partitions (a metadata lookup, a fixed spread over the "
                  "parallel instances, new partitions discovered at an interval), so a restart "
                  "never waits for a consumer-group rebalance; assignment = group uses Kafka's "
                  "group management instead. Watermarks are generated per partition and merged. "
                  "The consumed offsets are checkpointed per partition, so a restore rewinds the "
                  "partitions and state stays exactly once, also when the source's parallelism "
                  "changed; offsets are also committed to the group when a checkpoint completes, "
                  "for monitoring and as the start position of a fresh job.")
      .partition_state()  // offsets per partition: restorable at any parallelism
      .outputs({
          output("out", from_parameter("schema"), "The decoded records, with the 'schema' fields."),
          dropping_output(
              "dead_letters", fixed(*kafka::KafkaSource::dead_letter_schema()),
              "Messages that could not be decoded (with on_parse_error = dead_letter): why "
              "(reason: e.g. not valid JSON, a tombstone, an empty value), the message value as "
              "text (raw: null for a tombstone, cut to dead_letter_max_bytes), where it came "
              "from (topic, partition, offset, Kafka timestamp), its key (null: none) and "
              "headers (a JSON object), and the whole value's size and digest (raw_size, "
              "raw_digest: xxh3-128) with raw_truncated telling whether anything was cut, so a "
              "dead letter always fits its sink and never fails the job.",
              "records that do not decode (on_parse_error = dead_letter)"),
      })
      .parameters({
          list("topics", ParameterType::StringList,
               "Topics to consume (this or topic_pattern). All their partitions are read unless "
               "'partitions' assigns some explicitly."),
          text("topic_pattern", "",
               "Instead of 'topics': every topic whose whole name matches this regular "
               "expression (ECMAScript syntax), e.g. \"orders-.*\"; topics created later are "
               "picked up at the next partition discovery."),
          enumeration("assignment", {"runtime", "group"}, "runtime",
                      "Who divides the partitions among the instances. runtime: each instance "
                      "looks the topics up and takes a fixed share (no group join, so a restart "
                      "reads at once; Flink's split enumerator). group: Kafka's consumer-group "
                      "management with static membership (group.instance.id = "
                      "\"{group_id}.{node id}.{instance}\"); a restart after a crash may wait for "
                      "the group (see docs/operators.md). Ignored with 'partitions'."),
          duration("partition_discovery_interval", seconds(30),
                   "With assignment = runtime: how often the instances look for new partitions "
                   "and new matching topics; what they find is read from its start. 0: only at "
                   "start.")
              .min(0)
              .when("assignment", {"runtime"}),
          common::bootstrap_servers(),
          text("group_id", "",
               "Kafka consumer group; offsets are committed to it on checkpoint completion "
               "(Rivulet never uses auto-commit). Empty: \"rivulet.{graph name}.{node id}\"."),
          list("partitions", ParameterType::StringList,
               "Explicit \"topic:partition\" assignment, e.g. \"transactions:0\", dealt round "
               "robin to the instances. Empty: every partition of 'topics' (see assignment)."),
          enumeration("start_from", {"committed", "earliest", "latest", "timestamp"}, "committed",
                      "Where a job without a checkpoint or savepoint starts reading (a restore "
                      "always resumes from the checkpointed offsets). committed: the group's "
                      "committed offsets, falling back to earliest for partitions without one "
                      "(Flink's committedOffsets(EARLIEST)). earliest / latest: the start / end "
                      "of each partition. timestamp: the first offset whose Kafka timestamp is "
                      "at or after start_timestamp."),
          enumeration("on_offset_out_of_range", {"fail", "earliest", "latest"}, "fail",
                      "When a checkpointed or committed offset is no longer (or not yet) on the "
                      "broker — it lost or deleted data, or the state is from another cluster. "
                      "fail: the job fails, naming topic, partition and offsets. earliest / "
                      "latest: continue at the partition's first / next offset (records are "
                      "skipped or read again)."),
          integer("start_timestamp", 0,
                  "For start_from = timestamp: milliseconds since the Unix epoch.")
              .min(0)
              .when("start_from", {"timestamp"}),
          enumeration("isolation_level", {"read_committed", "read_uncommitted"}, "read_committed",
                      "read_committed: skip records of aborted transactions and read only up to "
                      "the last stable offset, which end-to-end exactly once needs. "
                      "read_uncommitted: read everything as soon as it is written."),
          common::format(),
          common::csv_delimiter(),
          required_schema("schema", "Fields of the decoded records, in order."),
          common::on_parse_error(),
          integer("dead_letter_max_bytes", 32 * 1024,
                  "Bytes of a dead letter's value, key and headers text kept at most (each; cut "
                  "at a UTF-8 character boundary; raw_size and raw_digest describe the whole "
                  "value). Keep 3 x 6 x this below the dead-letter sink's message size limit "
                  "(Kafka: message.max.bytes, 1,000,000 by default; JSON escaping may make a "
                  "binary byte six).")
              .min(16),
          common::event_time_field("the Kafka message timestamp (CreateTime or LogAppendTime)."),
          common::max_out_of_orderness(seconds(5)),
          common::idle_timeout(),
          common::broker_timeout(
              "librdkafka reported every broker down and a metadata request still gets no "
              "answer this long after."),
          common::kafka_properties(
              kafka::ClientRole::Consumer,
              "bootstrap.servers, group.id, group.instance.id, enable.auto.commit, "
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
  auto dead_letter_max = params.integer("dead_letter_max_bytes");
  auto event_time_field = params.string("event_time_field");
  auto bound = params.duration_ms("max_out_of_orderness");
  auto idle = params.duration_ms("idle_timeout");
  auto properties = params.string_list("properties");
  auto stop_at_end = params.boolean("stop_at_end");
  auto pattern = params.string("topic_pattern");
  auto assignment = params.string("assignment");
  auto discovery = params.duration_ms("partition_discovery_interval");
  auto out_of_range = params.string("on_offset_out_of_range");
  auto broker_timeout = params.duration_ms("broker_timeout");
  for (const graphs::Error* error :
       {broker_timeout ? nullptr : &broker_timeout.error(), pattern ? nullptr : &pattern.error(),
        assignment ? nullptr : &assignment.error(), discovery ? nullptr : &discovery.error(),
        out_of_range ? nullptr : &out_of_range.error(),
        dead_letter_max ? nullptr : &dead_letter_max.error()}) {
    if (error != nullptr) return *error;
  }
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
  options.topic_pattern = *pattern;
  if (options.topics.empty() && options.topic_pattern.empty()) {
    return params.error("topics", "names no topic (set 'topics' or 'topic_pattern')");
  }
  if (!options.topics.empty() && !options.topic_pattern.empty()) {
    return params.error("topic_pattern", "set together with 'topics': choose one");
  }
  if (!options.topic_pattern.empty()) {
    if (auto compiled = kafka::TopicSelection::pattern(options.topic_pattern); !compiled) {
      return params.error("topic_pattern", compiled.error().message);
    }
    if (!partitions->empty()) {
      return params.error("partitions", "needs 'topics' (explicit partitions name their topics)");
    }
  }
  options.subtask_index = context.subtask_index;
  options.parallelism = context.parallelism;
  options.discovery_interval_ms = *discovery;
  options.broker_timeout_ms = *broker_timeout;
  options.dead_letter_max_bytes = *dead_letter_max;
  if (*out_of_range == "earliest") {
    options.on_offset_out_of_range = kafka::OnOffsetOutOfRange::Earliest;
  } else if (*out_of_range == "latest") {
    options.on_offset_out_of_range = kafka::OnOffsetOutOfRange::Latest;
  }
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
      return params.error("partitions", "'" + (*partitions)[i] + "' names topic '" + parsed->first +
                                            "', which is not in 'topics'");
    }
    if (i % context.parallelism == context.subtask_index) options.partitions.push_back(*parsed);
  }
  // With more instances than partitions, some instances get an empty assignment (they read
  // nothing and report themselves idle).
  if (!partitions->empty()) {
    options.assignment = kafka::Assignment::Explicit;
  } else if (*assignment == "group") {
    options.assignment = kafka::Assignment::Group;
    // Static membership: the same member id across restarts, so a restarted instance takes its
    // partitions back without a rebalance (KIP-345). The group id names the job.
    options.group_instance_id =
        options.group_id + "." + context.node.id + "." + std::to_string(context.subtask_index);
  }
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
  options.credentials_dir = context.credentials_dir;
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
                      {"auto.offset.reset", "earliest"},
                      {"group.instance.id", "x"}};
  settings.properties = options.properties;
  settings.credentials_dir = options.credentials_dir;
  if (auto checked = kafka::check_client_config(settings, params); !checked) return checked.error();
  return std::unique_ptr<runtime::SourceOperator>(
      std::make_unique<kafka::KafkaSource>(std::move(options)));
}

}  // namespace

runtime::OperatorFactory kafka_source_factory() {
  return runtime::SourceFactory(&build_kafka_source);
}

}  // namespace rivulet::operators
