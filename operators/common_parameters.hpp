#pragma once
// Parameters and ports that several operators share, declared once so that every source spells
// event time, record formats and error handling the same way, and every event-time operator
// treats late records the same way.

#include <string>

#include "operators/kafka/client_properties.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators::common {

// ---- record formats (kafka_source, kafka_sink, file_source, file_sink) ----------------------

inline spec::Param format() {
  return spec::enumeration(
      "format", {"json", "csv", "raw"}, "json",
      "Record encoding. json: one JSON object per message (per line for files), fields by name, "
      "unknown members ignored, missing nullable fields null. csv: fields in schema order, "
      "separated by csv_delimiter, RFC 4180 quoting, no header line. raw: the message is the "
      "value of the schema's only field, a string, unchanged (event time from the message "
      "timestamp).");
}

inline spec::Param csv_delimiter() {
  return spec::text("csv_delimiter", ",",
                    "Field separator when format is csv: one character, e.g. \",\", \";\" or "
                    "\"\\t\".")
      .when("format", {"csv"});
}

// ---- event time and watermarks (sources) --------------------------------------------------

inline spec::Param event_time_field(const std::string& fallback_doc) {
  return spec::text("event_time_field", "",
                    "Field holding the record's event time: a timestamp field (milliseconds "
                    "since the Unix epoch) or an int64 field in milliseconds. Empty: " +
                        fallback_doc);
}

inline spec::Param max_out_of_orderness(graphs::Duration fallback) {
  return spec::duration("max_out_of_orderness", fallback,
                        "Bounded out-of-orderness of event time: the watermark trails the highest "
                        "event time seen in each partition by this much. Records further behind "
                        "the watermark are late for downstream windows (which send them to their "
                        "'late' output).")
      .min(0);
}

inline spec::Param idle_timeout() {
  return spec::duration("idle_timeout", spec::seconds(30),
                        "A partition that delivers nothing for this long is marked idle and stops "
                        "holding back the watermark until it delivers again. 0: never idle "
                        "(an empty partition then stalls event time).")
      .min(0);
}

// ---- malformed input (sources) ------------------------------------------------------------

inline spec::Param on_parse_error() {
  return spec::enumeration(
      "on_parse_error", {"dead_letter", "skip", "fail"}, "dead_letter",
      "What to do with a record that does not parse or does not fit the schema. dead_letter: emit "
      "it on the dead_letters output (if that output is unconnected it is counted and logged, as "
      "with skip). skip: count it in the metrics, log it and drop it. fail: fail the job; the "
      "restart strategy then replays the same record, so only use this when bad input is a bug.");
}

// ---- late records (event-time windows) ----------------------------------------------------

inline spec::Param allowed_lateness() {
  return spec::duration("allowed_lateness", spec::milliseconds(0),
                        "How long after the watermark passes a window's end the window keeps its "
                        "state and accepts late records; each late record re-emits an updated "
                        "result for its window. Records later than this go to the 'late' output.")
      .min(0);
}

inline graphs::PortSpec late_output(const std::string& name, const std::string& port) {
  return spec::dropping_output(name, spec::same_as_input(port),
                               "Records from '" + port +
                                   "' that arrived too late to be used (behind the watermark, "
                                   "past any allowed lateness), unchanged. Late records are "
                                   "never dropped silently: connect this to a sink to keep them.",
                               "late records from '" + port + "' (behind the watermark)");
}

// ---- connectors (kafka_source, kafka_sink) ------------------------------------------------

inline spec::Param bootstrap_servers() {
  return spec::text("bootstrap_servers", "",
                    "Comma-separated host:port list of Kafka brokers. Empty: the job's default "
                    "cluster (in local mode, the embedded broker).");
}

inline spec::Param kafka_properties(kafka::ClientRole role, const std::string& reserved) {
  const std::string client = role == kafka::ClientRole::Consumer ? "consumer" : "producer";
  return spec::list("properties", spec::ParameterType::StringList,
                    "Extra librdkafka " + client +
                        " properties as \"key=value\" items, e.g. "
                        "\"security.protocol=SASL_SSL\", \"sasl.mechanism=PLAIN\", "
                        "\"ssl.ca.location=kafka/ca.pem\". Only plain client settings are "
                        "allowed (none that loads a library or runs a command); settings naming "
                        "a file take a path relative to the node's credentials directory. "
                        "Rivulet manages " +
                        reserved + " itself; setting them here is an error.")
      .keys(kafka::allowed_client_properties(role), kafka::credential_file_properties());
}

}  // namespace rivulet::operators::common
