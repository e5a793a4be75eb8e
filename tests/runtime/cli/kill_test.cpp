// Exactly-once output across SIGKILLs of `rivulet run`: the broker runs in its own process
// (`rivulet broker`), a bounded Kafka → key_by → 1 s tumbling count/sum → Kafka job runs once
// uninterrupted (topic out_a) and once killed with SIGKILL at random moments at least
// kMinKills times, restarted from the same checkpoint directory each time, then run to
// completion (topic out_b). Both outputs, read with isolation.level=read_committed, must equal
// the results computed directly from the generated input, as multisets: nothing lost, nothing
// duplicated. Every thousandth event is malformed: its dead letter (a kafka_sink like any other)
// must appear exactly once too. Once with each keyed state backend.
//
// The kill moments come from a seeded RNG (kSeed, or RIVULET_KILL_TEST_SEED), drawn between
// 0.3 s and a bound scaled to how long the uninterrupted run took, so the kills land while the
// job is working on any machine. The delivery mode is faulttest::kDelivery: with
// at_least_once this test fails (duplicates), which shows it can.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>

#include "fault_test_support.hpp"

namespace rivulet::runtime {
namespace {

using namespace faulttest;

// 1 000 s of event time: 1 000 users, one event per user and 1 s window, so every event is its
// own result (1 000 000 results: the window operator's and the sink's slowest case, which keeps
// the job busy long enough for kills between 0.3 s and a quarter of its run time (at most 6 s)
// to land while it writes output).
constexpr long kEvents = 1000000;
constexpr long kEventsPerMs = 1;
constexpr int kPartitions = 16;
constexpr int kMinKills = 5;
constexpr int kCheckpointIntervalMs = 200;
constexpr std::uint32_t kSeed = 20261125;
// Every n-th event is malformed: its dead letter must reach the dead-letter topic exactly once.
constexpr long kMalformedEvery = 1000;

std::uint32_t seed() {
  if (const char* text = std::getenv("RIVULET_KILL_TEST_SEED")) {
    return static_cast<std::uint32_t>(std::strtoul(text, nullptr, 10));
  }
  return kSeed;
}

// The whole test for one keyed state backend ("memory" or "rocksdb", the graph's
// runtime.stateBackend); `by_topic_name`: the source names only its topic (the runtime assigns
// the partitions) instead of listing them.
void kill_and_compare(const std::string& state_backend, bool by_topic_name = false) {
  TempDir dir("rivulet-kill-test");
  Workload workload;
  workload.events = kEvents;
  workload.partitions = kPartitions;
  workload.per_ms = kEventsPerMs;
  workload.malformed_every = kMalformedEvery;
  const LoadedBroker broker =
      start_loaded_broker(workload, 1000, {"out_a", "out_b", "dead_a", "dead_b"});
  const std::string& bootstrap = broker.bootstrap;
  const RowCounts& expected = broker.expected;

  PipelineOptions options;
  options.input_partitions = kPartitions;
  options.window_ms = 1000;
  options.runtime_json = R"({"stateBackend": ")" + state_backend + R"("})";
  options.by_topic_name = by_topic_name;

  // A: uninterrupted.
  options.name = "kill-test-a";
  options.output_topic = "out_a";
  options.dead_letter_topic = "dead_a";
  options.group_id = "kill-test-a-" + state_backend;
  options.transactional_id_prefix = "kill-test-a-" + state_backend;
  write_file(dir / "a.json", pipeline_json(options));
  const RunResult a =
      run_to_end(run_argv(dir / "a.json", bootstrap, dir / "chk-a", kCheckpointIntervalMs));
  ASSERT_EQ(a.exit_code, std::optional<int>(0)) << a.err;
  std::cout << "uninterrupted run: " << a.seconds << " s" << std::endl;

  // B: killed at random moments, restarted from the same checkpoint directory.
  options.name = "kill-test-b";
  options.output_topic = "out_b";
  options.dead_letter_topic = "dead_b";
  options.group_id = "kill-test-b-" + state_backend;
  options.transactional_id_prefix = "kill-test-b-" + state_backend;
  write_file(dir / "b.json", pipeline_json(options));
  const auto argv_b = run_argv(dir / "b.json", bootstrap, dir / "chk-b", kCheckpointIntervalMs);
  // By topic name, a member of run B's group holds every partition throughout: if any restarted
  // source joined the group instead of being assigned its partitions, the group would rebalance
  // and hand the watcher a new assignment.
  std::unique_ptr<GroupWatcher> watcher;
  if (by_topic_name) {
    watcher = std::make_unique<GroupWatcher>(bootstrap, options.group_id, "in");
    ASSERT_TRUE(watcher->wait_for_assignment(60s)) << "the watcher never joined its group";
  }
  const double max_delay = std::clamp(a.seconds / 4, 0.6, 6.0);
  std::mt19937 rng(seed());
  std::uniform_real_distribution<double> delay_s(0.3, max_delay);
  int kills = 0;
  bool finished_before_kill = false;
  for (int attempt = 0; kills < kMinKills && attempt < 3 * kMinKills; ++attempt) {
    const double delay = delay_s(rng);
    ChildProcess child(argv_b);
    // wait() drains the child's pipes while it runs; nullopt means it is still running.
    if (auto code = child.wait(std::chrono::milliseconds(static_cast<long>(delay * 1000)))) {
      ASSERT_EQ(*code, 0) << "attempt " << attempt << ": " << child.err();
      finished_before_kill = true;
      break;
    }
    child.signal(SIGKILL);
    auto code = child.wait(30s);
    ASSERT_TRUE(code.has_value()) << "not reaped after SIGKILL";
    // It may have exited 0 on its own just before the signal landed.
    if (*code == 0) {
      finished_before_kill = true;
      break;
    }
    ASSERT_EQ(*code, 128 + SIGKILL) << child.err();
    ++kills;
    const auto checkpoints = complete_checkpoints(dir / "chk-b");
    std::cout << "kill " << kills << " after " << delay << " s; newest complete checkpoint: "
              << (checkpoints.empty() ? std::string("none")
                                      : std::to_string(checkpoints.rbegin()->first))
              << "; out_b offsets: " << offsets_total(bootstrap, "out_b", kPartitions) << std::endl;
  }
  if (!finished_before_kill) {
    const RunResult last = run_to_end(argv_b);
    ASSERT_EQ(last.exit_code, std::optional<int>(0)) << last.err;
    std::cout << "final run after " << kills << " kills: " << last.seconds << " s" << std::endl;
  }
  if (watcher) {
    EXPECT_EQ(watcher->assignments(), 1) << "the group rebalanced: a source joined it";
    EXPECT_EQ(watcher->partitions(), kPartitions);
  }
  EXPECT_GE(kills, kMinKills) << "the job finished before it was killed " << kMinKills
                              << " times (seed " << seed() << ", delays up to " << max_delay
                              << " s): give it more input";

  const TopicContents out_a = read_committed_to_end(bootstrap, "out_a", kPartitions);
  const TopicContents out_b = read_committed_to_end(bootstrap, "out_b", kPartitions);
  EXPECT_EQ(out_a.problem, "");
  EXPECT_EQ(out_b.problem, "");
  const ParsedRows rows_a = parse_rows(out_a.values);
  const ParsedRows rows_b = parse_rows(out_b.values);
  EXPECT_EQ(rows_a.bad, 0) << "e.g. " << rows_a.bad_example;
  EXPECT_EQ(rows_b.bad, 0) << "e.g. " << rows_b.bad_example;
  std::cout << "expected " << total(expected) << " rows; out_a " << rows_a.total << ", out_b "
            << rows_b.total << " (seed " << seed() << ", delivery " << kDelivery << ", "
            << state_backend << " state backend)" << std::endl;
  const std::string a_vs_input =
      compare_rows(expected, rows_a.rows, "uninterrupted run (out_a) vs the input");
  EXPECT_TRUE(a_vs_input.empty()) << a_vs_input;
  const std::string b_vs_a = compare_rows(rows_a.rows, rows_b.rows, "killed run (out_b) vs out_a");
  EXPECT_TRUE(b_vs_a.empty()) << b_vs_a;
  const std::string b_vs_input =
      compare_rows(expected, rows_b.rows, "killed run (out_b) vs the input");
  EXPECT_TRUE(b_vs_input.empty()) << b_vs_input;

  // Dead letters are a sink like any other: each malformed event once, in both runs.
  const TopicContents dead_a = read_committed_to_end(bootstrap, "dead_a", kPartitions);
  const TopicContents dead_b = read_committed_to_end(bootstrap, "dead_b", kPartitions);
  EXPECT_EQ(dead_a.problem, "");
  EXPECT_EQ(dead_b.problem, "");
  std::multiset<std::string> letters_a(dead_a.values.begin(), dead_a.values.end());
  std::multiset<std::string> letters_b(dead_b.values.begin(), dead_b.values.end());
  EXPECT_EQ(letters_a.size(), static_cast<std::size_t>(workload.malformed_count()));
  EXPECT_EQ(std::set<std::string>(letters_b.begin(), letters_b.end()).size(), letters_b.size())
      << "a dead letter was written twice";
  EXPECT_TRUE(letters_a == letters_b) << "dead letters: " << letters_a.size() << " uninterrupted, "
                                      << letters_b.size() << " killed";
}

TEST(KillTest, SigkillAtRandomMomentsLosesAndDuplicatesNothing) { kill_and_compare("memory"); }

// The same reading by topic name: the partitions come from the runtime, and no restart joins the
// consumer group (which would wait for the killed members' sessions to time out).
TEST(KillTest, SigkillReadingByTopicNameNeverJoinsTheGroup) {
  kill_and_compare("memory", /*by_topic_name=*/true);
}

// The same with the windows' state in RocksDB (snapshots are RocksDB checkpoints in the
// checkpoint directory, restored into a fresh database after each kill).
TEST(KillTest, SigkillWithTheRocksDbStateBackendLosesAndDuplicatesNothing) {
  kill_and_compare("rocksdb");
}

}  // namespace
}  // namespace rivulet::runtime
