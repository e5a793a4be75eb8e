// Kafka end to end, broker in its own process (`rivulet broker`, see broker_process.hpp):
//   (a) baseline: a plain librdkafka consume-and-produce loop copying topic `in` to `out_a`;
//   (b) Rivulet: the kafka_source operator (JSON → columnar batches) → pass-through → the
//       kafka_sink operator (batches → JSON, key from a field) writing `out_b`;
//   (c) Rivulet's real runtime: the graph bench/kafka_window_pipeline.json (kafka_source with
//       stop_at_end → key_by user → hash edge → window_aggregate, one-minute tumbling count and
//       sum per user → kafka_sink to `out_c`) planned by plan_job and run as a Job: task actors,
//       credit channels, the source on its own thread — exactly what `rivulet run` executes;
// all over the same pre-filled `in` in the same run, alternated `--repeats` times; then the
// end-to-end latency of (b) at half of its measured rate (p50/p99, timestamps in the records,
// measured by a consumer of the sink's topic).
//
// (b) drives the operators in one loop on one thread, exactly as a source task feeding a sink
// task would call them but without the actor runtime between them, so the ratio measures what
// the operators cost over librdkafka itself. Both sides use the same client settings (the
// sink's defaults: idempotent producer, linger.ms=5; the source's fetch queue bound).
//
// (c) is timed from Job::start (operators built, Kafka clients created, tasks spawned) until the
// job finished (the sink flushed: every window acknowledged); its rate counts input records,
// like (a)'s. Each (c) run gets a fresh actor system, created and shut down outside the
// measurement, so CAF's idle workers do not run during (a) and (b).
//
// Usage: kafka_end_to_end_bench [--records N] [--repeats R] [--latency-seconds S]
//                               [--variants abc] [--window-ms MS] [--credit-window N]
//                               [--pause-after-ms MS]
// (c) writes one record per user and window: with the default one-minute windows that is ~2% of
// its input (9 000 results for 500 000 records), so it produces far less than (a), which copies
// everything. `--window-ms 1000` makes every record its own window (1 000 users, one record per
// user and second of event time): (c) then writes as many records as (a), the worst case for
// the window operator and the like-for-like comparison of the Kafka work.
// Results and the command: docs/benchmarks.md ("Kafka end to end").

#include <librdkafka/rdkafka.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/broker_process.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "graphs/graph_io.hpp"
#include "operators/builtin_catalog.hpp"
#include "operators/codecs/json_decoder.hpp"
#include "operators/kafka/kafka_sink_operator.hpp"
#include "operators/kafka/kafka_source_operator.hpp"
#include "operators/kafka_sink.hpp"
#include "operators/kafka_source.hpp"
#include "runtime/job.hpp"
#include "runtime/planner.hpp"

namespace rivulet::bench {
namespace {

using Clock = std::chrono::steady_clock;
using graphs::FieldType;
using graphs::StringList;

constexpr int kPartitions = 4;

struct Options {
  long records = 600000;
  int repeats = 2;
  double latency_seconds = 5;
  std::int64_t window_ms = 60000;  // (c)'s tumbling window; 1000 makes output ≈ input
  std::uint32_t credit_window = runtime::ChannelConfig{}.credit_window;  // (c)'s channels
  // (c)'s sources: how long capacity must be gone before kafka_source pauses (0: at once).
  std::uint32_t pause_after_ms = runtime::ChannelConfig{}.pause_after_ms;
  std::string variants = "abc";  // which of (a), (b), (c) to run; (a) is needed for ratios
  bool has(char variant) const { return variants.find(variant) != std::string::npos; }
};

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- librdkafka plumbing -----------------------------------------------------------------

struct Client {
  rd_kafka_t* rk = nullptr;
  ~Client() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

rd_kafka_t* new_client(rd_kafka_type_t type, const std::string& bootstrap,
                       const std::vector<std::pair<std::string, std::string>>& settings) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> all{{"bootstrap.servers", bootstrap}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [key, value] : all) {
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

// The same producer settings the kafka_sink operator uses by default, so (a) and (b) differ
// only in what happens between consuming and producing.
const std::vector<std::pair<std::string, std::string>> kSinkLikeProducer{
    {"enable.idempotence", "true"}, {"linger.ms", "5"}, {"partitioner", "murmur2_random"}};
// The consumer settings the kafka_source operator uses (isolation.level is its default).
const std::vector<std::pair<std::string, std::string>> kSourceLikeConsumer{
    {"group.id", "bench-baseline"},          {"enable.auto.commit", "false"},
    {"enable.auto.offset.store", "false"},   {"isolation.level", "read_committed"},
    {"queued.max.messages.kbytes", "16384"}, {"enable.partition.eof", "false"}};

// Produces with retries on a full local queue.
void produce(rd_kafka_t* producer, rd_kafka_topic_t* topic, const std::string& value,
             const char* key, std::size_t key_len) {
  while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                          const_cast<char*>(value.data()), value.size(), key, key_len,
                          nullptr) != 0) {
    if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      throw std::runtime_error(std::string("produce: ") + rd_kafka_err2str(rd_kafka_last_error()));
    }
    rd_kafka_poll(producer, 5);
  }
}

std::string user_of(long i) {
  char text[16];
  std::snprintf(text, sizeof text, "user-%04ld", i % 1000);
  return text;
}

// ~110 bytes, the shape of a typical event (ids, a key, an amount, times).
std::string record_json(long i, std::int64_t sent_us) {
  char text[256];
  std::snprintf(text, sizeof text,
                R"({"id":%ld,"user":"%s","amount":%ld.%02ld,"ts":%lld,"sent_us":%lld,)"
                R"("merchant":"shop %ld"})",
                i, user_of(i).c_str(), (i * 37) % 10000, i % 100,
                static_cast<long long>(1700000000000LL + i), static_cast<long long>(sent_us),
                i % 97);
  return text;
}

graphs::Schema record_schema() {
  return {{"id", FieldType::Int64, false},      {"user", FieldType::String, false},
          {"amount", FieldType::Float64, true}, {"ts", FieldType::Timestamp, false},
          {"sent_us", FieldType::Int64, false}, {"merchant", FieldType::String, false}};
}

// Fills `topic` with `count` records keyed by user. Large batches (linger, batch size) and lz4
// keep the mock's per-partition log within its limits (100k message sets, 5 MB; older sets are
// silently dropped beyond that), which fill_checked() verifies.
void fill(const std::string& bootstrap, const std::string& topic_name, long count) {
  Client producer;
  producer.rk = new_client(RD_KAFKA_PRODUCER, bootstrap,
                           {{"linger.ms", "100"},
                            {"batch.num.messages", "10000"},
                            {"batch.size", "1000000"},
                            {"compression.codec", "lz4"},
                            {"queue.buffering.max.messages", "1000000"}});
  rd_kafka_topic_t* topic = rd_kafka_topic_new(producer.rk, topic_name.c_str(), nullptr);
  for (long i = 0; i < count; ++i) {
    const std::string key = user_of(i);
    produce(producer.rk, topic, record_json(i, 0), key.data(), key.size());
    if (i % 1000 == 0) rd_kafka_poll(producer.rk, 0);
  }
  if (rd_kafka_flush(producer.rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("fill: flush timed out");
  }
  rd_kafka_topic_destroy(topic);
}

// High watermarks of `topic`; throws if the mock dropped data (log start moved past 0).
std::vector<std::int64_t> end_offsets(const std::string& bootstrap, const std::string& topic,
                                      long expected_total) {
  Client consumer;
  consumer.rk = new_client(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", "bench-offsets"}});
  std::vector<std::int64_t> ends;
  long total = 0;
  for (int p = 0; p < kPartitions; ++p) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    if (rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(consumer.rk, topic.c_str(), p, &low, &high, 10000)) {
      throw std::runtime_error(std::string("watermarks: ") + rd_kafka_err2str(err));
    }
    if (low != 0) {
      throw std::runtime_error("the mock dropped old data of " + topic + ":" + std::to_string(p) +
                               " (log start " + std::to_string(low) + "): use fewer --records");
    }
    ends.push_back(high);
    total += high;
  }
  if (total != expected_total) throw std::runtime_error("fill: topic holds fewer records");
  rd_kafka_consumer_close(consumer.rk);
  return ends;
}

// CPU seconds used so far by the whole process (librdkafka's threads included) and by the
// calling thread. The machine is shared, so wall-clock rates are noisy; CPU per record is not.
struct CpuTime {
  double process = 0;
  double thread = 0;
  static CpuTime now() {
    auto seconds = [](int who) {
      rusage usage{};
      ::getrusage(who, &usage);
      return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
             static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    };
    return {seconds(RUSAGE_SELF), seconds(RUSAGE_THREAD)};
  }
};

struct RunResult {
  double seconds = 0;
  std::uint64_t records = 0;
  CpuTime cpu;  // used during the run
  double rate() const { return static_cast<double>(records) / seconds; }
  double process_us_per_record() const { return cpu.process * 1e6 / static_cast<double>(records); }
  double thread_us_per_record() const { return cpu.thread * 1e6 / static_cast<double>(records); }
};

// Runs `body` (which returns the records it moved) and measures it.
template <class Body>
RunResult measure(Body body) {
  const CpuTime cpu_before = CpuTime::now();
  const auto started = Clock::now();
  RunResult result;
  result.records = body();
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const CpuTime cpu_after = CpuTime::now();
  result.cpu = {cpu_after.process - cpu_before.process, cpu_after.thread - cpu_before.thread};
  return result;
}

// --- (a) the plain librdkafka loop --------------------------------------------------------

std::uint64_t copy_with_librdkafka(const std::string& bootstrap,
                                   const std::vector<std::int64_t>& ends,
                                   const std::string& out_topic) {
  Client consumer;
  consumer.rk = new_client(RD_KAFKA_CONSUMER, bootstrap, kSourceLikeConsumer);
  Client producer;
  producer.rk = new_client(RD_KAFKA_PRODUCER, bootstrap, kSinkLikeProducer);
  rd_kafka_poll_set_consumer(consumer.rk);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(kPartitions);
  for (int p = 0; p < kPartitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, "in", p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer.rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(consumer.rk);
  rd_kafka_topic_t* topic = rd_kafka_topic_new(producer.rk, out_topic.c_str(), nullptr);

  std::vector<std::int64_t> next(kPartitions, 0);
  auto unfinished = [&] {
    for (int p = 0; p < kPartitions; ++p) {
      if (next[p] < ends[p]) return true;
    }
    return false;
  };
  std::vector<rd_kafka_message_t*> messages(1024);
  std::uint64_t copied = 0;
  while (unfinished()) {
    const ssize_t n = rd_kafka_consume_batch_queue(queue, 50, messages.data(), messages.size());
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = messages[static_cast<std::size_t>(i)];
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, m->payload,
                                m->len, m->key, m->key_len, nullptr) != 0) {
          rd_kafka_poll(producer.rk, 5);  // local queue full
        }
        next[m->partition] = m->offset + 1;
        ++copied;
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_poll(producer.rk, 0);
  }
  if (rd_kafka_flush(producer.rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("baseline: flush timed out");
  }
  rd_kafka_topic_destroy(topic);
  rd_kafka_queue_destroy(queue);
  rd_kafka_consumer_close(consumer.rk);
  return copied;
}

// --- (b) the Rivulet operators ------------------------------------------------------------

struct NullCollector : runtime::Collector {
  void emit(std::size_t, runtime::BatchPtr) override {}
  bool has_capacity() const override { return true; }
};

// What a source task's collector does for a forward edge into a sink task, minus the channel.
struct IntoSink : runtime::SourceCollector {
  runtime::Operator* sink = nullptr;
  NullCollector none;
  std::uint64_t dead_letters = 0;
  void emit(std::size_t port, runtime::BatchPtr batch) override {
    if (port == 0) {
      sink->process(0, batch, none);
    } else {
      dead_letters += batch->num_rows();
    }
  }
  bool has_capacity() const override { return true; }
  void emit_watermark(std::int64_t) override {}
  void mark_idle(bool) override {}
};

graphs::Node make_node(std::string id, std::string kind, std::vector<graphs::Parameter> params) {
  graphs::Node node;
  node.id = std::move(id);
  node.kind = std::move(kind);
  node.parameters = std::move(params);
  return node;
}

struct Pipeline {
  std::unique_ptr<runtime::SourceOperator> source;
  std::unique_ptr<runtime::Operator> sink;
};

Pipeline build_pipeline(const std::string& bootstrap, const std::string& in_topic,
                        const std::string& out_topic, bool bounded,
                        const StringList& consumer_properties) {
  const graphs::Schema schema = record_schema();
  StringList partitions;
  for (int p = 0; p < kPartitions; ++p) partitions.push_back(in_topic + ":" + std::to_string(p));
  const graphs::Node source_node = make_node("src", "kafka_source",
                                             {{"topics", StringList{in_topic}},
                                              {"partitions", partitions},
                                              {"start_from", std::string("earliest")},
                                              {"stop_at_end", bounded},
                                              {"schema", schema},
                                              {"properties", consumer_properties}});
  const graphs::Node sink_node =
      make_node("sink", "kafka_sink", {{"topic", out_topic}, {"key_fields", StringList{"user"}}});
  const graphs::OperatorSpec source_spec = operators::kafka_source_spec();
  const graphs::OperatorSpec sink_spec = operators::kafka_sink_spec();

  runtime::OperatorBuildContext source_context{source_node, source_spec, {}, {}, {}, 0, 1, {}};
  source_context.output_schemas = {schema, *operators::kafka::KafkaSource::dead_letter_schema()};
  source_context.bootstrap_servers = bootstrap;
  runtime::OperatorBuildContext sink_context{sink_node, sink_spec, {}, {}, {}, 0, 1, {}};
  sink_context.input_schemas = {schema};
  sink_context.bootstrap_servers = bootstrap;

  auto source = std::get<runtime::SourceFactory>(operators::kafka_source_factory())(source_context);
  if (!source) throw std::runtime_error(source.error().message);
  auto sink = std::get<runtime::TransformFactory>(operators::kafka_sink_factory())(sink_context);
  if (!sink) throw std::runtime_error(sink.error().message);

  runtime::OperatorContext source_runtime;
  source_runtime.output_schemas = {std::make_shared<const graphs::Schema>(schema),
                                   operators::kafka::KafkaSource::dead_letter_schema()};
  if (auto opened = (*source)->open(source_runtime); !opened) {
    throw std::runtime_error(opened.error().message);
  }
  runtime::OperatorContext sink_runtime;
  sink_runtime.input_schemas = {std::make_shared<const graphs::Schema>(schema)};
  if (auto opened = (*sink)->open(sink_runtime); !opened) {
    throw std::runtime_error(opened.error().message);
  }
  return {std::move(*source), std::move(*sink)};
}

std::uint64_t copy_with_operators(const std::string& bootstrap, const std::string& out_topic) {
  Pipeline pipeline = build_pipeline(bootstrap, "in", out_topic, /*bounded=*/true, {});
  IntoSink into;
  into.sink = pipeline.sink.get();
  while (pipeline.source->has_more()) pipeline.source->poll(into, 4);
  pipeline.sink->on_end_of_input(into.none);  // flushes: every record acknowledged
  if (into.dead_letters != 0) throw std::runtime_error("records went to the dead-letter output");
  const std::uint64_t written =
      dynamic_cast<operators::kafka::KafkaSink&>(*pipeline.sink).records_written();
  pipeline.source->close();
  pipeline.sink->close();
  return written;
}

// --- (c) the graph on the real runtime --------------------------------------------------------

struct NodeTotals {
  std::string name;
  std::uint64_t records_in = 0;
  std::uint64_t records_out = 0;
  std::uint64_t batches_out = 0;
  double backpressured_s = 0;
  std::uint64_t capacity_shortages = 0;  // sources: output capacity ran out
  std::uint64_t capacity_pauses = 0;     // ... and stayed gone long enough to pause
};

struct GraphRun {
  RunResult result;
  std::vector<NodeTotals> nodes;  // plan order: events, by_user, per_user_minute, results
  const NodeTotals& node(const std::string& name) const {
    for (const NodeTotals& totals : nodes) {
      if (totals.name == name) return totals;
    }
    throw std::runtime_error("(c): no node '" + name + "' in the plan");
  }
  std::uint64_t input_records() const { return node("events").records_out; }
};

void set_parameter(graphs::Graph& graph, const std::string& node_id, const std::string& name,
                   graphs::Value value) {
  for (graphs::Node& node : graph.nodes) {
    if (node.id != node_id) continue;
    for (graphs::Parameter& parameter : node.parameters) {
      if (parameter.name == name) {
        parameter.value = std::move(value);
        return;
      }
    }
    node.parameters.push_back({name, std::move(value)});
    return;
  }
  throw std::runtime_error("the bench graph has no node '" + node_id + "'");
}

GraphRun run_graph(const std::string& bootstrap, const std::string& out_topic,
                   std::int64_t window_ms, std::uint32_t credit_window,
                   std::uint32_t pause_after_ms) {
  auto loaded = graphs::load_graph(RIVULET_BENCH_GRAPH);
  if (!loaded) throw std::runtime_error(RIVULET_BENCH_GRAPH ": " + loaded.error().message);
  graphs::Graph graph = std::move(loaded).value();
  set_parameter(graph, "results", "topic", out_topic);
  set_parameter(graph, "per_user_minute", "size", graphs::Value{graphs::Duration{window_ms}});
  runtime::PlanOptions plan_options;
  plan_options.channels.credit_window = credit_window;
  plan_options.channels.pause_after_ms = pause_after_ms;
  auto plan = runtime::plan_job({std::move(graph)}, operators::builtin_registry(), plan_options);
  if (!plan) throw std::runtime_error("plan: " + plan.error().message);

  caf::actor_system_config config;
  caf::actor_system system(config);
  std::unique_ptr<runtime::Job> job;
  GraphRun run;
  run.result = measure([&]() -> std::uint64_t {
    runtime::JobOptions options;
    options.bootstrap_servers = bootstrap;
    auto started = runtime::Job::start(system, std::move(plan).value(), options);
    if (!started) throw std::runtime_error("job: " + started.error().message);
    job = std::move(started).value();
    if (!job->wait_for(std::chrono::minutes(10))) {
      job->cancel();
      throw std::runtime_error("(c): the job did not finish within 10 minutes");
    }
    const runtime::JobStatus status = job->wait();
    if (status.state != runtime::JobState::Finished) {
      throw std::runtime_error(std::string("(c): job ") + runtime::to_string(status.state) + ": " +
                               status.message);
    }
    const runtime::PhysicalPlan& p = job->plan();
    for (const runtime::PlannedNode& node : p.nodes) {
      NodeTotals totals{node.name};
      for (runtime::TaskId id : node.tasks) {
        const runtime::TaskMetrics& m = *job->task_metrics()[id];
        totals.records_in += m.records_in.load();
        totals.records_out += m.records_out.load();
        totals.batches_out += m.batches_out.load();
        totals.backpressured_s += static_cast<double>(m.backpressured_ns.load()) / 1e9;
        totals.capacity_shortages += m.capacity_shortages.load();
        totals.capacity_pauses += m.capacity_pauses.load();
      }
      run.nodes.push_back(std::move(totals));
    }
    return run.input_records();
  });
  job.reset();  // before the actor system goes
  return run;
}

// --- latency of (b) at a fixed input rate ---------------------------------------------------

struct Latency {
  std::uint64_t received = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
};

// The mock broker parks an empty fetch for the whole fetch.wait.max.ms even when data arrives
// meanwhile (a real broker answers at once), which would make its default of 500 ms the
// latency floor. 10 ms on both consumers approximates a real broker's behaviour.
const char* kFetchWait = "10";

// Client start-up (metadata, the idempotent producer's id, the first fetch) delays the first
// records by hundreds of milliseconds; a warm-up second at the same rate is sent first and its
// records are not measured.
constexpr double kWarmupSeconds = 1.0;

Latency run_latency(const std::string& bootstrap, double rate, double seconds) {
  const long warmup = static_cast<long>(rate * kWarmupSeconds);
  const long total = warmup + static_cast<long>(rate * seconds);
  std::atomic<std::int64_t> measure_from_us{std::numeric_limits<std::int64_t>::max()};
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::string failure;

  // The pipeline under test, on its own thread like a source task.
  std::thread pipeline_thread([&] {
    try {
      Pipeline pipeline =
          build_pipeline(bootstrap, "lat_in", "lat_out", /*bounded=*/false,
                         StringList{std::string("fetch.wait.max.ms=") + kFetchWait});
      IntoSink into;
      into.sink = pipeline.sink.get();
      while (!stop.load()) pipeline.source->poll(into, 4);
      pipeline.sink->on_end_of_input(into.none);
      pipeline.source->close();
      pipeline.sink->close();
    } catch (const std::exception& error) {
      failure = error.what();
      failed = true;
    }
  });

  // The measuring consumer of the sink's topic.
  std::vector<double> latencies_ms;
  latencies_ms.reserve(static_cast<std::size_t>(total));
  std::thread measure_thread([&] {
    Client consumer;
    consumer.rk = new_client(RD_KAFKA_CONSUMER, bootstrap,
                             {{"group.id", "bench-latency"}, {"fetch.wait.max.ms", kFetchWait}});
    rd_kafka_poll_set_consumer(consumer.rk);
    rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(kPartitions);
    for (int p = 0; p < kPartitions; ++p) {
      rd_kafka_topic_partition_list_add(assignment, "lat_out", p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(consumer.rk, assignment);
    rd_kafka_topic_partition_list_destroy(assignment);
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds + 60);
    const std::string field = "\"sent_us\":";
    long received = 0;
    while (received < total && Clock::now() < deadline && !failed.load()) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.rk, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const std::string_view value(static_cast<const char*>(m->payload), m->len);
        const std::size_t at = value.find(field);
        if (at != std::string_view::npos) {
          ++received;
          const long long sent = std::atoll(value.data() + at + field.size());
          if (sent >= measure_from_us.load()) {
            latencies_ms.push_back(static_cast<double>(wall_us() - sent) / 1000.0);
          }
        }
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(consumer.rk);
  });

  // The paced producer: records stamped with their send time, `rate` per second.
  {
    Client producer;
    producer.rk = new_client(RD_KAFKA_PRODUCER, bootstrap, kSinkLikeProducer);
    rd_kafka_topic_t* topic = rd_kafka_topic_new(producer.rk, "lat_in", nullptr);
    const auto started = Clock::now();
    long sent = 0;
    while (sent < total && !failed.load()) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
      const long due = std::min(total, static_cast<long>(elapsed * rate));
      for (; sent < due; ++sent) {
        if (sent == warmup) measure_from_us = wall_us();
        const std::string key = user_of(sent);
        produce(producer.rk, topic, record_json(sent, wall_us()), key.data(), key.size());
      }
      rd_kafka_poll(producer.rk, 0);
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    rd_kafka_flush(producer.rk, 30000);
    rd_kafka_topic_destroy(topic);
  }
  measure_thread.join();
  stop = true;
  pipeline_thread.join();
  if (failed) throw std::runtime_error("latency pipeline: " + failure);

  Latency result;
  result.received = latencies_ms.size();
  if (latencies_ms.empty()) return result;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double q) {
    return latencies_ms[std::min(
        latencies_ms.size() - 1,
        static_cast<std::size_t>(q * static_cast<double>(latencies_ms.size())))];
  };
  result.p50_ms = at(0.50);
  result.p99_ms = at(0.99);
  result.p999_ms = at(0.999);
  result.max_ms = latencies_ms.back();
  return result;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--records") {
      options.records = std::atol(argv[i + 1]);
    } else if (flag == "--repeats") {
      options.repeats = std::atoi(argv[i + 1]);
    } else if (flag == "--latency-seconds") {
      options.latency_seconds = std::atof(argv[i + 1]);
    } else if (flag == "--window-ms") {
      options.window_ms = std::atoll(argv[i + 1]);
    } else if (flag == "--credit-window") {
      options.credit_window = static_cast<std::uint32_t>(std::atoi(argv[i + 1]));
    } else if (flag == "--pause-after-ms") {
      options.pause_after_ms = static_cast<std::uint32_t>(std::atoi(argv[i + 1]));
    } else if (flag == "--variants") {
      options.variants = argv[i + 1];
    } else {
      throw std::runtime_error("unknown option " + flag);
    }
  }
  return options;
}

int run(int argc, char** argv) {
  const Options options = parse(argc, argv);
  if (!options.has('a') || options.variants.find_first_not_of("abc") != std::string::npos) {
    throw std::runtime_error("--variants: letters of \"abc\", always with a (the baseline)");
  }
  BrokerProcess broker(RIVULET_CLI,
                       {"--topic", "in:4", "--topic", "out_a:4", "--topic", "out_b:4", "--topic",
                        "out_c:4", "--topic", "lat_in:4", "--topic", "lat_out:4"});
  const std::string& bootstrap = broker.bootstrap_servers();
  std::printf("broker: `rivulet broker` (own process) at %s\n", bootstrap.c_str());
  std::printf("simdjson: %s\n", operators::codecs::json_parser_implementation().c_str());

  const auto fill_started = Clock::now();
  fill(bootstrap, "in", options.records);
  const std::vector<std::int64_t> ends = end_offsets(bootstrap, "in", options.records);
  std::printf("filled 'in': %ld JSON records over %d partitions in %.2f s\n", options.records,
              kPartitions, std::chrono::duration<double>(Clock::now() - fill_started).count());

  const auto expected = static_cast<std::uint64_t>(options.records);
  auto check = [&](const char* variant, std::uint64_t records) {
    if (records != expected) {
      throw std::runtime_error(std::string("run ") + variant + " moved " + std::to_string(records) +
                               " records, expected " + std::to_string(expected));
    }
  };
  auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
  };
  double best_a = 0, best_b = 0, best_c = 0;
  double cpu_a = 1e9, cpu_b = 1e9, cpu_c = 1e9;
  std::vector<double> ratios_b, ratios_c;
  std::uint64_t windows_out = 0;
  for (int r = 0; r < options.repeats; ++r) {
    const RunResult a = measure([&] { return copy_with_librdkafka(bootstrap, ends, "out_a"); });
    check("(a)", a.records);
    best_a = std::max(best_a, a.rate());
    cpu_a = std::min(cpu_a, a.process_us_per_record());
    std::printf(
        "run %d: (a) librdkafka loop %8.0f records/s %.2f s, CPU %.2f us/record "
        "(loop thread %.2f)\n",
        r + 1, a.rate(), a.seconds, a.process_us_per_record(), a.thread_us_per_record());
    if (options.has('b')) {
      const RunResult b = measure([&] { return copy_with_operators(bootstrap, "out_b"); });
      check("(b)", b.records);
      std::printf(
          "       (b) operator loop  %8.0f records/s %.2f s, CPU %.2f us/record "
          "(loop thread %.2f)  ratio (b)/(a) %.2f\n",
          b.rate(), b.seconds, b.process_us_per_record(), b.thread_us_per_record(),
          b.rate() / a.rate());
      ratios_b.push_back(b.rate() / a.rate());
      best_b = std::max(best_b, b.rate());
      cpu_b = std::min(cpu_b, b.process_us_per_record());
    }
    if (options.has('c')) {
      const GraphRun c = run_graph(bootstrap, "out_c", options.window_ms, options.credit_window,
                                   options.pause_after_ms);
      check("(c)", c.input_records());
      const NodeTotals& window = c.node("per_user_minute");
      const NodeTotals& sink = c.node("results");
      // Everything decoded went through the hash edge into the window operator, and every
      // window it fired was written and acknowledged (the job finished only after the flush).
      if (window.records_in != expected || sink.records_in != window.records_out ||
          sink.records_in == 0) {
        throw std::runtime_error("(c): window operator saw " + std::to_string(window.records_in) +
                                 " records, emitted " + std::to_string(window.records_out) +
                                 ", sink got " + std::to_string(sink.records_in));
      }
      windows_out = sink.records_in;
      std::printf(
          "       (c) runtime graph  %8.0f records/s %.2f s, CPU %.2f us/record  "
          "ratio (c)/(a) %.2f  [%llu window results; per operator: backpressured s, "
          "records per output batch:",
          c.result.rate(), c.result.seconds, c.result.process_us_per_record(),
          c.result.rate() / a.rate(), static_cast<unsigned long long>(windows_out));
      for (const NodeTotals& node : c.nodes) {
        std::printf(" %s %.2f", node.name.c_str(), node.backpressured_s);
        if (node.batches_out > 0) {
          std::printf(" %.0f", static_cast<double>(node.records_out) /
                                   static_cast<double>(node.batches_out));
        }
      }
      const NodeTotals& source = c.node("events");
      std::printf("; source out of capacity %llu times, paused %llu]\n",
                  static_cast<unsigned long long>(source.capacity_shortages),
                  static_cast<unsigned long long>(source.capacity_pauses));
      ratios_c.push_back(c.result.rate() / a.rate());
      best_c = std::max(best_c, c.result.rate());
      cpu_c = std::min(cpu_c, c.result.process_us_per_record());
    }
  }
  // The variants alternate, so each run's ratio compares neighbours in time; the median of
  // those is the figure least moved by other load on the machine.
  std::printf("best of %d: (a) %.0f records/s, least process CPU %.2f us/record\n", options.repeats,
              best_a, cpu_a);
  if (options.has('b')) {
    std::printf(
        "            (b) %.0f records/s, ratio of bests %.2f, median run ratio %.2f, "
        "least process CPU %.2f us/record\n",
        best_b, best_b / best_a, median(ratios_b), cpu_b);
  }
  if (options.has('c')) {
    std::printf(
        "            (c) %.0f records/s, ratio of bests %.2f, median run ratio %.2f "
        "(range %.2f - %.2f), least process CPU %.2f us/record\n",
        best_c, best_c / best_a, median(ratios_c),
        *std::min_element(ratios_c.begin(), ratios_c.end()),
        *std::max_element(ratios_c.begin(), ratios_c.end()), cpu_c);
  }

  if (options.latency_seconds > 0 && options.has('b')) {
    const double rate = best_b / 2;
    const Latency latency = run_latency(bootstrap, rate, options.latency_seconds);
    std::printf(
        "latency of (b) at %.0f records/s for %.0f s after 1 s warm-up (%llu records measured): "
        "p50 %.1f ms, p99 %.1f "
        "ms, p99.9 %.1f ms, max %.1f ms\n",
        rate, options.latency_seconds, static_cast<unsigned long long>(latency.received),
        latency.p50_ms, latency.p99_ms, latency.p999_ms, latency.max_ms);
  }
  return 0;
}

}  // namespace
}  // namespace rivulet::bench

int main(int argc, char** argv) {
  try {
    return rivulet::bench::run(argc, argv);
  } catch (const std::exception& error) {
    // The broker guard's destructor has run by now: the broker process is gone.
    std::fprintf(stderr, "kafka_end_to_end_bench: %s\n", error.what());
    return 1;
  }
}
