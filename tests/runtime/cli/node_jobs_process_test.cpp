// `rivulet node` as its own process against a `rivulet broker` process, driven by the `rivulet`
// job commands over loopback, with outputs read back by an independent read_committed consumer:
//
// - Three jobs side by side on one node. A runs the bounded Kafka → key_by → window → Kafka
//   pipeline uninterrupted. B runs the same pipeline, is stopped with a savepoint mid-run and
//   redeployed from it as an EDITED graph (its Kafka source and key_by rescaled from 2 to 4
//   instances, node ids kept). C fails (the fail_once test plugin, no restart strategy). While C
//   fails, A keeps running and its records keep growing; A's and B's outputs both equal the results
//   computed from the input, exactly (nothing lost, nothing twice).
// - A node with a token on loopback refuses a wrong and a missing token (and logs the peer).
// - A deploy with every kind of problem answers every problem, each naming node and field.
//
// Every process is reaped by its destructor, the temporary directory removed, even on failure.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fault_test_support.hpp"
#include "tests/runtime/free_port.hpp"

namespace rivulet::runtime {
namespace {

using namespace faulttest;
using processtest::Outcome;
using processtest::run_rivulet;

constexpr long kEvents = 1000000;
constexpr int kPartitions = 8;
constexpr std::int64_t kWindowMs = 1000;

int free_port() { return ::rivulet::test::free_loopback_port(); }

class NodeJobsProcessTest : public ::testing::Test {
 protected:
  // `rivulet node` on a free loopback port; extra flags appended. Waits until it answers.
  void start_node(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{RIVULET_CLI, "node",  "--data-dir", (dir_ / "data").string(),
                                  "--listen",  address_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    node_ = std::make_unique<ChildProcess>(argv);
    for (int attempt = 0; attempt < 200; ++attempt) {
      const Outcome jobs = command({"jobs"});
      if (jobs.exit_code == 0 || jobs.err.find("token") != std::string::npos) return;
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "the node did not answer on " << address_;
  }

  Outcome command(std::vector<std::string> args) {
    args.push_back("--node");
    args.push_back(address_);
    args.insert(args.end(), token_args_.begin(), token_args_.end());
    return run_rivulet(args);
  }

  // The state column of `rivulet jobs` for `job`, "" if it is not listed.
  std::string state_of(const std::string& job) {
    const Outcome jobs = command({"jobs", "--json"});
    const std::size_t at = jobs.out.find("\"id\":\"" + job + "\"");
    if (at == std::string::npos) return "";
    const std::size_t state = jobs.out.find("\"state\":\"", at);
    if (state == std::string::npos) return "";
    const std::size_t begin = state + 9;
    return jobs.out.substr(begin, jobs.out.find('"', begin) - begin);
  }

  bool reaches(const std::string& job, const std::string& state,
               std::chrono::seconds timeout = 180s) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (state_of(job) == state) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // The source node "events" of `job` in `top --once --json` (rates over one second): its
  // records out per second and its Kafka lag; nullopt if the job is not shown.
  struct SourceRow {
    double records_per_second = 0;
    std::int64_t kafka_lag = 0;
  };
  std::optional<SourceRow> source_row(const std::string& job) {
    const Outcome top = command({"top", job, "--once", "--json"});
    const std::size_t at = top.out.find("\"operator\":\"events\"");
    if (top.exit_code != 0 || at == std::string::npos) return std::nullopt;
    const std::string row = top.out.substr(at, top.out.find('}', at) - at);
    const std::size_t rate = row.find("\"recordsOutPerSecond\":");
    const auto lag = json_int(row, "kafkaLag");
    if (rate == std::string::npos || !lag) return std::nullopt;
    return SourceRow{std::stod(row.substr(rate + 22)), *lag};
  }

  std::string deploy(const fs::path& graph, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"deploy", graph.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const Outcome deployed = command(args);
    EXPECT_EQ(deployed.exit_code, 0) << deployed.err;
    std::string id = deployed.out;
    while (!id.empty() && id.back() == '\n') id.pop_back();
    return id;
  }

  TempDir dir_{"rivulet-node-jobs-test"};
  std::string address_ = "127.0.0.1:" + std::to_string(free_port());
  std::vector<std::string> token_args_;
  std::unique_ptr<ChildProcess> node_;
};

TEST_F(NodeJobsProcessTest, EditedRedeployFromASavepointIsExactWhileAFailingJobDisturbsNoOther) {
  Workload workload;
  workload.events = kEvents;
  workload.partitions = kPartitions;
  workload.per_ms = 1;  // one result per event: the sink is the bottleneck, sources wait
  const LoadedBroker broker = start_loaded_broker(workload, kWindowMs, {"out_a", "out_b", "out_c"});
  fs::create_directories(dir_ / "plugins");
  fs::copy_file(RIVULET_FAIL_ONCE_PLUGIN, dir_ / "plugins" / "rivulet_fail_once.so");
  start_node({"--bootstrap", broker.bootstrap, "--plugin-dir", (dir_ / "plugins").string()});

  PipelineOptions options;
  options.input_partitions = kPartitions;
  options.window_ms = kWindowMs;
  options.runtime_json = R"({"checkpointIntervalMs": 200})";
  auto graph_for = [&](const std::string& run) {
    options.name = "node-jobs-" + run;
    options.output_topic = "out_" + run;
    options.group_id = "node-jobs-" + run;
    options.transactional_id_prefix = "node-jobs-" + run;
    return pipeline_json(options);
  };
  write_file(dir_ / "a.json", graph_for("a"));
  write_file(dir_ / "b.json", graph_for("b"));
  // B's edit: the Kafka source (whose state is per partition) and the key_by after it rescaled
  // from 2 to 4 instances, every node id kept (a stateful window's parallelism cannot change
  // across a savepoint yet: docs/fault-tolerance.md).
  std::string edited = graph_for("b");
  for (const std::string node : {R"("id": "events", "kind": "kafka_source", "parallelism": )",
                                 R"("id": "by_user", "kind": "key_by", "parallelism": )"}) {
    const std::size_t at = edited.find(node + "2");
    ASSERT_NE(at, std::string::npos) << node;
    edited.replace(at, node.size() + 1, node + "4");
  }
  write_file(dir_ / "b-edited.json", edited);
  // C: a pass-through that throws at its 50th record; no restart strategy, so the job fails.
  options.pass_through_kind = "fail_once";
  options.pass_through_parameters = R"({"name": "fail_at", "value": {"intValue": "50"}})";
  options.runtime_json = "";
  write_file(dir_ / "c.json", graph_for("c"));

  // C fails while A runs: A stays running, behind the end of its input (its Kafka lag in
  // `top`), and finishes later with its whole output.
  const std::string a = deploy(dir_ / "a.json", {"--name", "a"});
  ASSERT_FALSE(a.empty());
  const std::string c = deploy(dir_ / "c.json", {"--name", "c"});
  ASSERT_FALSE(c.empty());
  const auto deadline = Clock::now() + 120s;
  // While A reads, `top` shows its source's Kafka lag (records left in its partitions).
  std::int64_t lag_seen = 0;
  for (int attempt = 0; attempt < 10 && lag_seen == 0 && state_of(a) == "running"; ++attempt) {
    if (const auto row = source_row(a)) lag_seen = row->kafka_lag;
  }
  std::cout << "A's source lag in top: " << lag_seen << std::endl;
  EXPECT_GT(lag_seen, 0);
  ASSERT_TRUE(reaches(c, "failed"));
  const std::int64_t a_written = offsets_total(broker.bootstrap, "out_a", kPartitions);
  const std::string a_state = state_of(a);
  std::cout << "A is " << a_state << " with " << a_written << " results written once C failed"
            << std::endl;
  EXPECT_EQ(a_state, "running") << "A keeps running beside the failed C";
  EXPECT_LT(a_written, total(broker.expected)) << "A was mid-run when C failed";
  const Outcome c_status = command({"status", c});
  EXPECT_NE(c_status.out.find("injected failure"), std::string::npos) << c_status.out;
  // A savepoint of the running A: it keeps running, and (no side effects) its output below
  // stays exact.
  const Outcome a_savepoint = command({"savepoint", a, "--json"});
  ASSERT_EQ(a_savepoint.exit_code, 0) << a_savepoint.err;
  const auto a_savepoint_dir = json_string(a_savepoint.out, "savepoint");
  ASSERT_TRUE(a_savepoint_dir && fs::exists(fs::path(*a_savepoint_dir) / "MANIFEST"))
      << a_savepoint.out;
  EXPECT_EQ(state_of(a), "running");

  const std::string b = deploy(dir_ / "b.json", {"--name", "b"});
  ASSERT_FALSE(b.empty());

  // B stops with a savepoint once some of its output is committed (mid-run).
  while (offsets_total(broker.bootstrap, "out_b", kPartitions) == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  const Outcome stopped = command({"stop", b, "--json"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  const auto savepoint = json_string(stopped.out, "savepoint");
  ASSERT_TRUE(savepoint && fs::exists(fs::path(*savepoint) / "MANIFEST")) << stopped.out;
  EXPECT_TRUE(reaches(b, "finished"));
  // Mid-run for sure: what B committed before its savepoint is only part of the results.
  const long b_before = static_cast<long>(
      read_committed_to_end(broker.bootstrap, "out_b", kPartitions).values.size());
  std::cout << "B committed " << b_before << " of " << total(broker.expected)
            << " results before its savepoint " << *savepoint << std::endl;
  EXPECT_GT(b_before, 0);
  EXPECT_LT(b_before, total(broker.expected));

  // B': the edited graph from B's savepoint.
  const std::string b2 =
      deploy(dir_ / "b-edited.json", {"--name", "b-edited", "--from-savepoint", *savepoint});
  ASSERT_FALSE(b2.empty());
  ASSERT_TRUE(reaches(a, "finished"));
  ASSERT_TRUE(reaches(b2, "finished"));
  // Its whole input read, A's source shows no lag.
  const auto a_end = source_row(a);
  ASSERT_TRUE(a_end.has_value());
  EXPECT_EQ(a_end->kafka_lag, 0);
  const Outcome a_status = command({"status", a});
  EXPECT_NE(a_status.out.find("restarts:   0"), std::string::npos) << a_status.out;
  // Its checkpoint history: the savepoint among completed checkpoints.
  const Outcome a_json = command({"status", a, "--json"});
  EXPECT_NE(a_json.out.find(R"("savepoint":true,"status":"completed")"), std::string::npos)
      << a_json.out;
  EXPECT_NE(a_json.out.find(R"("savepoint":false,"status":"completed")"), std::string::npos)
      << a_json.out;
  EXPECT_EQ(state_of(b2), "finished");

  for (const std::string topic : {"out_a", "out_b"}) {
    const TopicContents contents = read_committed_to_end(broker.bootstrap, topic, kPartitions);
    EXPECT_EQ(contents.problem, "") << topic;
    const ParsedRows parsed = parse_rows(contents.values);
    EXPECT_EQ(parsed.bad, 0) << parsed.bad_example;
    EXPECT_EQ(compare_rows(broker.expected, parsed.rows, topic), "");
  }
}

TEST_F(NodeJobsProcessTest, ATokenProtectedNodeRefusesWrongAndMissingTokens) {
  const fs::path token = dir_ / "token";
  write_file(token, "the-right-token\n");
  ::chmod(token.c_str(), 0600);
  const fs::path wrong = dir_ / "wrong";
  write_file(wrong, "a-wrong-token\n");
  ::chmod(wrong.c_str(), 0600);
  start_node({"--token-file", token.string()});

  const Outcome missing = command({"jobs"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("requires a token"), std::string::npos) << missing.err;
  token_args_ = {"--token-file", wrong.string()};
  const Outcome refused = command({"jobs"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("wrong token"), std::string::npos) << refused.err;
  token_args_ = {"--token-file", token.string()};
  const Outcome accepted = command({"jobs"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;

  node_->signal(SIGTERM);
  ASSERT_TRUE(node_->wait(60s).has_value());
  // Every refusal is logged with the peer's address.
  EXPECT_NE(node_->err().find("refused a login from 127.0.0.1"), std::string::npos) << node_->err();
}

TEST_F(NodeJobsProcessTest, ADeployWithEveryKindOfProblemAnswersEveryProblem) {
  start_node();
  // An unknown kind, a value below its minimum, a missing required parameter, an unknown key
  // field, an edge to a port that does not exist, and an override naming no node.
  write_file(dir_ / "bad.json", R"({"formatVersion": 1, "name": "bad", "nodes": [
    {"id": "gen", "kind": "datagen", "parameters": [
      {"name": "schema", "value": {"schema": [{"name": "id", "type": "int64"}]}},
      {"name": "fields", "value": {"stringList": ["id=sequence"]}},
      {"name": "count", "value": {"intValue": "-5"}}]},
    {"id": "keys", "kind": "key_by", "parameters": [
      {"name": "keys", "value": {"stringList": ["no_such_field"]}}]},
    {"id": "mystery", "kind": "no_such_operator"},
    {"id": "out", "kind": "file_sink"}
  ], "edges": [
    {"from": {"node": "gen", "port": "out"}, "to": {"node": "keys", "port": "in"}},
    {"from": {"node": "keys", "port": "out"}, "to": {"node": "out", "port": "no_such_port"}}
  ]})");
  const Outcome refused = command({"deploy", (dir_ / "bad.json").string(), "--json"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.out.find("\"job\":null"), std::string::npos) << refused.out;
  for (const std::string& expected :
       {std::string(R"("node":"gen","edge":null,"field":"parameters.count")"),
        std::string(R"("node":"keys")"), std::string(R"("node":"mystery")"),
        std::string(R"("node":"out","edge":null,"field":"parameters.path")"),
        std::string("no_such_port")}) {
    EXPECT_NE(refused.out.find(expected), std::string::npos) << expected << "\n" << refused.out;
  }
  const Outcome override =
      command({"deploy", (dir_ / "bad.json").string(), "--set", "nobody.count=1", "--json"});
  EXPECT_NE(override.exit_code, 0);
  EXPECT_NE(override.out.find("nobody"), std::string::npos) << override.out;
  EXPECT_EQ(command({"jobs"}).out.find("bad"), std::string::npos) << "nothing was deployed";
}

}  // namespace
}  // namespace rivulet::runtime
