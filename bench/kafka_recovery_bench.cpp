// Recovery of a Kafka-reading job after SIGKILL, in the fraud example's shape: kafka_source
// (8 partitions, parallelism 2, read_committed) → key_by → 1 s tumbling window → exactly-once
// kafka_sink, checkpoints every 500 ms, `rivulet broker` and `rivulet run` in their own
// processes (the pipeline of tests/runtime/cli/fault_test_support.hpp). Per source mode — by
// topic name (the runtime assigns the partitions), explicit partitions, and assignment = group —
// the job is started, killed with SIGKILL once a checkpoint completed, and started again with
// the same checkpoint directory; timed from the kill until the first new committed record on
// the output topic (what a read_committed consumer of the exactly-once output sees).
//
// Usage: kafka_recovery_bench [--kills 3] [--events 1000000] [--group-kills 1]
// Results and the command: docs/benchmarks.md ("Kafka source recovery").

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "tests/runtime/cli/fault_test_support.hpp"

namespace {

using namespace rivulet::runtime::faulttest;
namespace kafkatest = rivulet::runtime::kafkatest;

constexpr int kPartitions = 8;
constexpr int kCheckpointIntervalMs = 500;

// Offsets after the last committed record of every partition of `topic` seen so far:
// read_committed, from `from`, until the first record arrives (or the timeout).
std::optional<Clock::time_point> first_committed(const std::string& bootstrap,
                                                 const std::string& topic,
                                                 const std::vector<std::int64_t>& from,
                                                 std::chrono::seconds timeout) {
  ClientHandle consumer(new_client(RD_KAFKA_CONSUMER, bootstrap,
                                   {{"group.id", "recovery-bench-reader"},
                                    {"enable.auto.commit", "false"},
                                    {"isolation.level", "read_committed"},
                                    {"fetch.wait.max.ms", "10"}}));
  rd_kafka_poll_set_consumer(consumer.rk);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kPartitions);
  for (int p = 0; p < kPartitions; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = from[p];
  }
  rd_kafka_assign(consumer.rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  const auto deadline = Clock::now() + timeout;
  std::optional<Clock::time_point> at;
  while (!at && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.rk, 5);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) at = Clock::now();
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer.rk);
  return at;
}

std::vector<std::int64_t> ends(const std::string& bootstrap, const std::string& topic) {
  std::vector<std::int64_t> result;
  for (const auto& [low, high] : watermarks(bootstrap, topic, kPartitions)) result.push_back(high);
  return result;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Kill → first new committed output record, once per kill; the job runs between kills until a
// new checkpoint completed.
std::vector<double> measure(const std::string& mode, const LoadedBroker& broker, int kills,
                            const std::string& output) {
  TempDir dir("rivulet-recovery-bench");
  PipelineOptions options;
  options.name = "recovery-" + mode;
  options.input_partitions = kPartitions;
  options.output_topic = output;
  options.group_id = "recovery-bench-" + mode;
  options.transactional_id_prefix = "recovery-bench-" + mode;
  options.by_topic_name = mode != "explicit";
  if (mode == "group") {
    options.extra_source_parameters = string_param("assignment", "group");
  }
  write_file(dir / "job.json", pipeline_json(options));
  const auto argv =
      run_argv(dir / "job.json", broker.bootstrap, dir / "chk", kCheckpointIntervalMs);
  std::vector<double> recoveries;
  auto child = std::make_unique<ChildProcess>(argv);
  for (int k = 0; k < kills; ++k) {
    // Run until output is being committed and a checkpoint of this run exists.
    auto newest = [&] {
      const auto found = complete_checkpoints(dir / "chk");
      return found.empty() ? std::uint64_t{0} : found.rbegin()->first;
    };
    const std::uint64_t before = newest();
    const auto give_up = Clock::now() + 120s;
    while (newest() <= before && Clock::now() < give_up) {
      if (child->wait(20ms)) throw std::runtime_error(mode + ": the job ended before the kill");
    }
    const auto killed = Clock::now();
    child->signal(SIGKILL);
    (void)child->wait(30s);
    // After the kill: nothing the killed process wrote counts as new.
    const std::vector<std::int64_t> from = ends(broker.bootstrap, output);
    child = std::make_unique<ChildProcess>(argv);
    const auto first = first_committed(broker.bootstrap, output, from, 180s);
    if (!first) throw std::runtime_error(mode + ": no output within 180 s after the restart");
    recoveries.push_back(std::chrono::duration<double>(*first - killed).count());
    std::printf("%s kill %d: first new committed record %.3f s after SIGKILL\n", mode.c_str(),
                k + 1, recoveries.back());
    std::fflush(stdout);
  }
  return recoveries;
}

}  // namespace

int main(int argc, char** argv) {
  int kills = 3;
  int group_kills = 1;
  long events = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--kills") == 0) kills = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--group-kills") == 0) group_kills = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--events") == 0) events = std::atol(argv[i + 1]);
  }
  try {
    Workload workload;
    workload.events = events;
    workload.partitions = kPartitions;
    workload.per_ms = 1;
    const LoadedBroker broker =
        start_loaded_broker(workload, 1000, {"out_name", "out_explicit", "out_group"});
    std::printf(
        "kafka_recovery_bench: %ld events over %d partitions, parallelism 2, "
        "checkpoints every %d ms, exactly-once sink\n",
        events, kPartitions, kCheckpointIntervalMs);
    const std::vector<double> by_name = measure("name", broker, kills, "out_name");
    const std::vector<double> explicit_list = measure("explicit", broker, kills, "out_explicit");
    std::vector<double> group;
    if (group_kills > 0) group = measure("group", broker, group_kills, "out_group");
    std::printf(
        "result: SIGKILL -> first new committed output record, median: by topic name "
        "%.3f s, explicit partitions %.3f s (ratio %.2f)",
        median(by_name), median(explicit_list), median(by_name) / median(explicit_list));
    if (!group.empty()) std::printf(", assignment = group %.3f s", median(group));
    std::printf("\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kafka_recovery_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
