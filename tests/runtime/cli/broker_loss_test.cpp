// `rivulet run` of a job whose broker is lost mid-run (issue 11, point 2): before, the sink
// retried rd_kafka_commit_transaction forever on a blocked task and SIGINT / SIGTERM were
// ignored until SIGKILL, and a broker that came back empty silently sent the source back to
// offset 0. Now a second Ctrl-C cancels, a task that does not let go within seconds no longer
// holds the process, a lost broker fails the job on its own within broker_timeout (30 s by
// default) naming the cause, and a broker that comes back without the data fails the source
// naming topic, partition and offsets. The broker is a `rivulet broker` process, stopped or
// SIGKILLed while checkpoints are being taken. The waits only keep a broken build from hanging;
// the assertions are that the process ends, and how.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "../free_port.hpp"
#include "fault_test_support.hpp"

namespace rivulet::runtime {
namespace {

using namespace faulttest;
using namespace std::chrono_literals;
using processtest::ChildProcess;

TEST(BrokerLossTest, ASecondCtrlCEndsAnExactlyOnceJobWhoseBrokerIsGone) {
  TempDir dir("rivulet-broker-loss-test");
  Workload workload;
  workload.events = 400000;  // more than the job reads before the broker goes
  workload.partitions = 4;
  LoadedBroker broker = start_loaded_broker(workload, 1000, {"out"});

  PipelineOptions options;
  options.name = "broker-loss";
  options.input_partitions = workload.partitions;
  options.group_id = "broker-loss-test";
  options.transactional_id_prefix = "broker-loss-test";
  write_file(dir / "graph.json", pipeline_json(options));
  ChildProcess child(run_argv(dir / "graph.json", broker.bootstrap, dir / "chk", 200));

  // Running, with a checkpoint completed (the sink has committed a transaction).
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (complete_checkpoints(dir / "chk").empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "no checkpoint completed";
    ASSERT_FALSE(child.wait(100ms).has_value()) << "ended early: " << child.err();
  }
  broker.process->stop();  // the broker is lost
  ASSERT_FALSE(child.wait(1s).has_value()) << child.err();

  child.signal(SIGINT);  // drain: cannot finish without the broker
  ASSERT_FALSE(child.wait(1s).has_value()) << child.err();
  child.signal(SIGINT);  // cancel
  const auto code = child.wait(60s);
  ASSERT_TRUE(code.has_value()) << "still running 60 s after the second Ctrl-C: " << child.err();
  EXPECT_NE(*code, 0) << child.err();
  std::cout << "exit code " << *code << "; stderr:\n" << child.err() << std::endl;
}

// Without any Ctrl-C: the sink's transaction commit is bounded by its transaction_timeout, so
// a lost broker fails the job on its own, naming the cause (no restart strategy here).
TEST(BrokerLossTest, ALostBrokerFailsAnExactlyOnceJobWithinTheTransactionTimeout) {
  TempDir dir("rivulet-broker-loss-test");
  Workload workload;
  workload.events = 400000;
  workload.partitions = 4;
  LoadedBroker broker = start_loaded_broker(workload, 1000, {"out"});

  PipelineOptions options;
  options.name = "broker-loss-bounded";
  options.input_partitions = workload.partitions;
  options.group_id = "broker-loss-bounded-test";
  options.transactional_id_prefix = "broker-loss-bounded-test";
  std::string graph = pipeline_json(options);
  const std::string anchor = R"({"name": "transactional_id_prefix")";
  const std::size_t at = graph.find(anchor);
  ASSERT_NE(at, std::string::npos);
  graph.insert(at, R"({"name": "transaction_timeout", "value": {"durationMs": "4000"}}, )");
  write_file(dir / "graph.json", graph);
  ChildProcess child(run_argv(dir / "graph.json", broker.bootstrap, dir / "chk", 200));

  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (complete_checkpoints(dir / "chk").empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "no checkpoint completed";
    ASSERT_FALSE(child.wait(100ms).has_value()) << "ended early: " << child.err();
  }
  broker.process->stop();
  const auto code = child.wait(120s);
  ASSERT_TRUE(code.has_value()) << "still running 120 s after the broker was lost: " << child.err();
  EXPECT_EQ(*code, 1) << child.err();
  EXPECT_NE(child.err().find("rivulet: error: job failed"), std::string::npos) << child.err();
  std::cout << "stderr:\n" << child.err() << std::endl;
}

// Seconds since `start`, for the report (nothing is asserted on it).
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The same without setting anything: broker_timeout (30 s), not the 15-minute transaction
// timeout, bounds how long the sink waits for a lost cluster.
TEST(BrokerLossTest, ALostBrokerFailsAnExactlyOnceJobWithinTheDefaultBrokerTimeout) {
  TempDir dir("rivulet-broker-loss-test");
  Workload workload;
  workload.events = 400000;
  workload.partitions = 4;
  LoadedBroker broker = start_loaded_broker(workload, 1000, {"out"});

  PipelineOptions options;
  options.name = "broker-loss-default";
  options.input_partitions = workload.partitions;
  options.group_id = "broker-loss-default-test";
  options.transactional_id_prefix = "broker-loss-default-test";
  write_file(dir / "graph.json", pipeline_json(options));
  ChildProcess child(run_argv(dir / "graph.json", broker.bootstrap, dir / "chk", 200));

  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (complete_checkpoints(dir / "chk").empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "no checkpoint completed";
    ASSERT_FALSE(child.wait(100ms).has_value()) << "ended early: " << child.err();
  }
  broker.process->kill();
  const auto lost = Clock::now();
  const auto code = child.wait(150s);
  ASSERT_TRUE(code.has_value()) << "still running 150 s after the broker was lost: " << child.err();
  EXPECT_EQ(*code, 1) << child.err();
  EXPECT_NE(child.err().find("rivulet: error: job failed"), std::string::npos) << child.err();
  // The cause names the bound that ran out: the sink's or the source's broker_timeout.
  EXPECT_NE(child.err().find("broker_timeout"), std::string::npos) << child.err();
  std::cout << "failed " << seconds_since(lost) << " s after the broker was lost; stderr:\n"
            << child.err() << std::endl;
}

// kafka_source → file_sink: only the source talks to Kafka, so its own bound must end the job.
std::string source_to_file_json(const std::string& name, int partitions,
                                const std::string& extra_source_parameters) {
  std::vector<std::string> listed;
  for (int p = 0; p < partitions; ++p) listed.push_back("in:" + std::to_string(p));
  return R"({"formatVersion": 1, "name": ")" + name +
         R"(", "nodes": [{"id": "events", "kind": "kafka_source", "parameters": [)" +
         list_param("topics", {"in"}) + ", " + list_param("partitions", listed) + ", " +
         string_param("group_id", name) + ", " + string_param("start_from", "earliest") + ", " +
         string_param("format", "json") + ", " + extra_source_parameters +
         R"({"name": "schema", "value": {"schema": [)"
         R"({"name": "user", "type": "string"}, {"name": "amount", "type": "int64"},)"
         R"( {"name": "ts", "type": "timestamp"}]}}]},)"
         R"( {"id": "out", "kind": "file_sink", "parameters": [)" +
         string_param("path", "out.jsonl") +
         R"(]}], "edges": [{"from": {"node": "events", "port": "out"},)"
         R"( "to": {"node": "out", "port": "in"}}]})"
         "\n";
}

std::size_t lines_in(const fs::path& file) {
  std::ifstream in(file);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

TEST(BrokerLossTest, ALostBrokerFailsAKafkaSourceWithinItsBrokerTimeout) {
  TempDir dir("rivulet-broker-loss-test");
  Workload workload;
  workload.events = 20000;
  workload.partitions = 2;
  LoadedBroker broker = start_loaded_broker(workload, 1000, {});
  write_file(
      dir / "graph.json",
      source_to_file_json("source-broker-loss", workload.partitions,
                          R"({"name": "broker_timeout", "value": {"durationMs": "3000"}}, )"));
  ChildProcess child(run_argv(dir / "graph.json", broker.bootstrap, dir / "chk", 200,
                              {"--file-root", dir.path().string()}));
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (lines_in(dir / "out.jsonl") < static_cast<std::size_t>(workload.events) ||
         complete_checkpoints(dir / "chk").empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "did not read the input";
    ASSERT_FALSE(child.wait(100ms).has_value()) << "ended early: " << child.err();
  }
  broker.process->kill();
  const auto lost = Clock::now();
  const auto code = child.wait(60s);
  ASSERT_TRUE(code.has_value()) << "still running 60 s after the broker was lost: " << child.err();
  EXPECT_EQ(*code, 1) << child.err();
  EXPECT_NE(child.err().find("node 'events'"), std::string::npos) << child.err();
  EXPECT_NE(child.err().find("no Kafka broker of " + broker.bootstrap + " reachable for"),
            std::string::npos)
      << child.err();
  std::cout << "failed " << seconds_since(lost) << " s after the broker was lost; stderr:\n"
            << child.err() << std::endl;
}

// Point 3: the broker is SIGKILLed and a new, empty one starts on the same port (an embedded
// broker restarted loses its data). The source must not go back to offset 0 and read the new
// broker's records as if nothing happened: with the default on_offset_out_of_range = fail the
// job fails, naming topic, partition and offsets.
TEST(BrokerLossTest, ABrokerBackWithoutItsDataFailsTheSourceNamingTheOffsets) {
  TempDir dir("rivulet-broker-loss-test");
  Workload workload;
  workload.events = 20000;
  workload.partitions = 2;
  const std::string port = std::to_string(rivulet::test::free_loopback_port());
  const std::vector<std::string> broker_args{"--port", port, "--topic", "in:2"};
  auto broker = std::make_unique<bench::BrokerProcess>(RIVULET_CLI, broker_args);
  const std::string bootstrap = broker->bootstrap_servers();
  ASSERT_EQ(produce_workload(bootstrap, "in", workload), "");
  write_file(dir / "graph.json",
             source_to_file_json("source-broker-empty", workload.partitions, ""));
  ChildProcess child(run_argv(dir / "graph.json", bootstrap, dir / "chk", 200,
                              {"--file-root", dir.path().string()}));
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (lines_in(dir / "out.jsonl") < static_cast<std::size_t>(workload.events) ||
         complete_checkpoints(dir / "chk").empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "did not read the input";
    ASSERT_FALSE(child.wait(100ms).has_value()) << "ended early: " << child.err();
  }
  broker->kill();
  broker = std::make_unique<bench::BrokerProcess>(RIVULET_CLI, broker_args);  // empty
  ASSERT_EQ(broker->bootstrap_servers(), bootstrap);
  const auto back = Clock::now();
  const auto code = child.wait(60s);
  ASSERT_TRUE(code.has_value()) << "still running 60 s after the broker came back empty: "
                                << child.err();
  EXPECT_EQ(*code, 1) << child.err();
  // Each partition holds 10 000 of the events; the new broker holds none.
  const std::string& err = child.err();
  EXPECT_NE(err.find("node 'events'"), std::string::npos) << err;
  EXPECT_TRUE(err.find("topic 'in' partition 0: offset 10000 is out of range") !=
                  std::string::npos ||
              err.find("topic 'in' partition 1: offset 10000 is out of range") != std::string::npos)
      << err;
  EXPECT_NE(err.find("(the broker holds offsets 0 to 0)"), std::string::npos) << err;
  EXPECT_EQ(lines_in(dir / "out.jsonl"), static_cast<std::size_t>(workload.events))
      << "records read again";
  std::cout << "failed " << seconds_since(back) << " s after the broker came back; stderr:\n"
            << err << std::endl;
}

}  // namespace
}  // namespace rivulet::runtime
