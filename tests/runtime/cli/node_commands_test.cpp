// The `rivulet` job commands (deploy, jobs, status, stop, cancel, savepoint, events, top) as
// real child processes against a real control server on a loopback port, with a fake
// NodeService behind it (tests/runtime/node/fake_node_service.hpp): output, --json, exit codes,
// and the token.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "runtime/node/control_server.hpp"
#include "tests/runtime/checkpoint/temp_directory.hpp"
#include "tests/runtime/child_process.hpp"
#include "tests/runtime/node/fake_node_service.hpp"

namespace rivulet::runtime::node {
namespace {

using processtest::run_rivulet;

const std::string kGraph =
    std::string(RIVULET_SOURCE_DIR) + "/examples/fraud-detection/fraud-detection.json";

class NodeCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ControlServerConfig config;
    config.listen = "127.0.0.1:0";
    config.token = "the-token";
    config.log = [](const std::string&) {};
    auto started = ControlServer::start(service, config);
    ASSERT_TRUE(started) << started.error().message;
    server = std::move(started).value();
    token_file = (dir.path() / "token").string();
    std::ofstream(token_file) << "the-token\n";
    ::chmod(token_file.c_str(), 0600);
  }

  // `rivulet <args> --node ... --token-file ...`
  processtest::Outcome rivulet(std::vector<std::string> args, bool with_token = true) {
    args.push_back("--node");
    args.push_back("127.0.0.1:" + std::to_string(server->port()));
    if (with_token) {
      args.push_back("--token-file");
      args.push_back(token_file);
    }
    return run_rivulet(args);
  }

  testing::FakeNodeService service;
  std::unique_ptr<ControlServer> server;
  test::TempDirectory dir;
  std::string token_file;
};

TEST_F(NodeCommandsTest, DeployThenJobsStatusAndJson) {
  auto deployed = rivulet({"deploy", kGraph, "--name", "fraud", "--set", "alerts.threshold=5"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  EXPECT_EQ(deployed.out, "job-1\n");
  ASSERT_TRUE(service.last_deploy);
  EXPECT_EQ(service.last_deploy->options.overrides, std::vector<std::string>{"alerts.threshold=5"});
  EXPECT_EQ(service.last_deploy->graphs.size(), 1u);

  auto jobs = rivulet({"jobs"});
  ASSERT_EQ(jobs.exit_code, 0) << jobs.err;
  EXPECT_NE(jobs.out.find("ID"), std::string::npos);
  EXPECT_NE(jobs.out.find("job-1"), std::string::npos);
  EXPECT_NE(jobs.out.find("running"), std::string::npos);

  auto json = rivulet({"jobs", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.rfind("[{\"id\":\"job-1\",\"name\":\"fraud\",\"state\":\"running\"", 0), 0u)
      << json.out;

  auto status = rivulet({"status", "job-1"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("state:      running"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("nodes)"), std::string::npos) << status.out;
}

TEST_F(NodeCommandsTest, DeployShowsEveryProblemAndFailsInOneLine) {
  graphs::Problem a;
  a.node_id = "alerts";
  a.field = "parameters.threshold";
  a.message = "value 0 is below the minimum 1";
  graphs::Problem b;
  b.message = "the graph has no sink";
  service.deploy_problems = {a, b};
  auto deployed = rivulet({"deploy", kGraph});
  EXPECT_EQ(deployed.exit_code, 1);
  EXPECT_NE(deployed.err.find(a.to_string()), std::string::npos) << deployed.err;
  EXPECT_NE(deployed.err.find(b.to_string()), std::string::npos) << deployed.err;
  EXPECT_NE(deployed.err.find("rivulet: error: the node refused the deploy (2 problems)\n"),
            std::string::npos)
      << deployed.err;
  auto json = rivulet({"deploy", kGraph, "--json"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_NE(json.out.find("\"node\":\"alerts\",\"edge\":null,\"field\":\"parameters.threshold\""),
            std::string::npos)
      << json.out;
}

TEST_F(NodeCommandsTest, StopCancelSavepointEvents) {
  ASSERT_EQ(rivulet({"deploy", kGraph}).exit_code, 0);
  service.add_event(graphs::control::JobEventKind::Started, "");
  service.add_event(graphs::control::JobEventKind::CheckpointCompleted, "checkpoint 1");
  auto events = rivulet({"events", "job-1"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  EXPECT_NE(events.out.find("checkpoint completed"), std::string::npos) << events.out;

  auto savepoint = rivulet({"savepoint", "job-1", "--json"});
  ASSERT_EQ(savepoint.exit_code, 0) << savepoint.err;
  EXPECT_EQ(savepoint.out, "{\"savepoint\":\"/data/savepoints/job-1-1\"}\n");

  auto stop = rivulet({"stop", "job-1", "--savepoint", "/sp/here", "--drain"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(stop.out, "/sp/here\n");
  EXPECT_TRUE(service.last_drain);

  // The job has ended, so --follow returns after the events there are.
  auto followed = rivulet({"events", "job-1", "--follow"});
  ASSERT_EQ(followed.exit_code, 0) << followed.err;

  auto unknown = rivulet({"cancel", "job-9"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "rivulet: error: node 127.0.0.1:" + std::to_string(server->port()) +
                             ": no job 'job-9'\n");
}

TEST_F(NodeCommandsTest, TopOnceShowsPerOperatorRates) {
  ASSERT_EQ(rivulet({"deploy", kGraph}).exit_code, 0);
  auto top = rivulet({"top", "--once"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  EXPECT_NE(top.out.find("OPERATOR"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("source"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("250"), std::string::npos) << top.out;  // records/s out
  EXPECT_NE(top.out.find("30%"), std::string::npos) << top.out;  // busy
  EXPECT_NE(top.out.find("42"), std::string::npos) << top.out;   // Kafka lag
  auto json = rivulet({"top", "job-1", "--once", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"recordsOutPerSecond\":250.5"), std::string::npos) << json.out;
}

TEST_F(NodeCommandsTest, MissingOrWrongTokenIsRefused) {
  auto missing = rivulet({"jobs"}, false);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("requires a token"), std::string::npos) << missing.err;
  std::string wrong = (dir.path() / "wrong").string();
  std::ofstream(wrong) << "nope";
  ::chmod(wrong.c_str(), 0600);
  auto refused = rivulet({"jobs", "--token-file", wrong}, false);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("wrong token"), std::string::npos) << refused.err;
  ::chmod(token_file.c_str(), 0644);
  auto shared = rivulet({"jobs"});
  EXPECT_EQ(shared.exit_code, 1);
  EXPECT_NE(shared.err.find("chmod 600"), std::string::npos) << shared.err;
}

TEST(NodeCommands, NoNodeListeningIsAOneLineError) {
  auto outcome = run_rivulet({"jobs", "--node", "127.0.0.1:1"});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.err.rfind("rivulet: error: node 127.0.0.1:1: cannot reach the node", 0), 0u)
      << outcome.err;
}

}  // namespace
}  // namespace rivulet::runtime::node
