// `rivulet node` as its own process, driven by the `rivulet` job commands over a real loopback
// socket: a deployed job runs, survives a SIGTERM (savepoint, clean exit, resumed on the next
// start) and a SIGKILL (resumed from the data dir), and a second signal always ends the node.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/runtime/checkpoint/temp_directory.hpp"
#include "tests/runtime/child_process.hpp"
#include "tests/runtime/free_port.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;
using processtest::ChildProcess;
using processtest::Outcome;
using processtest::run_rivulet;

const std::string kExamples = std::string(RIVULET_SOURCE_DIR) + "/examples/fraud-detection/";

int free_port() { return ::rivulet::test::free_loopback_port(); }

class NodeProcessTest : public ::testing::Test {
 protected:
  void start_node(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{
        RIVULET_CLI, "node", "--data-dir", (dir_.path() / "data").string(), "--listen", address_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    node_ = std::make_unique<ChildProcess>(argv);
    // Answering `jobs` means listening, with the recorded jobs resumed.
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (command({"jobs"}).exit_code == 0) return;
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "the node did not answer on " << address_;
  }

  Outcome command(std::vector<std::string> args) {
    args.push_back("--node");
    args.push_back(address_);
    return run_rivulet(args);
  }

  // Polls `rivulet jobs` until job-1 is in `state` (bounded).
  bool job_reaches(const std::string& state) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      const Outcome jobs = command({"jobs"});
      if (jobs.out.find("job-1") != std::string::npos &&
          jobs.out.find(state) != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  test::TempDirectory dir_;
  std::string address_ = "127.0.0.1:" + std::to_string(free_port());
  std::unique_ptr<ChildProcess> node_;
};

TEST_F(NodeProcessTest, DeployedJobRunsAndResumesAfterSigtermAndAfterSigkill) {
  start_node();
  const Outcome deployed = command({"deploy", kExamples + "generator.json",
                                    kExamples + "fraud-detection.json", "--name", "fraud"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  EXPECT_EQ(deployed.out, "job-1\n");
  ASSERT_TRUE(job_reaches("running"));

  // Records flow: the generator's records/s become visible in `top --once`.
  bool flowing = false;
  for (int attempt = 0; attempt < 100 && !flowing; ++attempt) {
    const Outcome top = command({"top", "job-1", "--once", "--json"});
    const std::string marker = "\"operator\":\"card_transactions\"";
    const auto at = top.out.find(marker);
    const auto rate = top.out.find("\"recordsOutPerSecond\":", at);
    flowing = top.exit_code == 0 && at != std::string::npos && rate != std::string::npos &&
              std::stod(top.out.substr(rate + 22)) > 0;
    if (!flowing) std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(flowing);

  // SIGTERM: savepoints, then a clean exit; the next start resumes the job.
  node_->signal(SIGTERM);
  const auto stopped = node_->wait(120s);
  ASSERT_TRUE(stopped.has_value()) << "the node did not stop after SIGTERM";
  EXPECT_EQ(*stopped, 0) << node_->err();
  start_node();
  EXPECT_TRUE(job_reaches("running"));

  // SIGKILL: nothing is written at the end; the job resumes from the data dir.
  node_->signal(SIGKILL);
  node_->wait(20s);
  start_node();
  EXPECT_TRUE(job_reaches("running"));

  // A second signal ends the node at once, whatever the first one is still doing.
  node_->signal(SIGTERM);
  node_->signal(SIGTERM);
  EXPECT_TRUE(node_->wait(60s).has_value());
}

// A real Prometheus server scrapes a real node's --metrics-listen endpoint while the fraud
// generator runs on it, and answers a rate query through its own HTTP API (promtool query).
TEST_F(NodeProcessTest, PrometheusScrapesTheNodeAndAnswersARateQuery) {
  start_node({"--metrics-listen", "127.0.0.1:0"});
  ASSERT_TRUE(node_->wait_for_stderr("/metrics")) << node_->err();
  const std::string err = node_->err();
  const std::size_t at = err.find("Prometheus metrics on 127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << err;
  const std::string metrics_port =
      err.substr(at + std::strlen("Prometheus metrics on 127.0.0.1:"),
                 err.find('/', at) - at - std::strlen("Prometheus metrics on 127.0.0.1:"));
  ASSERT_EQ(command({"deploy", kExamples + "generator.json"}).exit_code, 0);

  const std::string web = "127.0.0.1:" + std::to_string(free_port());
  {
    std::ofstream config(dir_.path() / "prometheus.yml");
    config << "global:\n  scrape_interval: 1s\n"
           << "scrape_configs:\n  - job_name: rivulet\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << metrics_port << "']\n";
  }
  ChildProcess prometheus({"/usr/bin/prometheus",
                           "--config.file=" + (dir_.path() / "prometheus.yml").string(),
                           "--storage.tsdb.path=" + (dir_.path() / "tsdb").string(),
                           "--web.listen-address=" + web, "--log.level=error"});
  // sum(rate(...)) over the generator's source: records/s as Prometheus computes them.
  const std::string query = "sum(rate(rivulet_records_out_total{node=\"card_transactions\"}[5s]))";
  std::string answer;
  double rate = 0;
  for (int attempt = 0; attempt < 120 && rate <= 0; ++attempt) {
    std::this_thread::sleep_for(500ms);
    ChildProcess promtool({"/usr/bin/promtool", "query", "instant", "http://" + web, query});
    if (promtool.wait(20s).value_or(-1) != 0) continue;
    answer = promtool.out();  // "{} => 199.8 @[1733100000.123]"
    const std::size_t arrow = answer.find("=> ");
    if (arrow != std::string::npos) rate = std::strtod(answer.c_str() + arrow + 3, nullptr);
  }
  EXPECT_GT(rate, 0) << "last answer: " << answer;
}

TEST_F(NodeProcessTest, NonLoopbackListenWithoutTokenIsRefused) {
  const Outcome refused =
      run_rivulet({"node", "--data-dir", (dir_.path() / "data").string(), "--listen", "0.0.0.0:0"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("needs --token-file"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace rivulet::runtime
