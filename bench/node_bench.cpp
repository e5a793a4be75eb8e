// A runtime node as users run it: `rivulet node` in its own process (Kafka in a `rivulet broker`
// process, `--bootstrap`), driven over loopback by the client library (client/node_client.hpp),
// Kafka output read back by an independent read_committed consumer. Six parts (issue 9,
// "Benchmarks"; c and b back t with figures the machine's load cannot swamp):
//
//   t  Throughput with a metrics subscriber at 250 ms versus none. The same bounded job
//      (datagen, `count` records at rate 0 → filter keeping ~10% → map → file_sink csv, one
//      instance each) is deployed again and again on one node, alternating without / with a
//      subscribe(250 ms) stream (ABBA order), so each pair's ratio is measured in the same
//      minute. The rate is records / (the node's Started event → the sink's last write, the
//      output file's mtime); the node process's CPU per record (/proc/PID/stat, every thread) is
//      reported beside it. Both arms watch the job's events the same way.
//   c  Node CPU per metrics push, and so what one 250 ms subscriber costs per second (below).
//   b  A saturated node with 100 subscribers vs none (below): part t amplified 100 times.
//   d  Deploy → first output record: from the deploy call until a read_committed consumer
//      holds the first record of datagen → kafka_sink, exactly-once (visible only once the first
//      checkpoint commits) and at-least-once. The consumer is assigned 1 s before the call: a
//      fresh librdkafka consumer on an empty partition reads nothing for its first ~0.5 s, which
//      would otherwise be measured as deploy latency.
//   r  Node SIGKILL → job running again: a job checkpointing every 500 ms (exactly-once sink;
//      --recovery-delivery at_least_once for comparison) is killed with its node; the node is
//      restarted on the same data dir at once. Timed from the kill until the node answers, until
//      `status` says running, until the sink task has received a record again (metrics), and
//      until the first new committed output record.
//   m  Metrics push size per task: one JobMetrics as the node writes it into a push (to_wire into
//      a message, unpacked standard framing = what the two-party RPC sends, without the RPC call
//      header) for jobs of 4 and 19 tasks; the per-task figure is the difference / 15.
//
// Usage: node_bench [--parts tcbmdr] [--pairs 10] [--records 30000000] [--fan-out 100]
//                   [--deploys 3] [--kills 3] [--recovery-delivery exactly_once|at_least_once]
// Results and the command: docs/benchmarks.md ("Runtime node").

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "bench/child_process.hpp"
#include "client/node_client.hpp"
#include "graphs/control_wire.hpp"
#include "graphs/graph_io.hpp"
#include "tests/runtime/cli/fault_test_support.hpp"

namespace {

using namespace rivulet::runtime::faulttest;
namespace control = rivulet::graphs::control;
using rivulet::client::ClientConfig;
using rivulet::client::NodeClient;
using rivulet::client::StreamHandle;

// --- small helpers -----------------------------------------------------------------------------

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double geometric_mean(const std::vector<double>& values) {
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return values.empty() ? 0 : std::exp(log_sum / static_cast<double>(values.size()));
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// User + system CPU seconds of process `pid`, all threads (fields 14 and 15 of /proc/PID/stat).
double process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) throw std::runtime_error("cannot read /proc/PID/stat");
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14 || index == 15) ticks += std::stod(field);
    if (index == 15) break;
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// A loopback port that was free a moment ago (the node binds it right after).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

template <class T>
T checked(rivulet::graphs::Result<T> result, const std::string& what) {
  if (!result) throw std::runtime_error(what + ": " + result.error().message);
  return std::move(result).value();
}

rivulet::graphs::Graph graph_from_json(const std::string& json) {
  return checked(rivulet::graphs::decode_graph(json, rivulet::graphs::GraphFormat::Json),
                 "bench graph");
}

// --- the node process --------------------------------------------------------------------------

// `rivulet node` on a fixed loopback address and data dir; bench::ChildProcess drains its stderr
// (so a chatty node never blocks on a full pipe) and SIGKILLs it in its destructor.
class Node {
 public:
  Node(fs::path data_dir, std::string bootstrap)
      : data_dir_(std::move(data_dir)),
        bootstrap_(std::move(bootstrap)),
        address_("127.0.0.1:" + std::to_string(free_port())) {}

  // Starts the process and returns when a client is connected (or throws after 60 s).
  void start() {
    process_ = std::make_unique<rivulet::bench::ChildProcess>(
        std::vector<std::string>{RIVULET_CLI, "node", "--data-dir", data_dir_.string(), "--listen",
                                 address_, "--bootstrap", bootstrap_});
    connected_ = connect_within(60s);
    if (!connected_) {
      throw std::runtime_error("the node did not answer on " + address_ + ":\n" +
                               process_->stderr_text());
    }
  }

  // Retries every 10 ms until the node answers; the time it first did, if it did.
  std::optional<Clock::time_point> connect_within(std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      ClientConfig config;
      config.address = address_;
      config.timeout = 5s;
      auto client = NodeClient::connect(config);
      if (client) {
        client_ = std::move(client).value();
        return Clock::now();
      }
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }

  // SIGKILL the node and reap it; the client's connection goes with it.
  void kill() {
    process_->kill_now();
    client_.reset();
  }

  NodeClient& client() { return *client_; }
  pid_t pid() const { return process_->pid(); }
  const fs::path& data_dir() const { return data_dir_; }

 private:
  fs::path data_dir_;
  std::string bootstrap_;
  std::string address_;
  std::unique_ptr<rivulet::bench::ChildProcess> process_;
  std::unique_ptr<NodeClient> client_;
  std::optional<Clock::time_point> connected_;
};

control::JobId deploy(NodeClient& client, const std::string& json, const std::string& name) {
  control::DeployRequest request;
  request.graphs.push_back(graph_from_json(json));
  request.options.name = name;
  auto outcome = checked(client.deploy(request), "deploy " + name);
  if (!outcome.job) {
    std::string problems;
    for (const auto& problem : outcome.problems) problems += "\n  " + problem.to_string();
    throw std::runtime_error("deploy " + name + " refused:" + problems);
  }
  return *outcome.job;
}

std::size_t wire_bytes(const control::JobMetrics& metrics) {
  capnp::MallocMessageBuilder message;
  control::to_wire(metrics, message.initRoot<rivulet::graphs::wire::JobMetrics>());
  return capnp::computeSerializedSizeInWords(message) * sizeof(capnp::word);
}

// --- graphs ------------------------------------------------------------------------------------

std::string int_param(const std::string& name, long value) {
  return R"({"name": ")" + name + R"(", "value": {"intValue": ")" + std::to_string(value) +
         R"("}})";
}

std::string datagen_node(const std::string& id, long count, long rate, int parallelism) {
  return R"({"id": ")" + id + R"(", "kind": "datagen", "parallelism": )" +
         std::to_string(parallelism) +
         R"(, "parameters": [)"
         R"({"name": "schema", "value": {"schema": [)"
         R"({"name": "id", "type": "int64"}, {"name": "user", "type": "string"},)"
         R"( {"name": "amount", "type": "float64"}, {"name": "ts", "type": "timestamp"}]}}, )" +
         list_param("fields", {"user=key(prefix=user-)"}) + ", " + int_param("count", count) +
         ", " + int_param("rate", rate) + ", " + int_param("key_cardinality", 10000) + "]}";
}

std::string edge(const std::string& from, const std::string& to, const std::string& how) {
  return R"({"from": {"node": ")" + from + R"(", "port": "out"}, "to": {"node": ")" + to +
         R"(", "port": "in"}, "partitioning": {")" + how + R"(": null}})";
}

// datagen (count records, rate 0) → filter → map → file_sink `path` (under the node's file
// root). `parallelism` instances of datagen, filter and map; one sink behind a rebalance edge.
std::string file_job(const std::string& name, long count, long rate, int parallelism,
                     const std::string& path, const std::string& predicate = "amount < 0.1") {
  const std::string par = std::to_string(parallelism);
  std::string nodes = datagen_node("gen", count, rate, parallelism);
  nodes += R"(, {"id": "keep", "kind": "filter", "parallelism": )" + par +
           R"(, "parameters": [{"name": "predicate", "value": {"expression": ")" + predicate +
           R"("}}]})";
  nodes += R"(, {"id": "enrich", "kind": "map", "parallelism": )" + par + R"(, "parameters": [)" +
           list_param("expressions", {"amount * 100 AS cents"}) + "]}";
  nodes += R"(, {"id": "out", "kind": "file_sink", "parallelism": 1, "parameters": [)" +
           string_param("path", path) + ", " + string_param("format", "csv") + "]}";
  const std::string edges = edge("gen", "keep", "forward") + ", " +
                            edge("keep", "enrich", "forward") + ", " +
                            edge("enrich", "out", parallelism > 1 ? "rebalance" : "forward");
  return R"({"formatVersion": 1, "name": ")" + name + R"(", "nodes": [)" + nodes +
         R"(], "edges": [)" + edges + "]}";
}

// datagen (unbounded, `rate` records/s) → kafka_sink `topic` with `delivery`, checkpoints every
// `interval_ms`.
std::string kafka_job(const std::string& name, long rate, const std::string& topic,
                      const std::string& delivery, int interval_ms) {
  std::string nodes = datagen_node("gen", 0, rate, 1);
  nodes += R"(, {"id": "out", "kind": "kafka_sink", "parallelism": 1, "parameters": [)" +
           string_param("topic", topic) + ", " + string_param("delivery", delivery) + ", " +
           string_param("transactional_id_prefix", "node-bench-" + name) + "]}";
  return R"({"formatVersion": 1, "name": ")" + name + R"(", "nodes": [)" + nodes +
         R"(], "edges": [)" + edge("gen", "out", "forward") +
         R"(], "runtime": {"checkpointIntervalMs": )" + std::to_string(interval_ms) + "}}";
}

// --- part t: throughput with and without a subscriber ------------------------------------------

struct BoundedRun {
  double job_seconds = 0;       // Started event → the sink's last write
  double finished_seconds = 0;  // Started → Finished, the node's event stamps
  double call_seconds = 0;      // deploy call → Finished event received
  double cpu_seconds = 0;       // node process
  int pushes = 0;
};

// Deploys file_job once and waits for its Finished event (watched in both arms alike).
BoundedRun run_bounded(Node& node, int index, long records, bool subscribed) {
  const std::string name = "t-" + std::to_string(index);
  const std::string path = name + ".csv";
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<control::WallMs> started, finished;
  std::string failure;
  BoundedRun run;

  const double cpu_before = process_cpu_seconds(node.pid());
  const auto call = Clock::now();
  const control::JobId job = deploy(node.client(), file_job(name, records, 0, 1, path), name);
  std::unique_ptr<StreamHandle> subscription;
  std::atomic<int> pushes{0};
  if (subscribed) {
    // The callback only counts: the bench shares the node's two cores.
    subscription = checked(node.client().subscribe(
                               job, 250, [&](control::JobMetrics, std::uint32_t) { ++pushes; },
                               [](const std::string&) {}),
                           "subscribe");
  }
  auto events = checked(node.client().watch_events(
                            job, 0,
                            [&](std::vector<control::JobEvent> batch) {
                              std::lock_guard lock(mutex);
                              for (const auto& event : batch) {
                                if (event.kind == control::JobEventKind::Started && !started)
                                  started = event.at;
                                if (event.kind == control::JobEventKind::Finished)
                                  finished = event.at;
                                if (event.kind == control::JobEventKind::Failed)
                                  failure = event.message;
                              }
                              changed.notify_all();
                            },
                            [](const std::string&) {}),
                        "watch_events");
  {
    std::unique_lock lock(mutex);
    if (!changed.wait_for(lock, 600s, [&] { return finished || !failure.empty(); })) {
      throw std::runtime_error(name + " did not finish within 600 s");
    }
    if (!failure.empty()) throw std::runtime_error(name + " failed: " + failure);
    if (!started) throw std::runtime_error(name + ": no Started event");
  }
  run.call_seconds = seconds_between(call, Clock::now());
  run.cpu_seconds = process_cpu_seconds(node.pid()) - cpu_before;
  // The end is the sink's last write (the file's mtime, ns): the node notices a finished job
  // only on its next 100 ms watch tick, which would add up to 100 ms of jitter per run.
  struct stat written {};
  const fs::path file = node.data_dir() / "files" / path;
  if (::stat(file.c_str(), &written) != 0)
    throw std::runtime_error("no output file " + file.string());
  const double end_ms = static_cast<double>(written.st_mtim.tv_sec) * 1e3 +
                        static_cast<double>(written.st_mtim.tv_nsec) / 1e6;
  run.job_seconds = (end_ms - static_cast<double>(*started)) / 1000.0;
  run.finished_seconds = static_cast<double>(*finished - *started) / 1000.0;
  subscription.reset();
  events.reset();
  run.pushes = pushes.load();
  std::error_code ignored;
  fs::remove(file, ignored);
  return run;
}

void part_t(Node& node, int pairs, long records) {
  std::printf(
      "\n[t] throughput, %ld records per run (datagen rate 0 -> filter -> map -> "
      "file_sink csv), %d pairs, ABBA order, load %s\n",
      records, pairs, load_average().c_str());
  (void)run_bounded(node, 0, records, false);  // warm-up: page cache, allocator, first plan
  std::vector<double> ratios, cpu_ratios, rates_without, rates_with;
  int index = 1;
  for (int pair = 0; pair < pairs; ++pair) {
    BoundedRun without, with;
    const bool subscribed_first = pair % 2 == 1;
    for (int arm = 0; arm < 2; ++arm) {
      const bool subscribed = (arm == 0) == subscribed_first;
      (subscribed ? with : without) = run_bounded(node, index++, records, subscribed);
    }
    const double rate_without = static_cast<double>(records) / without.job_seconds;
    const double rate_with = static_cast<double>(records) / with.job_seconds;
    rates_without.push_back(rate_without);
    rates_with.push_back(rate_with);
    ratios.push_back(rate_with / rate_without);
    cpu_ratios.push_back(with.cpu_seconds / without.cpu_seconds);
    std::printf(
        "pair %d: without %.3f s (%.0f k/s, %.2f us CPU/record, call %.3f s) | with %.3f s "
        "(%.0f k/s, %.2f us CPU/record, %d pushes) | ratio %.3f, CPU ratio %.3f, load %s\n",
        pair + 1, without.job_seconds, rate_without / 1e3, without.cpu_seconds / records * 1e6,
        without.call_seconds, with.job_seconds, rate_with / 1e3, with.cpu_seconds / records * 1e6,
        with.pushes, ratios.back(), cpu_ratios.back(), load_average().c_str());
    std::fflush(stdout);
  }
  const auto [min_ratio, max_ratio] = std::minmax_element(ratios.begin(), ratios.end());
  std::printf(
      "result t: records/s without %.0f k (median), with a 250 ms subscriber %.0f k; ratio "
      "with/without median %.3f, geometric mean %.3f, range %.3f-%.3f; CPU-per-record ratio "
      "median %.3f\n",
      median(rates_without) / 1e3, median(rates_with) / 1e3, median(ratios), geometric_mean(ratios),
      *min_ratio, *max_ratio, median(cpu_ratios));
}

// --- part c: node CPU per metrics push -------------------------------------------------------

// A wall-clock ratio cannot resolve a 2 % effect on a loaded machine; the CPU a subscription
// costs the node can be measured directly. A job at 100 records/s (so the node is not saturated)
// runs while `fan_out` subscriptions at 250 ms are open, alternating with windows without them;
// the node's extra CPU divided by the pushes sent is the cost of one push (sampling every task,
// to_wire, the RPC send). One 250 ms subscriber costs 4 of those per second. Many subscriptions
// (--fan-out, default 100) lift the effect above the idle job's own CPU noise (±0.3 s per 5 s
// window on a loaded machine) and the 10 ms resolution of /proc/PID/stat.
void part_c(Node& node, int parallelism, int fan_out, int windows, std::chrono::seconds window) {
  const std::string name = "c-" + std::to_string(parallelism);
  const control::JobId job =
      deploy(node.client(), file_job(name, 0, 100, parallelism, name + ".csv"), name);
  std::this_thread::sleep_for(1s);
  std::vector<double> idle, subscribed, per_push;
  std::size_t tasks = 0;
  for (int w = 0; w < windows; ++w) {
    const double cpu0 = process_cpu_seconds(node.pid());
    std::this_thread::sleep_for(window);
    const double without = process_cpu_seconds(node.pid()) - cpu0;
    std::atomic<int> pushes{0};
    std::vector<std::unique_ptr<StreamHandle>> streams;
    const double cpu1 = process_cpu_seconds(node.pid());
    for (int i = 0; i < fan_out; ++i) {
      streams.push_back(checked(node.client().subscribe(
                                    job, 250,
                                    [&](control::JobMetrics metrics, std::uint32_t) {
                                      tasks = metrics.tasks.size();
                                      ++pushes;
                                    },
                                    [](const std::string&) {}),
                                "subscribe"));
    }
    std::this_thread::sleep_for(window);
    streams.clear();
    const double with = process_cpu_seconds(node.pid()) - cpu1;
    idle.push_back(without);
    subscribed.push_back(with);
    per_push.push_back((with - without) / std::max(1, pushes.load()));
    std::printf(
        "window %d: node CPU %.3f s without, %.3f s with %d subscriptions (%d pushes): "
        "%.1f us per push\n",
        w + 1, without, with, fan_out, pushes.load(), per_push.back() * 1e6);
    std::fflush(stdout);
  }
  if (auto cancelled = node.client().cancel(job); !cancelled) {
    throw std::runtime_error("cancel " + job + ": " + cancelled.error().message);
  }
  std::error_code ignored;
  fs::remove(node.data_dir() / "files" / (name + ".csv"), ignored);
  const double push_us = median(per_push) * 1e6;
  std::printf(
      "result c: %zu tasks: %.1f us of node CPU per push (median of %d windows); one 250 ms "
      "subscriber = %.2f ms CPU per second = %.3f %% of one core\n",
      tasks, push_us, windows, push_us * 4 / 1e3, push_us * 4 / 1e4);
}

// --- part b: a saturated node, 100 subscribers vs none -----------------------------------------

// The A/B of part t amplified: an unbounded job at rate 0 keeps the node saturated while windows
// with `fan_out` subscriptions at 250 ms alternate with windows without; records generated per
// window (the datagen task's counter, one metrics() call per window boundary in both arms).
// If one subscriber cost 2 %, `fan_out` of them would cost far more than the window-to-window
// noise; the loss per subscriber is bounded by the measured loss / fan_out.
void part_b(Node& node, int fan_out, int windows, std::chrono::seconds window) {
  const std::string name = "b";
  // Keeps ~0.1 % of the records: the sink's file stays small however long the job runs.
  const control::JobId job =
      deploy(node.client(), file_job(name, 0, 0, 1, name + ".csv", "amount < 0.001"), name);
  auto generated = [&] {
    auto metrics = checked(node.client().metrics(job), "metrics");
    for (const auto& task : metrics.tasks) {
      if (task.node_id == "gen") return static_cast<double>(task.records_out);
    }
    throw std::runtime_error("b: no datagen task in the metrics");
  };
  std::this_thread::sleep_for(2s);
  std::vector<double> ratios;
  for (int w = 0; w < windows; ++w) {
    double rate[2] = {0, 0};
    const bool subscribed_first = w % 2 == 1;
    for (int arm = 0; arm < 2; ++arm) {
      const bool subscribed = (arm == 0) == subscribed_first;
      std::vector<std::unique_ptr<StreamHandle>> streams;
      for (int i = 0; subscribed && i < fan_out; ++i) {
        streams.push_back(checked(
            node.client().subscribe(
                job, 250, [](control::JobMetrics, std::uint32_t) {}, [](const std::string&) {}),
            "subscribe"));
      }
      const double before = generated();
      const auto from = Clock::now();
      std::this_thread::sleep_for(window);
      rate[subscribed ? 1 : 0] = (generated() - before) / seconds_between(from, Clock::now());
    }
    ratios.push_back(rate[1] / rate[0]);
    std::printf(
        "window pair %d: %.2f M records/s without, %.2f M/s with %d subscriptions: ratio "
        "%.3f, load %s\n",
        w + 1, rate[0] / 1e6, rate[1] / 1e6, fan_out, ratios.back(), load_average().c_str());
    std::fflush(stdout);
  }
  if (auto cancelled = node.client().cancel(job); !cancelled) {
    throw std::runtime_error("cancel " + job + ": " + cancelled.error().message);
  }
  std::error_code ignored;
  fs::remove(node.data_dir() / "files" / (name + ".csv"), ignored);
  const auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
  std::printf(
      "result b: %d subscriptions at 250 ms on a saturated node: records/s ratio "
      "with/without median %.3f, geometric mean %.3f (%.3f-%.3f)\n",
      fan_out, median(ratios), geometric_mean(ratios), *low, *high);
}

// --- part d: deploy → first output record ------------------------------------------------------

// A read_committed consumer of partition 0 of `topic` from the beginning, polling on its own
// thread from construction; first() waits for the first record it saw.
class FirstRecord {
 public:
  FirstRecord(const std::string& bootstrap, const std::string& topic, std::int64_t from)
      : consumer_(new_client(RD_KAFKA_CONSUMER, bootstrap,
                             {{"group.id", "node-bench-reader"},
                              {"enable.auto.commit", "false"},
                              {"isolation.level", "read_committed"},
                              {"fetch.wait.max.ms", "10"},
                              {"fetch.error.backoff.ms", "10"}})) {
    rd_kafka_poll_set_consumer(consumer_.rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), 0)->offset = from;
    rd_kafka_assign(consumer_.rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    thread_ = std::thread([this] {
      const auto deadline = Clock::now() + 180s;
      while (!stop_ && Clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.rk, 5);
        if (m == nullptr) continue;
        const bool record = m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
        rd_kafka_message_destroy(m);
        if (record) {
          std::lock_guard lock(mutex_);
          at_ = Clock::now();
          changed_.notify_all();
          return;
        }
      }
    });
  }
  ~FirstRecord() {
    stop_ = true;
    thread_.join();
    rd_kafka_consumer_close(consumer_.rk);
  }
  FirstRecord(const FirstRecord&) = delete;
  FirstRecord& operator=(const FirstRecord&) = delete;

  std::optional<Clock::time_point> first(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return at_.has_value(); });
    return at_;
  }

 private:
  ClientHandle consumer_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Clock::time_point> at_;
  std::thread thread_;
};

// Polls the node's metrics until the sink task "out" has received a record.
std::optional<Clock::time_point> sink_receiving(Node& node, const control::JobId& job,
                                                std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (auto metrics = node.client().metrics(job)) {
      for (const auto& task : metrics->tasks) {
        if (task.node_id == "out" && task.records_in > 0) return Clock::now();
      }
    }
    std::this_thread::sleep_for(5ms);
  }
  return std::nullopt;
}

void part_d(Node& node, const std::string& bootstrap, int deploys) {
  std::printf("\n[d] deploy -> first output record (datagen 1000/s -> kafka_sink), load %s\n",
              load_average().c_str());
  struct Mode {
    std::string delivery;
    int interval_ms;
  };
  const std::vector<Mode> modes{
      {"at_least_once", 1000}, {"exactly_once", 1000}, {"exactly_once", 200}};
  for (const Mode& mode : modes) {
    std::vector<double> times;
    for (int k = 0; k < deploys; ++k) {
      const std::string name =
          "d-" + mode.delivery + "-" + std::to_string(mode.interval_ms) + "-" + std::to_string(k);
      FirstRecord reader(bootstrap, name, RD_KAFKA_OFFSET_BEGINNING);
      std::this_thread::sleep_for(1000ms);  // the consumer has its assignment and is fetching
      const auto call = Clock::now();
      const control::JobId job =
          deploy(node.client(), kafka_job(name, 1000, name, mode.delivery, mode.interval_ms), name);
      const auto deployed = Clock::now();
      const auto receiving = sink_receiving(node, job, 60s);
      // When the broker's log end moves (written; for exactly-once not yet committed).
      std::optional<Clock::time_point> written;
      while (!written && seconds_between(call, Clock::now()) < 60) {
        if (watermarks(bootstrap, name, 1).front().second > 0) written = Clock::now();
      }
      const auto first = reader.first(120s);
      if (!first) throw std::runtime_error(name + ": no output record within 120 s");
      times.push_back(seconds_between(call, *first));
      std::printf(
          "%s: deploy call returned %.3f s, sink receiving records %.3f s, in the broker's log "
          "%.3f s, first record read %.3f s after the call\n",
          name.c_str(), seconds_between(call, deployed),
          receiving ? seconds_between(call, *receiving) : -1.0,
          written ? seconds_between(call, *written) : -1.0, times.back());
      std::fflush(stdout);
      if (auto cancelled = node.client().cancel(job); !cancelled) {
        throw std::runtime_error("cancel " + job + ": " + cancelled.error().message);
      }
    }
    std::printf("result d: %s, checkpoints every %d ms: deploy -> first record median %.3f s\n",
                mode.delivery.c_str(), mode.interval_ms, median(times));
  }
}

// --- part r: SIGKILL → running again -----------------------------------------------------------

std::optional<std::uint64_t> last_checkpoint(Node& node, const control::JobId& job) {
  auto detail = node.client().status(job);
  if (!detail || !detail->last_checkpoint) return std::nullopt;
  return detail->last_checkpoint->id;
}

void part_r(Node& node, const std::string& bootstrap, int kills, const std::string& delivery) {
  std::printf(
      "\n[r] node SIGKILL -> job running again (datagen 20000/s -> %s kafka_sink, "
      "checkpoints every 500 ms), load %s\n",
      delivery.c_str(), load_average().c_str());
  const std::string topic = "r-" + delivery;
  const control::JobId job =
      deploy(node.client(), kafka_job(topic, 20000, topic, delivery, 500), topic);
  std::vector<double> answering, running, flowing, committed;
  for (int k = 0; k < kills; ++k) {
    // Run until a checkpoint newer than the restore point completed.
    const std::uint64_t before = last_checkpoint(node, job).value_or(0);
    const auto give_up = Clock::now() + 120s;
    while (last_checkpoint(node, job).value_or(0) <= before) {
      if (Clock::now() > give_up) throw std::runtime_error("r: no new checkpoint within 120 s");
      std::this_thread::sleep_for(20ms);
    }
    const std::uint64_t at_kill = last_checkpoint(node, job).value_or(0);
    const auto killed = Clock::now();
    const control::WallMs killed_wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count();
    node.kill();
    // Nothing the killed node wrote counts as new.
    const std::int64_t from = watermarks(bootstrap, topic, 1).front().second;
    FirstRecord reader(bootstrap, topic, from);
    node.start();  // retries every 10 ms until the node answers
    const auto answered = Clock::now();
    std::optional<Clock::time_point> is_running;
    const auto deadline = Clock::now() + 60s;
    while (!is_running && Clock::now() < deadline) {
      auto detail = node.client().status(job);
      if (detail && detail->summary.state == control::JobState::Running) is_running = Clock::now();
      std::this_thread::sleep_for(5ms);
    }
    const auto is_flowing = sink_receiving(node, job, 60s);
    const auto first = reader.first(120s);
    if (!is_running || !is_flowing || !first) {
      throw std::runtime_error("r: the job did not resume (running/flowing/committed missing)");
    }
    answering.push_back(seconds_between(killed, answered));
    running.push_back(seconds_between(killed, *is_running));
    flowing.push_back(seconds_between(killed, *is_flowing));
    committed.push_back(seconds_between(killed, *first));
    std::printf(
        "kill %d (after checkpoint %llu): node answers %.3f s, status running %.3f s, sink "
        "receiving records %.3f s, first new committed record %.3f s after SIGKILL\n",
        k + 1, static_cast<unsigned long long>(at_kill), answering.back(), running.back(),
        flowing.back(), committed.back());
    // The node's own account of the restart, relative to the kill (wall clock, ms).
    if (auto events = node.client().events(job, 0)) {
      for (const auto& event : *events) {
        const double after = static_cast<double>(event.at - killed_wall) / 1000.0;
        if (after >= 0 && after < 10) {
          std::printf("  event %s at %.3f s: %s\n", control::to_string(event.kind).c_str(), after,
                      event.message.c_str());
        }
      }
    }
    std::fflush(stdout);
  }
  std::printf(
      "result r: SIGKILL -> node answers %.3f s, running %.3f s, records flowing %.3f s, first "
      "new committed record %.3f s (medians of %d)\n",
      median(answering), median(running), median(flowing), median(committed), kills);
  if (auto cancelled = node.client().cancel(job); !cancelled) {
    throw std::runtime_error("cancel " + job + ": " + cancelled.error().message);
  }
}

// --- part m: metrics push size per task --------------------------------------------------------

// Pushes of a running job of `parallelism` (3 × parallelism + 1 tasks): (tasks, median bytes).
std::pair<std::size_t, double> push_size(Node& node, int parallelism) {
  const std::string name = "m-" + std::to_string(parallelism);
  const control::JobId job =
      deploy(node.client(), file_job(name, 0, 2000, parallelism, name + ".csv"), name);
  std::mutex mutex;
  std::vector<double> bytes;
  std::size_t tasks = 0;
  std::this_thread::sleep_for(1s);  // every task running, rates non-zero
  {
    auto subscription = checked(node.client().subscribe(
                                    job, 250,
                                    [&](control::JobMetrics metrics, std::uint32_t) {
                                      std::lock_guard lock(mutex);
                                      tasks = metrics.tasks.size();
                                      bytes.push_back(static_cast<double>(wire_bytes(metrics)));
                                    },
                                    [](const std::string&) {}),
                                "subscribe");
    std::this_thread::sleep_for(3s);
  }
  if (auto cancelled = node.client().cancel(job); !cancelled) {
    throw std::runtime_error("cancel " + job + ": " + cancelled.error().message);
  }
  std::error_code ignored;
  fs::remove(node.data_dir() / "files" / (name + ".csv"), ignored);
  std::lock_guard lock(mutex);
  const auto [low, high] = std::minmax_element(bytes.begin(), bytes.end());
  std::printf("%s: %zu tasks, %zu pushes, %.0f bytes per push (median; %.0f-%.0f)\n", name.c_str(),
              tasks, bytes.size(), median(bytes), *low, *high);
  return {tasks, median(bytes)};
}

void part_m(Node& node) {
  std::printf("\n[m] metrics push size (JobMetrics as to_wire writes it, unpacked framing)\n");
  const auto small = push_size(node, 1);
  const auto large = push_size(node, 6);
  const double per_task =
      (large.second - small.second) / static_cast<double>(large.first - small.first);
  std::printf(
      "result m: %zu tasks %.0f bytes (%.0f per task), %zu tasks %.0f bytes (%.0f per task); "
      "marginal %.0f bytes per task\n",
      small.first, small.second, small.second / static_cast<double>(small.first), large.first,
      large.second, large.second / static_cast<double>(large.first), per_task);
}

}  // namespace

int main(int argc, char** argv) {
  std::string parts = "tcbmdr";
  int pairs = 10;
  long records = 30000000;
  int deploys = 3;
  int kills = 3;
  std::string recovery_delivery = "exactly_once";
  int fan_out = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--parts") == 0) parts = argv[i + 1];
    if (std::strcmp(argv[i], "--pairs") == 0) pairs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--records") == 0) records = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--deploys") == 0) deploys = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--kills") == 0) kills = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--recovery-delivery") == 0) recovery_delivery = argv[i + 1];
    if (std::strcmp(argv[i], "--fan-out") == 0) fan_out = std::atoi(argv[i + 1]);
  }
  try {
    std::printf("node_bench: nproc %ld, load %s\n", ::sysconf(_SC_NPROCESSORS_ONLN),
                load_average().c_str());
    TempDir dir("rivulet-node-bench");
    std::vector<std::string> topics{"r-exactly_once:1", "r-at_least_once:1"};
    for (const std::string mode : {"at_least_once-1000", "exactly_once-1000", "exactly_once-200"}) {
      for (int k = 0; k < deploys; ++k)
        topics.push_back("d-" + mode + "-" + std::to_string(k) + ":1");
    }
    const auto broker = start_broker(topics);
    Node node(dir / "data", broker->bootstrap_servers());
    node.start();
    if (parts.find('t') != std::string::npos) part_t(node, pairs, records);
    if (parts.find('c') != std::string::npos) {
      std::printf(
          "\n[c] node CPU per metrics push (job at 100 records/s, %d subscriptions at 250 ms "
          "vs none, alternating 5 s windows), load %s\n",
          fan_out, load_average().c_str());
      part_c(node, 1, fan_out, 4, 5s);
      part_c(node, 6, fan_out, 4, 5s);
    }
    if (parts.find('b') != std::string::npos) {
      std::printf(
          "\n[b] saturated node (datagen rate 0, unbounded): %d subscriptions at 250 ms "
          "vs none, alternating 4 s windows, load %s\n",
          fan_out, load_average().c_str());
      part_b(node, fan_out, 8, 4s);
    }
    if (parts.find('m') != std::string::npos) part_m(node);
    if (parts.find('d') != std::string::npos) part_d(node, broker->bootstrap_servers(), deploys);
    if (parts.find('r') != std::string::npos)
      part_r(node, broker->bootstrap_servers(), kills, recovery_delivery);
    std::printf("\nnode_bench: done, load %s\n", load_average().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "node_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
