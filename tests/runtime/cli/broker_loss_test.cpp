// `rivulet run` of an exactly-once job whose broker is lost mid-run (issue 11, point 2): before,
// the sink retried rd_kafka_commit_transaction forever on a blocked task and SIGINT / SIGTERM
// were ignored until SIGKILL. Now a second Ctrl-C cancels, and a task that does not let go
// within seconds no longer holds the process: it exits with a message naming the cause. The
// broker is a `rivulet broker` process, stopped while checkpoints are being taken. The waits
// only keep a broken build from hanging; the assertion is that the process ends at all.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

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

}  // namespace
}  // namespace rivulet::runtime
