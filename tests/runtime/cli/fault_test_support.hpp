#pragma once
// Shared pieces of the fault-tolerance process tests (kill_test, operator_failure_test,
// corrupt_checkpoint_test): a keyed event workload with its exact expected window results, a
// bulk lz4 producer for it, a read_committed consumer that reads every partition to its end, the
// pipeline graph (kafka_source → key_by → window_aggregate [→ plugin] → kafka_sink) as JSON,
// multiset comparison with readable differences, and RAII for temporary directories.
//
// Processes: the broker is bench/broker_process.hpp's BrokerProcess (SIGTERM, then SIGKILL,
// always reaped; PR_SET_PDEATHSIG if the test dies), `rivulet run` is ../child_process.hpp's
// ChildProcess (SIGKILLed and reaped by its destructor). Timeouts only keep a broken build from
// hanging.
//
// The delivery mode of every sink in these tests is kDelivery, in one place.

#include <librdkafka/rdkafka.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "../child_process.hpp"
#include "../kafka_client.hpp"
#include "bench/broker_process.hpp"

namespace rivulet::runtime::faulttest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using processtest::ChildProcess;

// The delivery guarantee under test, for every sink of these tests. With "at_least_once" the
// kill test and the operator-failure test fail with duplicated results (which shows they can
// fail); the corrupted-checkpoint test passes either way (its results are all emitted after the
// restart).
inline constexpr const char* kDelivery = "exactly_once";

// --- temporary directory -----------------------------------------------------------------

class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// --- the workload --------------------------------------------------------------------------

// `events` JSON events {"user","amount","ts"} keyed by user: event i belongs to user i % keys,
// lands in partition user % partitions and has event time kBaseTime + i / per_ms, so every
// partition is in event-time order and no event is ever late.
struct Workload {
  long events = 200000;
  int keys = 1000;
  int partitions = 16;
  long per_ms = 4;           // events per millisecond of event time
  long malformed_every = 0;  // > 0: every n-th event is malformed (a dead letter, no result)
  static constexpr std::int64_t kBaseTime = 1700000000000;  // a whole second

  std::string user(long i) const {
    char text[32];
    std::snprintf(text, sizeof text, "user-%04ld", i % keys);
    return text;
  }
  std::int32_t partition(long i) const {
    return static_cast<std::int32_t>((i % keys) % partitions);
  }
  std::int64_t ts(long i) const { return kBaseTime + i / per_ms; }
  std::int64_t amount(long i) const { return (i * 7919) % 1009; }
  bool malformed(long i) const { return malformed_every > 0 && i % malformed_every == 0; }
  std::string json(long i) const {
    const std::string amount_text = malformed(i) ? "\"not a number\"" : std::to_string(amount(i));
    return "{\"user\":\"" + user(i) + "\",\"amount\":" + amount_text +
           ",\"ts\":" + std::to_string(ts(i)) + "}";
  }
  long malformed_count() const {
    return malformed_every > 0 ? (events + malformed_every - 1) / malformed_every : 0;
  }
};

// One window result: user, window start, count, sum.
using WindowRow = std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t>;
using RowCounts = std::map<WindowRow, long>;

inline RowCounts expected_rows(const Workload& w, std::int64_t window_ms) {
  std::map<std::pair<std::string, std::int64_t>, std::pair<std::int64_t, std::int64_t>> acc;
  for (long i = 0; i < w.events; ++i) {
    if (w.malformed(i)) continue;  // a dead letter, not a result
    const std::int64_t start = w.ts(i) - w.ts(i) % window_ms;
    auto& [count, sum] = acc[{w.user(i), start}];
    ++count;
    sum += w.amount(i);
  }
  RowCounts rows;
  for (const auto& [key, value] : acc) rows[{key.first, key.second, value.first, value.second}] = 1;
  return rows;
}

// librdkafka client with settings; throws with the property named on a bad one.
inline rd_kafka_t* new_client(rd_kafka_type_t type, const std::string& bootstrap,
                              const std::vector<std::pair<std::string, std::string>>& settings) {
  char errstr[512];
  rd_kafka_conf_t* conf = kafkatest::client_conf(bootstrap);
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(key + ": " + errstr);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) throw std::runtime_error(errstr);
  return rk;
}

struct ClientHandle {
  rd_kafka_t* rk = nullptr;
  explicit ClientHandle(rd_kafka_t* client) : rk(client) {}
  ~ClientHandle() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
  ClientHandle(const ClientHandle&) = delete;
  ClientHandle& operator=(const ClientHandle&) = delete;
};

// Low and high watermarks of every partition of `topic`.
inline std::vector<std::pair<std::int64_t, std::int64_t>> watermarks(const std::string& bootstrap,
                                                                     const std::string& topic,
                                                                     int partitions) {
  ClientHandle consumer(new_client(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", "rivulet-wm"}}));
  std::vector<std::pair<std::int64_t, std::int64_t>> marks;
  for (int p = 0; p < partitions; ++p) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    if (rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(consumer.rk, topic.c_str(), p, &low, &high, 10000)) {
      throw std::runtime_error("watermarks of " + topic + ":" + std::to_string(p) + ": " +
                               rd_kafka_err2str(err));
    }
    marks.emplace_back(low, high);
  }
  return marks;
}

// Sum of the high watermarks: records (and transaction markers) ever written to `topic`.
inline std::int64_t offsets_total(const std::string& bootstrap, const std::string& topic,
                                  int partitions) {
  std::int64_t sum = 0;
  for (const auto& [low, high] : watermarks(bootstrap, topic, partitions)) sum += high;
  return sum;
}

// Produces the workload in event order with large lz4 batches (the mock keeps at most 100,000
// message sets / 5 MB per partition and silently drops older ones), then checks that every
// partition still starts at offset 0 and that the topic holds every event. "" or the problem.
inline std::string produce_workload(const std::string& bootstrap, const std::string& topic,
                                    const Workload& w) {
  ClientHandle producer(new_client(RD_KAFKA_PRODUCER, bootstrap,
                                   {{"linger.ms", "50"},
                                    {"batch.num.messages", "10000"},
                                    {"batch.size", "1000000"},
                                    {"compression.codec", "lz4"},
                                    {"message.timeout.ms", "60000"},
                                    {"queue.buffering.max.messages", "1000000"}}));
  for (long i = 0; i < w.events; ++i) {
    const std::string key = w.user(i);
    const std::string value = w.json(i);
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(w.partition(i)),
          RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
        return std::string("produce: ") + rd_kafka_err2str(err);
      rd_kafka_poll(producer.rk, 10);
    }
    if (i % 1000 == 0) rd_kafka_poll(producer.rk, 0);
  }
  if (rd_kafka_flush(producer.rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) return "flush timed out";
  long total = 0;
  const auto marks = watermarks(bootstrap, topic, w.partitions);
  for (std::size_t p = 0; p < marks.size(); ++p) {
    if (marks[p].first != 0) {
      return "the mock dropped old data of " + topic + ":" + std::to_string(p) + " (log start " +
             std::to_string(marks[p].first) + ")";
    }
    total += marks[p].second;
  }
  if (total != w.events) {
    return topic + " holds " + std::to_string(total) + " records, not " + std::to_string(w.events);
  }
  return "";
}

// --- reading the output ----------------------------------------------------------------------

struct TopicContents {
  std::vector<std::string> values;
  std::string problem;  // "" when every partition was read to its end
};

// Reads every partition of `topic` from the beginning with isolation.level=read_committed until
// the read_committed end of each partition reached the high watermark it had when we started
// (so a transaction left open would show up as a problem, not as silently missing records), and
// checks that the mock did not drop old data.
inline TopicContents read_committed_to_end(
    const std::string& bootstrap, const std::string& topic, int partitions,
    std::chrono::seconds timeout = std::chrono::seconds(90)) {
  TopicContents contents;
  const auto marks = watermarks(bootstrap, topic, partitions);
  for (int p = 0; p < partitions; ++p) {
    if (marks[p].first != 0) {
      contents.problem += topic + ":" + std::to_string(p) + " lost its start (log start " +
                          std::to_string(marks[p].first) + "); ";
    }
  }
  ClientHandle consumer(new_client(RD_KAFKA_CONSUMER, bootstrap,
                                   {{"group.id", "rivulet-fault-test-reader"},
                                    {"enable.auto.commit", "false"},
                                    {"isolation.level", "read_committed"},
                                    {"enable.partition.eof", "true"},
                                    {"fetch.wait.max.ms", "50"}}));
  rd_kafka_poll_set_consumer(consumer.rk);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer.rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);

  std::vector<std::int64_t> end_seen(partitions, -1);
  auto done = [&] {
    for (int p = 0; p < partitions; ++p) {
      if (marks[p].second > 0 && end_seen[p] < marks[p].second) return false;
    }
    return true;
  };
  const auto deadline = Clock::now() + timeout;
  while (!done() && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.rk, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (m->partition >= 0 && m->partition < partitions) end_seen[m->partition] = m->offset;
    } else if (m->err) {
      contents.problem += std::string("consume: ") + rd_kafka_message_errstr(m) + "; ";
    } else {
      contents.values.emplace_back(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_message_destroy(m);
  }
  for (int p = 0; p < partitions; ++p) {
    if (marks[p].second > 0 && end_seen[p] < marks[p].second) {
      contents.problem += topic + ":" + std::to_string(p) + " read_committed end " +
                          std::to_string(end_seen[p]) + " < high watermark " +
                          std::to_string(marks[p].second) + " (a transaction left open?); ";
    }
  }
  rd_kafka_consumer_close(consumer.rk);
  return contents;
}

// `"name":<integer>` in a flat JSON object, or nullopt.
inline std::optional<std::int64_t> json_int(const std::string& json, const std::string& name) {
  const std::string needle = "\"" + name + "\":";
  const std::size_t at = json.find(needle);
  if (at == std::string::npos) return std::nullopt;
  char* end = nullptr;
  const char* begin = json.c_str() + at + needle.size();
  const long long value = std::strtoll(begin, &end, 10);
  if (end == begin) return std::nullopt;
  return value;
}

inline std::optional<std::string> json_string(const std::string& json, const std::string& name) {
  const std::string needle = "\"" + name + "\":\"";
  const std::size_t at = json.find(needle);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t end = json.find('"', at + needle.size());
  if (end == std::string::npos) return std::nullopt;
  return json.substr(at + needle.size(), end - at - needle.size());
}

// Output values (the graph's window results) as a multiset; unparsable values are counted in
// `bad` with an example.
struct ParsedRows {
  RowCounts rows;
  long total = 0;
  long bad = 0;
  std::string bad_example;
};

inline ParsedRows parse_rows(const std::vector<std::string>& values) {
  ParsedRows parsed;
  for (const std::string& value : values) {
    auto user = json_string(value, "user");
    auto start = json_int(value, "window_start");
    auto count = json_int(value, "events");
    auto sum = json_int(value, "total");
    if (!user || !start || !count || !sum) {
      if (parsed.bad++ == 0) parsed.bad_example = value;
      continue;
    }
    ++parsed.rows[{*user, *start, *count, *sum}];
    ++parsed.total;
  }
  return parsed;
}

inline std::string describe(const WindowRow& row) {
  return "(" + std::get<0>(row) + ", window " + std::to_string(std::get<1>(row)) + ", count " +
         std::to_string(std::get<2>(row)) + ", sum " + std::to_string(std::get<3>(row)) + ")";
}

inline long total(const RowCounts& rows) {
  long n = 0;
  for (const auto& [row, count] : rows) n += count;
  return n;
}

// "" if `actual` equals `expected` as multisets; otherwise counts and a few examples of rows
// missing, duplicated, and not expected at all.
inline std::string compare_rows(const RowCounts& expected, const RowCounts& actual,
                                const std::string& what) {
  long missing = 0;
  long duplicated = 0;  // extra copies of expected rows
  long unexpected = 0;  // rows not in the expectation at all
  std::vector<std::string> missing_examples;
  std::vector<std::string> duplicated_examples;
  std::vector<std::string> unexpected_examples;
  for (const auto& [row, want] : expected) {
    auto it = actual.find(row);
    const long have = it == actual.end() ? 0 : it->second;
    if (have < want) {
      missing += want - have;
      if (missing_examples.size() < 5) missing_examples.push_back(describe(row));
    } else if (have > want) {
      duplicated += have - want;
      if (duplicated_examples.size() < 5) {
        duplicated_examples.push_back(describe(row) + " x" + std::to_string(have));
      }
    }
  }
  for (const auto& [row, have] : actual) {
    if (expected.contains(row)) continue;
    unexpected += have;
    if (unexpected_examples.size() < 5) unexpected_examples.push_back(describe(row));
  }
  if (missing == 0 && duplicated == 0 && unexpected == 0) return "";
  std::ostringstream out;
  out << what << ": expected " << total(expected) << " rows, got " << total(actual) << ": "
      << missing << " missing, " << duplicated << " duplicated, " << unexpected << " unexpected";
  auto list = [&out](const char* label, const std::vector<std::string>& examples) {
    if (examples.empty()) return;
    out << "\n  " << label << ":";
    for (const std::string& e : examples) out << " " << e;
  };
  list("missing e.g.", missing_examples);
  list("duplicated e.g.", duplicated_examples);
  list("unexpected e.g.", unexpected_examples);
  return out.str();
}

// --- the graph ---------------------------------------------------------------------------------

struct PipelineOptions {
  std::string name = "fault-pipeline";
  std::string input_topic = "in";
  int input_partitions = 16;
  std::string output_topic = "out";
  std::string group_id;                 // distinct per run: the source commits offsets to it
  std::string transactional_id_prefix;  // distinct per run, stable across its restarts
  std::int64_t window_ms = 1000;
  int parallelism = 2;
  // A plugin node of this kind (parameters as JSON items) between the window and the sink.
  std::string pass_through_kind;
  std::string pass_through_parameters;
  std::string runtime_json;  // the graph's "runtime" object, or "" for none
  // Non-empty: the source's dead letters go to this topic through a kafka_sink with kDelivery.
  std::string dead_letter_topic;
  // true: the source names only its topic and the runtime assigns the partitions; false: they
  // are listed explicitly ("partitions").
  bool by_topic_name = false;
  // Further source parameters as JSON items (e.g. assignment = group), or "".
  std::string extra_source_parameters;
};

inline std::string string_param(const std::string& name, const std::string& value) {
  return "{\"name\": \"" + name + "\", \"value\": {\"stringValue\": \"" + value + "\"}}";
}

inline std::string list_param(const std::string& name, const std::vector<std::string>& items) {
  std::string out = "{\"name\": \"" + name + "\", \"value\": {\"stringList\": [";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out + "]}}";
}

// The graph (JSON text form): kafka_source (explicit partitions, earliest, read_committed,
// stop_at_end, no out-of-orderness, never idle) → key_by user → hash → window_aggregate
// (tumbling, count(*) AS events, sum(amount) AS total) [→ pass-through] → kafka_sink (key user,
// kDelivery, lz4: a million ~95-byte results over 16 partitions would pass the mock's 5 MB per
// partition uncompressed). Every node has o.parallelism instances.
inline std::string pipeline_json(const PipelineOptions& o) {
  std::vector<std::string> partitions;
  for (int p = 0; p < o.input_partitions; ++p) {
    partitions.push_back(o.input_topic + ":" + std::to_string(p));
  }
  const std::string par = std::to_string(o.parallelism);
  std::string nodes;
  nodes += R"({"id": "events", "kind": "kafka_source", "parallelism": )" + par +
           R"(, "parameters": [)" + list_param("topics", {o.input_topic}) + ", " +
           (o.by_topic_name ? std::string() : list_param("partitions", partitions) + ", ") +
           (o.extra_source_parameters.empty() ? std::string() : o.extra_source_parameters + ", ") +
           string_param("group_id", o.group_id) + ", " + string_param("start_from", "earliest") +
           ", " + string_param("isolation_level", "read_committed") + ", " +
           R"({"name": "stop_at_end", "value": {"boolValue": true}}, )" +
           string_param("format", "json") + ", " +
           R"({"name": "schema", "value": {"schema": [)"
           R"({"name": "user", "type": "string"}, {"name": "amount", "type": "int64"},)"
           R"( {"name": "ts", "type": "timestamp"}]}}, )" +
           string_param("event_time_field", "ts") + ", " +
           R"({"name": "max_out_of_orderness", "value": {"durationMs": "0"}}, )"
           R"({"name": "idle_timeout", "value": {"durationMs": "0"}}]})";
  nodes += R"(, {"id": "by_user", "kind": "key_by", "parallelism": )" + par +
           R"(, "parameters": [)" + list_param("keys", {"user"}) + "]}";
  nodes += R"(, {"id": "windows", "kind": "window_aggregate", "parallelism": )" + par +
           R"(, "parameters": [)" + string_param("window", "tumbling") +
           R"(, {"name": "size", "value": {"durationMs": ")" + std::to_string(o.window_ms) +
           R"("}}, )" + list_param("aggregates", {"count(*) AS events", "sum(amount) AS total"}) +
           "]}";
  std::string sink_input = "windows";
  if (!o.pass_through_kind.empty()) {
    nodes += R"(, {"id": "pass", "kind": ")" + o.pass_through_kind + R"(", "parallelism": )" + par +
             R"(, "parameters": [)" + o.pass_through_parameters + "]}";
    sink_input = "pass";
  }
  nodes += R"(, {"id": "results", "kind": "kafka_sink", "parallelism": )" + par +
           R"(, "parameters": [)" + string_param("topic", o.output_topic) + ", " +
           list_param("key_fields", {"user"}) + ", " + string_param("delivery", kDelivery) + ", " +
           string_param("transactional_id_prefix", o.transactional_id_prefix) + ", " +
           list_param("properties", {"compression.codec=lz4"}) + "]}";
  if (!o.dead_letter_topic.empty()) {
    nodes += R"(, {"id": "dead", "kind": "kafka_sink", "parallelism": )" + par +
             R"(, "parameters": [)" + string_param("topic", o.dead_letter_topic) + ", " +
             string_param("delivery", kDelivery) + ", " +
             string_param("transactional_id_prefix", o.transactional_id_prefix + "-dead") + "]}";
  }
  auto edge = [](const std::string& from, const std::string& to, const std::string& how,
                 const std::string& from_port = "out") {
    return R"({"from": {"node": ")" + from + R"(", "port": ")" + from_port +
           R"("}, "to": {"node": ")" + to + R"(", "port": "in"}, "partitioning": )" + how + "}";
  };
  std::string edges = edge("events", "by_user", R"({"forward": null})") + ", " +
                      edge("by_user", "windows", R"({"hash": ["user"]})");
  if (sink_input != "windows") edges += ", " + edge("windows", sink_input, R"({"forward": null})");
  edges += ", " + edge(sink_input, "results", R"({"forward": null})");
  if (!o.dead_letter_topic.empty()) {
    edges += ", " + edge("events", "dead", R"({"forward": null})", "dead_letters");
  }
  std::string json = R"({"formatVersion": 1, "name": ")" + o.name + R"(", "nodes": [)" + nodes +
                     R"(], "edges": [)" + edges + "]";
  if (!o.runtime_json.empty()) json += R"(, "runtime": )" + o.runtime_json;
  return json + "}\n";
}

// --- processes ---------------------------------------------------------------------------------

// `rivulet broker` with the given topics ("name:partitions"), in its own process.
inline std::unique_ptr<bench::BrokerProcess> start_broker(const std::vector<std::string>& topics) {
  std::vector<std::string> args;
  for (const std::string& topic : topics) {
    args.push_back("--topic");
    args.push_back(topic);
  }
  return std::make_unique<bench::BrokerProcess>(RIVULET_CLI, args);
}

// What every fault test starts from: `rivulet broker` with topic "in" (holding `workload`) and
// the `outputs`, all with the workload's partition count, and the results expected from it.
struct LoadedBroker {
  std::unique_ptr<bench::BrokerProcess> process;
  std::string bootstrap;
  RowCounts expected;
};

inline LoadedBroker start_loaded_broker(const Workload& workload, std::int64_t window_ms,
                                        const std::vector<std::string>& outputs) {
  const std::string partitions = ":" + std::to_string(workload.partitions);
  std::vector<std::string> topics{"in" + partitions};
  for (const std::string& output : outputs) topics.push_back(output + partitions);
  LoadedBroker loaded;
  loaded.process = start_broker(topics);
  loaded.bootstrap = loaded.process->bootstrap_servers();
  if (std::string error = produce_workload(loaded.bootstrap, "in", workload); !error.empty()) {
    throw std::runtime_error("producing the workload: " + error);
  }
  loaded.expected = expected_rows(workload, window_ms);
  return loaded;
}

// argv of `rivulet run GRAPH --bootstrap B --checkpoint-dir D --checkpoint-interval MS --quiet`.
inline std::vector<std::string> run_argv(const fs::path& graph, const std::string& bootstrap,
                                         const fs::path& checkpoints, int interval_ms,
                                         const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{RIVULET_CLI,
                                "run",
                                graph.string(),
                                "--bootstrap",
                                bootstrap,
                                "--checkpoint-dir",
                                checkpoints.string(),
                                "--checkpoint-interval",
                                std::to_string(interval_ms),
                                "--quiet"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

struct RunResult {
  std::optional<int> exit_code;  // nullopt: did not end in time (killed by the destructor)
  double seconds = 0;
  std::string out;
  std::string err;
};

// Runs to completion (or `timeout`).
inline RunResult run_to_end(const std::vector<std::string>& argv,
                            std::chrono::seconds timeout = std::chrono::seconds(120)) {
  const auto started = Clock::now();
  ChildProcess child(argv);
  RunResult result;
  result.exit_code = child.wait(timeout);
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.out = child.out();
  result.err = child.err();
  return result;
}

// A member of consumer group `group` subscribed to `topic`, polled on its own thread, counting
// the assignments the group hands it. The first gives it every partition; any later one means
// another member joined the group (a rebalance), which a source whose partitions the runtime
// assigns never does.
class GroupWatcher {
 public:
  GroupWatcher(const std::string& bootstrap, const std::string& group, const std::string& topic)
      : client_(new_client(RD_KAFKA_CONSUMER, bootstrap,
                           {{"group.id", group},
                            {"enable.auto.commit", "false"},
                            {"session.timeout.ms", "60000"},
                            {"max.poll.interval.ms", "600000"}})) {
    rd_kafka_poll_set_consumer(client_.rk);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(client_.rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    thread_ = std::thread([this] {
      while (!stop_.load()) {
        if (rd_kafka_message_t* m = rd_kafka_consumer_poll(client_.rk, 100)) {
          rd_kafka_message_destroy(m);
        }
        rd_kafka_topic_partition_list_t* assigned = nullptr;
        if (rd_kafka_assignment(client_.rk, &assigned) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const int count = assigned->cnt;
          rd_kafka_topic_partition_list_destroy(assigned);
          if (count != last_count_) {
            if (count > 0) assignments_.fetch_add(1);
            last_count_ = count;
            partitions_.store(count);
            // Reading is not the point: keep the partitions without fetching them.
            rd_kafka_topic_partition_list_t* now = nullptr;
            if (rd_kafka_assignment(client_.rk, &now) == RD_KAFKA_RESP_ERR_NO_ERROR) {
              rd_kafka_pause_partitions(client_.rk, now);
              rd_kafka_topic_partition_list_destroy(now);
            }
          }
        }
      }
    });
  }
  ~GroupWatcher() {
    stop_.store(true);
    thread_.join();
    rd_kafka_consumer_close(client_.rk);
  }
  GroupWatcher(const GroupWatcher&) = delete;
  GroupWatcher& operator=(const GroupWatcher&) = delete;

  // Waits (bounded) until the group assigned the watcher its first partitions.
  bool wait_for_assignment(std::chrono::seconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (partitions_.load() == 0 && Clock::now() < deadline) std::this_thread::sleep_for(50ms);
    return partitions_.load() > 0;
  }
  int assignments() const { return assignments_.load(); }
  int partitions() const { return partitions_.load(); }

 private:
  ClientHandle client_;
  std::atomic<bool> stop_{false};
  std::atomic<int> assignments_{0};
  std::atomic<int> partitions_{0};
  int last_count_ = 0;
  std::thread thread_;
};

// Complete checkpoints (chk-<id> directories holding a MANIFEST) in `dir`, by id.
inline std::map<std::uint64_t, fs::path> complete_checkpoints(const fs::path& dir) {
  std::map<std::uint64_t, fs::path> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("chk-", 0) != 0) continue;
    std::error_code exists_ec;
    if (!fs::exists(it->path() / "MANIFEST", exists_ec)) continue;
    try {
      found[std::stoull(name.substr(4))] = it->path();
    } catch (const std::exception&) {
    }
  }
  return found;
}

}  // namespace rivulet::runtime::faulttest
