// Fault tolerance on the real runtime (planner + Job + checkpoint coordinator + checkpoint
// store), three parts, each selectable with --parts:
//
//   t  throughput: datagen (unbounded, as fast as downstream accepts) → key_by k → hash edge →
//      window_aggregate (tumbling, count + sum per key) → a discarding sink, run as a Job with
//      checkpoints every --interval-ms into a DirectoryCheckpointStore in a fresh temporary
//      directory, versus the same job without checkpoints. Runs alternate (ABBA order per
//      pair), each measured over --seconds after a warm-up: records/s into the window
//      operator, and process CPU per record. Each pair's ratio (with / without) compares
//      neighbours in time; the median (and the geometric mean) of those is the figure.
//   s  checkpoint duration and size with --state-keys distinct keys (1 M by default): datagen
//      (id = sequence) → map `id % KEYS AS k` → key_by k → window_aggregate (30-day tumbling
//      window: nothing fires, one live window per key) or dedup (30-day horizon: one entry per
//      key) → discarding sink. Once every key was seen, the next --state-checkpoints completed
//      checkpoints are read from CheckpointMetrics (last_duration_us = begin to complete,
//      last_size_bytes = what all tasks wrote), for the directory store (files fsynced, manifest)
//      and for the in-memory store (serialisation only). The number of keys in the last
//      checkpoint is read back through the operator's own reader of its state. Then the
//      restore: a new Job on that store, Job::start → first record into the stateful operator,
//      against the same with an empty store.
//   r  recovery: the broker in its own process (`rivulet broker`), the job as a `rivulet run`
//      child with --checkpoint-dir: datagen (rate --recovery-rate, id = sequence) → key_by id →
//      dedup (one entry per record id: the state grows by one key per record) → kafka_sink
//      (at least once) to topic `out`. Once a checkpoint holding >= --state-keys keys is
//      complete (its MANIFEST exists; keys = datagen's checkpointed position, checked against
//      dedup's own count with the memory backend), the child gets
//      SIGKILL and is started again with the same arguments; timed from the kill until the
//      first new record appears on `out` (a consumer positioned at the end offsets after the
//      kill, fetch.wait.max.ms 10). Baseline in the same run: the cold start of the same
//      command with an empty checkpoint directory, timed from fork to first record.
//
// Usage: checkpoint_bench [--parts tsr] [--repeats 6] [--seconds 5] [--warmup-seconds 1.5]
//          [--keys 100000] [--window-ms 600000] [--interval-ms 1000] [--state-keys 1000000]
//          [--state-checkpoints 5] [--state-rate 0] [--recovery-repeats 2]
//          [--recovery-rate 100000] [--checkpoint-root DIR] [--state-backend memory|rocksdb]
// Defaults take ~2.5 minutes on 2 cores. Every child process, the broker and every temporary
// directory are removed on exit, also when a part fails.
// Results and the commands: docs/benchmarks.md ("Checkpoints and recovery").

#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/broker_process.hpp"
#include "bench/child_process.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "graphs/graph_io.hpp"
#include "operators/builtin_catalog.hpp"
#include "operators/dedup.hpp"
#include "operators/spec_builder.hpp"
#include "operators/window_aggregate_operator.hpp"
#include "runtime/checkpoint/checkpoint_reader.hpp"
#include "runtime/checkpoint/directory_checkpoint_store.hpp"
#include "runtime/in_memory_checkpoint_store.hpp"
#include "runtime/job.hpp"
#include "runtime/operator_registry.hpp"
#include "runtime/planner.hpp"

namespace rivulet::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using graphs::Duration;
using graphs::FieldType;
using graphs::StringList;
using namespace std::chrono_literals;

// ---- the state-backend slot ----------------------------------------------------------------
// --state-backend memory|rocksdb sets every bench graph's runtime.stateBackend, which the job
// hands to the operator factories (runtime::OperatorBuildContext::state_backend; window_aggregate
// and dedup choose their state store from it). Memory: operators keep typed in-memory structures
// and snapshot them as blobs. RocksDB: a database per instance, RocksDB's checkpoint as the
// snapshot. Key counts come from the operators' own readers of their checkpointed state
// (window_aggregate: both backends; dedup: memory only); the recovery part counts keys from
// datagen's checkpointed position, which works for both.

struct Options {
  std::string parts = "tsr";
  int repeats = 6;     // throughput pairs
  double seconds = 5;  // measured seconds per throughput run
  double warmup_seconds = 1.5;
  std::int64_t keys = 100000;       // throughput key cardinality
  std::int64_t window_ms = 600000;  // throughput tumbling window (event time)
  std::int64_t interval_ms = 1000;
  std::int64_t state_keys = 1000000;
  int state_checkpoints = 5;
  std::int64_t state_rate = 0;  // datagen records/s in part s; 0: as fast as possible
  int recovery_repeats = 2;
  std::int64_t recovery_rate = 100000;
  std::string checkpoint_root;  // default: the system's temporary directory
  graphs::StateBackend backend = graphs::StateBackend::Memory;
  bool has(char part) const { return parts.find(part) != std::string::npos; }
};

const char* backend_name(const Options& options) {
  return options.backend == graphs::StateBackend::Memory ? "memory" : "rocksdb";
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double process_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::string filesystem_type(const fs::path& path) {
  struct statfs info {};
  if (::statfs(path.c_str(), &info) != 0) return "?";
  switch (static_cast<unsigned long>(info.f_type)) {
    case 0x01021994UL:
      return "tmpfs";
    case 0x794c7630UL:
      return "overlayfs";
    case 0xEF53UL:
      return "ext4";
    case 0x58465342UL:
      return "xfs";
    case 0x9123683EUL:
      return "btrfs";
    default: {
      char text[32];
      std::snprintf(text, sizeof text, "0x%lx", static_cast<unsigned long>(info.f_type));
      return text;
    }
  }
}

// A fresh, empty directory under the checkpoint root; removed by the destructor.
class TempDir {
 public:
  TempDir(const fs::path& root, const std::string& prefix) {
    std::string pattern = (root / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp under " + root.string() + " failed");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// ---- graphs -------------------------------------------------------------------------------

graphs::Node make_node(std::string id, std::string kind, std::vector<graphs::Parameter> params) {
  graphs::Node node;
  node.id = std::move(id);
  node.kind = std::move(kind);
  node.parameters = std::move(params);
  return node;
}

graphs::Edge make_edge(const std::string& from, const std::string& to,
                       std::vector<std::string> hash_keys = {}) {
  graphs::Edge edge;
  edge.from = {from, "out"};
  edge.to = {to, "in"};
  if (!hash_keys.empty())
    edge.partitioning = {graphs::PartitioningKind::Hash, std::move(hash_keys)};
  return edge;
}

// Event time starts at a multiple of 30 days, so the 30-day window of part s starts with the
// run and never fires during it.
constexpr std::int64_t kThirtyDaysMs = 30LL * 24 * 3600 * 1000;
constexpr std::int64_t kStartTime = kThirtyDaysMs * 656;  // 2023-11-19

graphs::Node datagen(graphs::Schema schema, StringList fields, std::int64_t rate,
                     std::int64_t key_cardinality) {
  return make_node("gen", "datagen",
                   {{"schema", std::move(schema)},
                    {"fields", std::move(fields)},
                    {"rate", rate},
                    {"count", std::int64_t{0}},
                    {"seed", std::int64_t{7}},
                    {"key_cardinality", key_cardinality},
                    {"start_time", kStartTime},
                    {"event_time_field", std::string("ts")}});
}

// Part t: datagen → key_by k → window_aggregate → discard.
graphs::Graph throughput_graph(const Options& options) {
  graphs::Graph graph;
  graph.name = "checkpoint-bench-throughput";
  graph.runtime.state_backend = options.backend;
  graph.nodes = {datagen({{"k", FieldType::Int64, false},
                          {"v", FieldType::Float64, false},
                          {"ts", FieldType::Timestamp, false}},
                         {"k=key()"}, 0, options.keys),
                 make_node("by_k", "key_by", {{"keys", StringList{"k"}}}),
                 make_node("per_key", "window_aggregate",
                           {{"window", std::string("tumbling")},
                            {"size", Duration{options.window_ms}},
                            {"aggregates", StringList{"count(*) AS n", "sum(v) AS total"}}}),
                 make_node("sink", "discard", {})};
  graph.edges = {make_edge("gen", "by_k"), make_edge("by_k", "per_key", {"k"}),
                 make_edge("per_key", "sink")};
  return graph;
}

enum class StateOperator { Window, Dedup };
const char* name_of(StateOperator op) {
  return op == StateOperator::Window ? "window_aggregate" : "dedup";
}

// Part s: datagen (id = sequence) → map k = id % keys → key_by k → window_aggregate | dedup.
graphs::Graph state_graph(const Options& options, StateOperator op) {
  graphs::Graph graph;
  graph.name = "checkpoint-bench-state";
  graph.runtime.state_backend = options.backend;
  graphs::Node stateful;
  stateful.id = "per_key";
  if (op == StateOperator::Window) {
    stateful.kind = "window_aggregate";
    stateful.set_parameter("window", std::string("tumbling"));
    stateful.set_parameter("size", Duration{kThirtyDaysMs});
    stateful.set_parameter("aggregates", StringList{"count(*) AS n", "sum(v) AS total"});
  } else {
    stateful.kind = "dedup";
    stateful.set_parameter("horizon", Duration{kThirtyDaysMs});
  }
  graph.nodes = {datagen({{"id", FieldType::Int64, false},
                          {"v", FieldType::Float64, false},
                          {"ts", FieldType::Timestamp, false}},
                         {"id=sequence"}, options.state_rate, 1000),
                 make_node("mod", "map",
                           {{"expressions",
                             StringList{"id % " + std::to_string(options.state_keys) + " AS k"}}}),
                 make_node("by_k", "key_by", {{"keys", StringList{"k"}}}), std::move(stateful),
                 make_node("sink", "discard", {})};
  graph.edges = {make_edge("gen", "mod"), make_edge("mod", "by_k"),
                 make_edge("by_k", "per_key", {"k"}), make_edge("per_key", "sink")};
  return graph;
}

// Part r: datagen (id = sequence) → key_by id → dedup → kafka_sink `out`.
// The delivery guarantee of the sink: one constant (exactly_once is being added elsewhere).
const std::string kRecoveryDelivery = "at_least_once";

graphs::Graph recovery_graph(const Options& options) {
  graphs::Graph graph;
  graph.name = "checkpoint-bench-recovery";
  graph.runtime.state_backend = options.backend;
  graph.nodes = {datagen({{"id", FieldType::Int64, false}, {"ts", FieldType::Timestamp, false}},
                         {"id=sequence"}, options.recovery_rate, 1000),
                 make_node("by_id", "key_by", {{"keys", StringList{"id"}}}),
                 make_node("dedup", "dedup", {{"horizon", Duration{kThirtyDaysMs}}}),
                 make_node("results", "kafka_sink",
                           {{"topic", std::string("out")}, {"delivery", kRecoveryDelivery}})};
  graph.edges = {make_edge("gen", "by_id"), make_edge("by_id", "dedup", {"id"}),
                 make_edge("dedup", "results")};
  return graph;
}

// The built-in operators plus `discard`, a sink that drops its input (bench only), so that the
// in-process parts measure the runtime and the stateful operator, not an output system.
class Discard final : public runtime::Operator {
 public:
  void process(std::size_t, const runtime::BatchPtr&, runtime::Collector&) override {}
};

const runtime::OperatorRegistry& bench_registry() {
  static const runtime::OperatorRegistry registry = [] {
    runtime::OperatorRegistry r = operators::builtin_registry();
    using namespace operators::spec;  // NOLINT(google-build-using-namespace): a declaration
    auto added =
        r.add(operators::spec::Operator("discard", "sink", "Drops every record (benchmarks).")
                  .inputs({input("in", "Records.")}),
              runtime::TransformFactory([](const runtime::OperatorBuildContext&)
                                            -> graphs::Result<std::unique_ptr<runtime::Operator>> {
                return std::unique_ptr<runtime::Operator>(std::make_unique<Discard>());
              }));
    if (!added) throw std::logic_error(added.error().message);
    return r;
  }();
  return registry;
}

runtime::PhysicalPlan plan(graphs::Graph graph) {
  auto planned = runtime::plan_job({std::move(graph)}, bench_registry());
  if (!planned) throw std::runtime_error("plan: " + planned.error().message);
  return std::move(planned).value();
}

runtime::TaskMetrics& metrics_of(runtime::Job& job, const std::string& node) {
  for (const runtime::PlannedNode& planned : job.plan().nodes) {
    if (planned.name == node) return *job.task_metrics()[planned.tasks.at(0)];
  }
  throw std::runtime_error("no node '" + node + "' in the plan");
}

std::shared_ptr<runtime::CheckpointStore> directory_store(const fs::path& dir,
                                                          const graphs::Graph& graph) {
  runtime::checkpoint::JobIdentity identity;
  identity.graph_name = graph.name;
  for (const graphs::Node& node : graph.nodes) identity.node_ids.push_back(node.id);
  auto store = runtime::checkpoint::DirectoryCheckpointStore::open(dir, 3, identity);
  if (!store) throw std::runtime_error("checkpoint store: " + store.error().message);
  return std::move(store).value();
}

void end_job(std::unique_ptr<runtime::Job>& job) {
  job->cancel();
  if (!job->wait_for(std::chrono::seconds(60))) throw std::runtime_error("job did not end");
  const runtime::JobStatus status = job->wait();
  if (status.state == runtime::JobState::Failed) {
    throw std::runtime_error(std::string("job failed: ") + status.message);
  }
}

// ---- part t: throughput with and without checkpoints ---------------------------------------

struct ThroughputRun {
  double rate = 0;                   // records/s into the window operator
  double cpu_us_per_record = 0;      // whole process
  std::vector<double> durations_ms;  // checkpoints completed during the measured interval
  std::uint64_t last_size = 0;
};

ThroughputRun run_throughput(const Options& options, bool checkpoints, const fs::path& root) {
  graphs::Graph graph = throughput_graph(options);
  std::optional<TempDir> dir;
  runtime::JobOptions job_options;
  if (checkpoints) {
    dir.emplace(root, "rivulet-ckpt-bench");
    job_options.checkpoints = directory_store(dir->path(), graph);
    job_options.checkpoint_interval = std::chrono::milliseconds(options.interval_ms);
  }
  runtime::PhysicalPlan physical = plan(std::move(graph));
  caf::actor_system_config config;
  caf::actor_system system(config);
  auto started = runtime::Job::start(system, std::move(physical), job_options);
  if (!started) throw std::runtime_error("job: " + started.error().message);
  std::unique_ptr<runtime::Job> job = std::move(started).value();
  runtime::TaskMetrics& window = metrics_of(*job, "per_key");
  const runtime::CheckpointMetrics& ckpt = job->checkpoint_metrics();

  std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup_seconds));
  ThroughputRun run;
  const std::uint64_t records_0 = window.records_in.load();
  const double cpu_0 = process_cpu_seconds();
  const auto t0 = Clock::now();
  const auto t_end = t0 + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(options.seconds));
  std::uint64_t seen_id = ckpt.last_completed_id.load();
  while (Clock::now() < t_end) {
    std::this_thread::sleep_for(10ms);
    const std::uint64_t id = ckpt.last_completed_id.load();
    if (id != seen_id) {
      seen_id = id;
      run.durations_ms.push_back(static_cast<double>(ckpt.last_duration_us.load()) / 1000.0);
      run.last_size = ckpt.last_size_bytes.load();
    }
    if (job->wait_for(0ms)) break;  // must not happen: the source is unbounded
  }
  const auto t1 = Clock::now();
  const std::uint64_t records_1 = window.records_in.load();
  const double cpu_1 = process_cpu_seconds();
  if (job->wait_for(0ms)) {
    throw std::runtime_error(std::string("throughput job ended early: ") + job->wait().message);
  }
  end_job(job);
  job.reset();
  const double records = static_cast<double>(records_1 - records_0);
  run.rate = records / seconds_between(t0, t1);
  run.cpu_us_per_record = (cpu_1 - cpu_0) * 1e6 / records;
  if (checkpoints && run.durations_ms.empty()) {
    throw std::runtime_error("no checkpoint completed during the measured interval");
  }
  return run;
}

void part_throughput(const Options& options, const fs::path& root) {
  std::printf(
      "\n== t: throughput, checkpoints every %lld ms vs none ==\n"
      "datagen (unbounded) -> key_by k (%lld keys) -> window_aggregate (tumbling %lld ms "
      "event time, count + sum) -> discard; %.1f s measured after %.1f s warm-up; "
      "checkpoint directory on %s\n",
      static_cast<long long>(options.interval_ms), static_cast<long long>(options.keys),
      static_cast<long long>(options.window_ms), options.seconds, options.warmup_seconds,
      filesystem_type(root).c_str());
  std::vector<double> ratios, cpu_ratios;
  for (int r = 0; r < options.repeats; ++r) {
    ThroughputRun none, with;
    // ABBA: the order alternates, so a drift in the machine's load favours neither.
    if (r % 2 == 0) {
      none = run_throughput(options, false, root);
      with = run_throughput(options, true, root);
    } else {
      with = run_throughput(options, true, root);
      none = run_throughput(options, false, root);
    }
    const double ratio = with.rate / none.rate;
    ratios.push_back(ratio);
    cpu_ratios.push_back(with.cpu_us_per_record / none.cpu_us_per_record);
    std::printf(
        "pair %d (%s): none %8.0f records/s (CPU %.3f us/record) | checkpoints %8.0f "
        "records/s (CPU %.3f us/record), %zu completed, duration median %.1f ms max "
        "%.1f ms, size %.2f MB | ratio %.3f\n",
        r + 1, r % 2 == 0 ? "none first" : "checkpoints first", none.rate, none.cpu_us_per_record,
        with.rate, with.cpu_us_per_record, with.durations_ms.size(), median(with.durations_ms),
        *std::max_element(with.durations_ms.begin(), with.durations_ms.end()),
        static_cast<double>(with.last_size) / 1e6, ratio);
    std::fflush(stdout);
  }
  // Also the geometric mean (an order effect within pairs cancels exactly in it, since the
  // order alternates) and the median per order, to show such an effect if there is one.
  double log_sum = 0;
  std::vector<double> none_first, checkpoints_first;
  for (std::size_t i = 0; i < ratios.size(); ++i) {
    log_sum += std::log(ratios[i]);
    (i % 2 == 0 ? none_first : checkpoints_first).push_back(ratios[i]);
  }
  std::printf(
      "t result: median ratio (checkpoints / none) %.3f, range %.3f - %.3f, i.e. "
      "throughput loss %.1f%%; geometric mean %.3f; median by order: none first %.3f, "
      "checkpoints first %.3f; median CPU-per-record ratio %.3f\n",
      median(ratios), *std::min_element(ratios.begin(), ratios.end()),
      *std::max_element(ratios.begin(), ratios.end()), (1 - median(ratios)) * 100,
      std::exp(log_sum / static_cast<double>(ratios.size())), median(none_first),
      checkpoints_first.empty() ? 0.0 : median(checkpoints_first), median(cpu_ratios));
}

// ---- part s: checkpoint duration and size with 1 M keys ------------------------------------

// Keys in a checkpointed task state of window_aggregate (live windows, one per key here) or
// dedup (entries), through the operators' own readers of their state.
std::uint64_t keys_in_state(StateOperator op, runtime::StateReader& reader) {
  auto keys = op == StateOperator::Window
                  ? operators::WindowAggregateOperator::windows_in_checkpoint(reader)
                  : operators::dedup_keys_in_checkpoint(reader);
  if (!keys) throw std::runtime_error(keys.error().message);
  return *keys;
}

struct StateRun {
  std::vector<double> durations_ms;
  std::vector<double> sizes_mb;
  std::uint64_t keys = 0;   // in the last measured checkpoint
  double fill_seconds = 0;  // until every key was seen
  // In-process restore: Job::start until the stateful operator processed its first record,
  // starting from the store's newest checkpoint, and from an empty store (same run).
  double restore_first_record_s = 0;
  double restore_cpu_s = 0;  // process CPU over that interval (restore work, all threads)
  double empty_first_record_s = 0;
};

struct FirstRecordTime {
  double wall_s = 0;
  double cpu_s = 0;
};

// Job::start → first record into the stateful operator ("per_key"), with `store` (restore only,
// no new checkpoints). The supervisor restores every operator before any task starts.
FirstRecordTime time_to_first_record(caf::actor_system& system, const Options& options,
                                     StateOperator op,
                                     std::shared_ptr<runtime::CheckpointStore> store) {
  runtime::PhysicalPlan physical = plan(state_graph(options, op));
  runtime::JobOptions job_options;
  job_options.checkpoints = std::move(store);
  const double cpu_start = process_cpu_seconds();
  const auto start = Clock::now();
  auto started = runtime::Job::start(system, std::move(physical), job_options);
  if (!started) throw std::runtime_error("restore job: " + started.error().message);
  std::unique_ptr<runtime::Job> job = std::move(started).value();
  runtime::TaskMetrics& stateful = metrics_of(*job, "per_key");
  while (stateful.records_in.load() == 0) {
    if (job->wait_for(0ms)) throw std::runtime_error("restore job ended: " + job->wait().message);
    if (Clock::now() > start + 120s) throw std::runtime_error("restore job: no record in 120 s");
    std::this_thread::sleep_for(1ms);
  }
  const FirstRecordTime time{seconds_between(start, Clock::now()),
                             process_cpu_seconds() - cpu_start};
  end_job(job);
  return time;
}

StateRun run_state(const Options& options, StateOperator op, bool on_disk, const fs::path& root) {
  graphs::Graph graph = state_graph(options, op);
  std::optional<TempDir> dir;
  runtime::JobOptions job_options;
  if (on_disk) {
    dir.emplace(root, "rivulet-ckpt-bench");
    job_options.checkpoints = directory_store(dir->path(), graph);
  } else {
    job_options.checkpoints = std::make_shared<runtime::InMemoryCheckpointStore>(2);
  }
  job_options.checkpoint_interval = std::chrono::milliseconds(options.interval_ms);
  runtime::PhysicalPlan physical = plan(std::move(graph));
  caf::actor_system_config config;
  caf::actor_system system(config);
  const auto start = Clock::now();
  auto started = runtime::Job::start(system, std::move(physical), job_options);
  if (!started) throw std::runtime_error("job: " + started.error().message);
  std::unique_ptr<runtime::Job> job = std::move(started).value();
  runtime::TaskMetrics& stateful = metrics_of(*job, "per_key");
  const runtime::CheckpointMetrics& ckpt = job->checkpoint_metrics();
  StateRun run;
  const auto give_up = start + 120s;
  auto check_alive = [&] {
    if (job->wait_for(0ms)) {
      throw std::runtime_error(std::string("state job ended: ") + job->wait().message);
    }
    if (Clock::now() > give_up) throw std::runtime_error("state job: gave up after 120 s");
  };
  while (stateful.records_in.load() < static_cast<std::uint64_t>(options.state_keys)) {
    check_alive();
    std::this_thread::sleep_for(5ms);
  }
  run.fill_seconds = seconds_between(start, Clock::now());
  // Checkpoints begun from now on hold every key.
  const std::uint64_t full_from = ckpt.last_started_id.load() + 1;
  std::uint64_t seen = ckpt.last_completed_id.load();
  std::uint64_t last_measured = 0;
  while (static_cast<int>(run.durations_ms.size()) < options.state_checkpoints) {
    check_alive();
    std::this_thread::sleep_for(2ms);
    const std::uint64_t id = ckpt.last_completed_id.load();
    if (id == seen) continue;
    seen = id;
    if (id < full_from) continue;
    run.durations_ms.push_back(static_cast<double>(ckpt.last_duration_us.load()) / 1000.0);
    run.sizes_mb.push_back(static_cast<double>(ckpt.last_size_bytes.load()) / 1e6);
    last_measured = id;
  }
  end_job(job);
  // The key count of the newest complete checkpoint (the last measured one or a later one).
  auto latest = job_options.checkpoints->latest();
  if (!latest || !*latest) throw std::runtime_error("no complete checkpoint to read back");
  if ((*latest)->id() < last_measured) throw std::runtime_error("latest checkpoint is older");
  auto reader = (*latest)->reader("per_key#0");
  if (!reader) throw std::runtime_error(reader.error().message);
  // RocksDB dedup state records no count; window_aggregate's does on either backend.
  if (options.backend == graphs::StateBackend::Memory || op == StateOperator::Window) {
    run.keys = keys_in_state(op, **reader);
  }
  reader->reset();
  latest->reset();
  job.reset();
  const FirstRecordTime restored =
      time_to_first_record(system, options, op, job_options.checkpoints);
  run.restore_first_record_s = restored.wall_s;
  run.restore_cpu_s = restored.cpu_s;
  run.empty_first_record_s =
      time_to_first_record(system, options, op,
                           std::make_shared<runtime::InMemoryCheckpointStore>())
          .wall_s;
  return run;
}

void part_state(const Options& options, const fs::path& root) {
  std::printf(
      "\n== s: checkpoint duration and size with %lld keys (%s state backend) ==\n"
      "datagen (id = sequence, rate %s) -> map id %% %lld AS k -> key_by k -> "
      "window_aggregate (30-day tumbling, count + sum) | dedup (30-day horizon) -> "
      "discard; checkpoint every %lld ms; %d checkpoints measured after every key was "
      "seen; directory store on %s\n",
      static_cast<long long>(options.state_keys), backend_name(options),
      options.state_rate == 0 ? "unlimited" : std::to_string(options.state_rate).c_str(),
      static_cast<long long>(options.state_keys), static_cast<long long>(options.interval_ms),
      options.state_checkpoints, filesystem_type(root).c_str());
  for (StateOperator op : {StateOperator::Window, StateOperator::Dedup}) {
    for (bool on_disk : {true, false}) {
      if (!on_disk && options.backend == graphs::StateBackend::RocksDb) {
        std::printf("%-16s in-memory store: skipped (RocksDB snapshots are directories)\n",
                    name_of(op));
        continue;
      }
      const StateRun run = run_state(options, op, on_disk, root);
      const std::string keys = options.backend == graphs::StateBackend::Memory
                                   ? std::to_string(run.keys)
                                   : "(not counted: RocksDB state)";
      std::printf(
          "%-16s %-9s store: %s keys in the checkpoint (all seen after %.1f s); "
          "duration ms:",
          name_of(op), on_disk ? "directory" : "in-memory", keys.c_str(), run.fill_seconds);
      for (double d : run.durations_ms) std::printf(" %.0f", d);
      std::printf(" (median %.0f); size MB:", median(run.durations_ms));
      for (double s : run.sizes_mb) std::printf(" %.1f", s);
      std::printf(
          "; restore: Job::start -> first record into %s %.3f s, process CPU %.3f s "
          "(empty store: %.3f s)\n",
          name_of(op), run.restore_first_record_s, run.restore_cpu_s, run.empty_first_record_s);
      std::fflush(stdout);
    }
  }
}

// ---- part r: recovery after SIGKILL --------------------------------------------------------

struct RdKafka {
  rd_kafka_t* rk = nullptr;
  ~RdKafka() {
    if (rk != nullptr) {
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }
};

rd_kafka_t* new_consumer(const std::string& bootstrap) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", bootstrap},
           {"group.id", "checkpoint-bench"},
           {"enable.auto.commit", "false"},
           {"isolation.level", "read_committed"},
           // The mock parks an empty fetch for the whole wait (see kafka_end_to_end_bench).
           {"fetch.wait.max.ms", "10"}}) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(key + ": " + errstr);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == nullptr) throw std::runtime_error(errstr);
  return rk;
}

constexpr int kOutPartitions = 4;

std::vector<std::int64_t> end_offsets(rd_kafka_t* rk) {
  std::vector<std::int64_t> ends;
  for (int p = 0; p < kOutPartitions; ++p) {
    std::int64_t low = 0, high = 0;
    if (rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(rk, "out", p, &low, &high, 10000)) {
      throw std::runtime_error(std::string("watermarks of out: ") + rd_kafka_err2str(err));
    }
    ends.push_back(high);
  }
  return ends;
}

// Watches `out` from the given offsets: when the first record arrives, and its `id`.
class FirstRecord {
 public:
  FirstRecord(const std::string& bootstrap, const std::vector<std::int64_t>& from) {
    consumer_.rk = new_consumer(bootstrap);
    rd_kafka_poll_set_consumer(consumer_.rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kOutPartitions);
    for (int p = 0; p < kOutPartitions; ++p) {
      rd_kafka_topic_partition_list_add(list, "out", p)->offset = from[static_cast<std::size_t>(p)];
    }
    rd_kafka_assign(consumer_.rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    thread_ = std::thread([this] {
      while (!stop_.load() && !arrived_.load()) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.rk, 20);
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          at_ = Clock::now();
          value_.assign(static_cast<const char*>(m->payload), m->len);
          arrived_ = true;
        }
        rd_kafka_message_destroy(m);
      }
    });
  }
  ~FirstRecord() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Waits at most `timeout`; the arrival time, or nullopt.
  std::optional<Clock::time_point> wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!arrived_.load() && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
    if (!arrived_.load()) return std::nullopt;
    return at_;
  }
  // The record's "id" field (datagen's sequence number), -1 if none.
  long long id() const {
    const std::size_t at = value_.find("\"id\":");
    return at == std::string::npos ? -1 : std::atoll(value_.c_str() + at + 5);
  }

 private:
  RdKafka consumer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> arrived_{false};
  Clock::time_point at_;
  std::string value_;
};

// The newest complete checkpoint in `dir` (MANIFEST present) and the keys of dedup in it:
// every record id before the barrier is one key (no expiry within the run), so the keys are
// datagen's checkpointed position — for either backend. With the memory backend the dedup blob's
// own count is read as well, as a check.
struct CompleteOnDisk {
  std::uint64_t id = 0;
  std::uint64_t keys = 0;
  std::optional<std::uint64_t> blob_keys;  // memory backend
  std::uint64_t bytes = 0;                 // every file of the checkpoint
};

std::optional<CompleteOnDisk> newest_complete(const fs::path& dir, std::uint64_t after) {
  std::optional<CompleteOnDisk> best;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("chk-", 0) != 0) continue;
    const std::uint64_t id = std::strtoull(name.c_str() + 4, nullptr, 10);
    if (id <= after || (best && id <= best->id)) continue;
    if (!fs::exists(entry.path() / "MANIFEST", ec)) continue;
    // Task "gen#0", blob "position" (names escaped: runtime/checkpoint/names.hpp).
    std::ifstream position(entry.path() / "gen%230" / "position", std::ios::binary);
    std::uint64_t keys = 0;
    if (!position.read(reinterpret_cast<char*>(&keys), sizeof keys)) continue;  // retention raced
    std::optional<std::uint64_t> blob_keys;
    if (auto checkpoint = runtime::checkpoint::CheckpointReader::open(entry.path())) {
      auto keys_there = operators::dedup_keys_in_checkpoint((*checkpoint)->task("dedup#0"));
      if (keys_there) blob_keys = *keys_there;  // an error: RocksDB state, or retention raced
    }
    std::uint64_t bytes = 0;
    for (const auto& file : fs::recursive_directory_iterator(entry.path(), ec)) {
      if (file.is_regular_file(ec)) bytes += file.file_size(ec);
    }
    best = CompleteOnDisk{id, keys, blob_keys, bytes};
  }
  return best;
}

struct RecoveryRun {
  double cold_first_s = 0;       // fork → first record, empty checkpoint directory
  double cold_running_s = 0;     // fork → "rivulet: running" on stderr
  CompleteOnDisk killed_after;   // the checkpoint the restart restores
  double detect_to_kill_ms = 0;  // MANIFEST seen → SIGKILL sent
  double kill_to_first_s = 0;    // SIGKILL → first new record on `out` (the recovery time)
  double kill_to_running_s = 0;  // SIGKILL → restarted process printed "rivulet: running"
  double reaped_ms = 0;          // SIGKILL → the killed process reaped
  long long first_id_after = 0;  // datagen sequence number of that first record
};

std::vector<std::string> run_command(const std::string& graph_file, const std::string& bootstrap,
                                     const fs::path& checkpoint_dir, const Options& options) {
  return {RIVULET_CLI,
          "run",
          graph_file,
          "--bootstrap",
          bootstrap,
          "--checkpoint-dir",
          checkpoint_dir.string(),
          "--checkpoint-interval",
          std::to_string(options.interval_ms)};
}

RecoveryRun run_recovery(const Options& options, const std::string& bootstrap,
                         const std::string& graph_file, const fs::path& root) {
  TempDir dir(root, "rivulet-recovery-bench");
  const fs::path checkpoints = dir.path() / "checkpoints";
  fs::create_directories(checkpoints);
  const std::vector<std::string> command = run_command(graph_file, bootstrap, checkpoints, options);
  RdKafka offsets;
  offsets.rk = new_consumer(bootstrap);
  RecoveryRun run;

  // 1. Cold start (empty checkpoint directory) until a checkpoint holds enough keys.
  std::optional<FirstRecord> first_cold;
  first_cold.emplace(bootstrap, end_offsets(offsets.rk));
  auto cold = std::make_unique<ChildProcess>(command);
  const auto cold_first = first_cold->wait(60s);
  if (!cold_first) {
    throw std::runtime_error("cold start: no output within 60 s; stderr:\n" + cold->stderr_text());
  }
  first_cold.reset();
  run.cold_first_s = seconds_between(cold->started(), *cold_first);
  if (auto running = cold->line_time("rivulet: running")) {
    run.cold_running_s = seconds_between(cold->started(), *running);
  }
  const auto give_up = Clock::now() + 120s;
  std::uint64_t newest = 0;
  for (;;) {
    if (!cold->alive()) throw std::runtime_error("the job exited:\n" + cold->stderr_text());
    if (Clock::now() > give_up) throw std::runtime_error("no checkpoint with enough keys in 120 s");
    if (auto found = newest_complete(checkpoints, newest)) {
      newest = found->id;
      if (found->keys >= static_cast<std::uint64_t>(options.state_keys)) {
        run.killed_after = *found;
        break;
      }
    }
    std::this_thread::sleep_for(5ms);
  }
  const auto detected = Clock::now();

  // 2. SIGKILL, then the same command again: it restores from the newest complete checkpoint.
  const auto killed = Clock::now();
  cold->kill_now();
  run.detect_to_kill_ms = seconds_between(detected, killed) * 1000;
  run.reaped_ms = seconds_between(killed, Clock::now()) * 1000;
  cold.reset();
  FirstRecord first_after(bootstrap, end_offsets(offsets.rk));
  ChildProcess restarted(command);
  const auto after = first_after.wait(60s);
  if (!after) {
    throw std::runtime_error("restart: no output within 60 s; stderr:\n" + restarted.stderr_text());
  }
  run.kill_to_first_s = seconds_between(killed, *after);
  if (auto running = restarted.line_time("rivulet: running")) {
    run.kill_to_running_s = seconds_between(killed, *running);
  }
  run.first_id_after = first_after.id();
  restarted.kill_now();
  return run;
}

void part_recovery(const Options& options, const fs::path& root) {
  BrokerProcess broker(RIVULET_CLI, {"--topic", "out:" + std::to_string(kOutPartitions)});
  const std::string& bootstrap = broker.bootstrap_servers();
  TempDir graph_dir(root, "rivulet-recovery-graph");
  const std::string graph_file = (graph_dir.path() / "recovery.json").string();
  if (auto saved = graphs::save_graph(recovery_graph(options), graph_file); !saved) {
    throw std::runtime_error(saved.error().message);
  }
  std::printf(
      "\n== r: recovery from SIGKILL with >= %lld keys (%s state backend) ==\n"
      "`rivulet broker` (own process) at %s; job `rivulet run` (own process): datagen "
      "(id = sequence, %lld records/s) -> key_by id -> dedup (one key per record) -> "
      "kafka_sink %s to out; checkpoints every %lld ms into a directory on %s\n",
      static_cast<long long>(options.state_keys), backend_name(options), bootstrap.c_str(),
      static_cast<long long>(options.recovery_rate), kRecoveryDelivery.c_str(),
      static_cast<long long>(options.interval_ms), filesystem_type(root).c_str());
  std::vector<double> recoveries, colds, ratios;
  for (int r = 0; r < options.recovery_repeats; ++r) {
    const RecoveryRun run = run_recovery(options, bootstrap, graph_file, root);
    if (run.killed_after.blob_keys && *run.killed_after.blob_keys != run.killed_after.keys) {
      throw std::runtime_error("checkpoint " + std::to_string(run.killed_after.id) +
                               ": datagen position " + std::to_string(run.killed_after.keys) +
                               " but " + std::to_string(*run.killed_after.blob_keys) +
                               " keys in the dedup blob");
    }
    if (run.first_id_after < options.state_keys) {
      throw std::runtime_error("the restarted job's first record has id " +
                               std::to_string(run.first_id_after) +
                               ": it did not resume from the checkpoint");
    }
    std::printf(
        "run %d: cold start: first record %.3f s after fork (\"running\" at %.3f s) | "
        "killed %.0f ms after checkpoint %llu completed (%llu keys, %.1f MB), reaped in "
        "%.0f ms | restart: \"running\" %.3f s, first new record %.3f s after SIGKILL "
        "(its id %lld: resumed from the checkpoint) | ratio recovery / cold %.2f\n",
        r + 1, run.cold_first_s, run.cold_running_s, run.detect_to_kill_ms,
        static_cast<unsigned long long>(run.killed_after.id),
        static_cast<unsigned long long>(run.killed_after.keys),
        static_cast<double>(run.killed_after.bytes) / 1e6, run.reaped_ms, run.kill_to_running_s,
        run.kill_to_first_s, run.first_id_after, run.kill_to_first_s / run.cold_first_s);
    std::fflush(stdout);
    recoveries.push_back(run.kill_to_first_s);
    colds.push_back(run.cold_first_s);
    ratios.push_back(run.kill_to_first_s / run.cold_first_s);
  }
  std::printf(
      "r result: SIGKILL -> first new output record, median %.3f s (cold start with "
      "empty state, fork -> first record: median %.3f s; median ratio %.2f)\n",
      median(recoveries), median(colds), median(ratios));
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::runtime_error(flag + " needs a value");
    const char* value = argv[i + 1];
    if (flag == "--parts") {
      options.parts = value;
    } else if (flag == "--repeats") {
      options.repeats = std::atoi(value);
    } else if (flag == "--seconds") {
      options.seconds = std::atof(value);
    } else if (flag == "--warmup-seconds") {
      options.warmup_seconds = std::atof(value);
    } else if (flag == "--keys") {
      options.keys = std::atoll(value);
    } else if (flag == "--window-ms") {
      options.window_ms = std::atoll(value);
    } else if (flag == "--interval-ms") {
      options.interval_ms = std::atoll(value);
    } else if (flag == "--state-keys") {
      options.state_keys = std::atoll(value);
    } else if (flag == "--state-checkpoints") {
      options.state_checkpoints = std::atoi(value);
    } else if (flag == "--state-rate") {
      options.state_rate = std::atoll(value);
    } else if (flag == "--recovery-repeats") {
      options.recovery_repeats = std::atoi(value);
    } else if (flag == "--recovery-rate") {
      options.recovery_rate = std::atoll(value);
    } else if (flag == "--checkpoint-root") {
      options.checkpoint_root = value;
    } else if (flag == "--state-backend") {
      // The slot for the backend choice (see "the state-backend slot" above).
      const std::string backend = value;
      if (backend == "memory") {
        options.backend = graphs::StateBackend::Memory;
      } else if (backend == "rocksdb") {
        options.backend = graphs::StateBackend::RocksDb;
      } else {
        throw std::runtime_error("--state-backend: memory or rocksdb");
      }
    } else {
      throw std::runtime_error("unknown option " + flag);
    }
  }
  if (options.parts.find_first_not_of("tsr") != std::string::npos) {
    throw std::runtime_error("--parts: letters of \"tsr\"");
  }
  if (options.repeats < 1 || options.recovery_repeats < 1 || options.state_checkpoints < 1 ||
      options.keys < 1 || options.state_keys < 1 || options.interval_ms < 1) {
    throw std::runtime_error("counts must be positive");
  }
  return options;
}

int run(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const fs::path root = options.checkpoint_root.empty() ? fs::temp_directory_path()
                                                        : fs::path(options.checkpoint_root);
  std::printf(
      "checkpoint_bench: state backend %s (--state-backend), checkpoint root %s (%s), "
      "%u hardware threads\n",
      backend_name(options), root.c_str(), filesystem_type(root).c_str(),
      std::thread::hardware_concurrency());
  const auto started = Clock::now();
  if (options.has('t')) part_throughput(options, root);
  if (options.has('s')) part_state(options, root);
  if (options.has('r')) part_recovery(options, root);
  std::printf("\ntotal %.1f s\n", seconds_between(started, Clock::now()));
  return 0;
}

}  // namespace
}  // namespace rivulet::bench

int main(int argc, char** argv) {
  try {
    return rivulet::bench::run(argc, argv);
  } catch (const std::exception& error) {
    // RAII guards have run: child processes and the broker are gone, temp dirs removed.
    std::fprintf(stderr, "checkpoint_bench: %s\n", error.what());
    return 1;
  }
}
