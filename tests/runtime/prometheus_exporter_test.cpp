// The Prometheus endpoint (runtime/metrics/prometheus_exporter.hpp): its text passes
// `promtool check metrics`, and a real Prometheus server on loopback scrapes an exporter serving
// a running job's metrics and answers a rate query through its HTTP API. Every wait is bounded;
// the server process and its directory are removed even when an assertion fails.
#include "runtime/metrics/prometheus_exporter.hpp"

#include <gtest/gtest.h>
#include <kj/async-io.h>
#include <kj/compat/http.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "actor_system_support.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "child_process.hpp"
#include "job_test_support.hpp"
#include "kafka_client.hpp"
#include "runtime/job.hpp"
#include "runtime/metrics/job_sampler.hpp"
#include "runtime/planner.hpp"

namespace rivulet::runtime {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using jobtest::edge;
using jobtest::node;

// GET http://127.0.0.1:port/path with kj-http; nullopt on any error or after 10 s.
std::optional<std::string> http_get(std::uint16_t port, const std::string& path) {
  try {
    auto io = kj::setupAsyncIo();
    kj::HttpHeaderTable table;
    auto address = io.provider->getNetwork().parseAddress("127.0.0.1", port).wait(io.waitScope);
    auto client = kj::newHttpClient(io.provider->getTimer(), table, *address);
    kj::HttpHeaders headers(table);
    headers.set(kj::HttpHeaderId::HOST, kj::str("127.0.0.1:", port));
    auto request = client->request(kj::HttpMethod::GET, kj::StringPtr(path.c_str()), headers,
                                   std::uint64_t{0});
    request.body = nullptr;  // no request body
    auto body = request.response.then([](kj::HttpClient::Response response) {
      return response.body->readAllText().attach(kj::mv(response.body));
    });
    auto text =
        io.provider->getTimer().timeoutAfter(10 * kj::SECONDS, kj::mv(body)).wait(io.waitScope);
    return std::string(text.cStr());
  } catch (const kj::Exception&) {
    return std::nullopt;
  }
}

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "rivulet-prom-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

class PrometheusExporterTest : public ::testing::Test {
 protected:
  PrometheusExporterTest() : system_(testing::test_actor_config()) {}

  // An unbounded source feeding a pass-through (its output unconnected: nothing piles up).
  std::unique_ptr<Job> start_unbounded() {
    graphs::Graph g;
    g.nodes = {node("src", "count_source", 2, {{"count", std::int64_t{0}}}),
               node("mid", "pass", 1)};
    g.edges = {edge("src", "mid", graphs::PartitioningKind::Rebalance)};
    auto plan = plan_job({std::move(g)}, registry_);
    if (!plan) {
      ADD_FAILURE() << plan.error().message;
      return nullptr;
    }
    auto job = Job::start(system_, std::move(plan).value());
    if (!job) {
      ADD_FAILURE() << job.error().message;
      return nullptr;
    }
    return std::move(job).value();
  }

  // Serves `job`'s samples, one sampler for the exporter (rates since the previous scrape).
  std::unique_ptr<PrometheusExporter> export_job(const Job& job) {
    auto exporter = PrometheusExporter::start("127.0.0.1:0", [this, &job] {
      std::lock_guard lock(sampler_mutex_);
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      node::JobMetrics metrics = sampler_.sample(job, now);
      metrics.job = "job-1";
      return std::vector<node::JobMetrics>{std::move(metrics)};
    });
    if (!exporter) {
      ADD_FAILURE() << exporter.error().message;
      return nullptr;
    }
    return std::move(exporter).value();
  }

  std::shared_ptr<jobtest::Collected> log_ = std::make_shared<jobtest::Collected>();
  runtime::OperatorRegistry registry_ = jobtest::make_registry(log_, 1);
  caf::actor_system system_;
  std::mutex sampler_mutex_;
  JobSampler sampler_;
};

TEST_F(PrometheusExporterTest, ServedTextPassesPromtoolCheckMetrics) {
  auto job = start_unbounded();
  ASSERT_TRUE(job);
  // What a Kafka source reports (operators/kafka: high watermark - next offset per partition).
  job->task_metrics().at(0)->counters.report_lag({{"in", 3, 42}, {"in", 4, 0}});
  auto exporter = export_job(*job);
  ASSERT_TRUE(exporter);
  auto text = http_get(exporter->port(), "/metrics");
  ASSERT_TRUE(text);
  const std::string lag_prefix = "rivulet_kafka_consumer_lag{job=\"job-1\",node=\"" +
                                 job->plan().node_of_task(0).name + "\",subtask=\"" +
                                 std::to_string(job->plan().tasks[0].spec.subtask_index) +
                                 "\",topic=\"in\",partition=";
  EXPECT_NE(text->find(lag_prefix + "\"3\"} 42"), std::string::npos) << *text;
  EXPECT_NE(text->find(lag_prefix + "\"4\"} 0"), std::string::npos) << *text;
  EXPECT_NE(text->find("rivulet_records_out_total{job=\"job-1\",node=\"src\",subtask=\"1\"}"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("rivulet_busy_seconds_per_second{"), std::string::npos);
  EXPECT_NE(text->find("rivulet_input_channel_fill{job=\"job-1\",node=\"mid\",subtask=\"0\","
                       "channel=\"1\"}"),
            std::string::npos);
  EXPECT_EQ(http_get(exporter->port(), "/nothing-here")->find("rivulet_"), std::string::npos);

  TempDir dir;
  const fs::path file = dir.path / "metrics.txt";
  std::ofstream(file) << *text;
  const std::string command = "promtool check metrics < '" + file.string() + "' > '" +
                              (dir.path / "promtool.out").string() + "' 2>&1";
  const int rc = std::system(command.c_str());
  std::ifstream report(dir.path / "promtool.out");
  std::string problems((std::istreambuf_iterator<char>(report)), {});
  EXPECT_EQ(rc, 0) << problems;
  job->cancel();
  ASSERT_TRUE(job->wait_for(60s));
}

TEST_F(PrometheusExporterTest, RealPrometheusScrapesTheExporterAndAnswersARateQuery) {
  auto job = start_unbounded();
  ASSERT_TRUE(job);
  auto exporter = export_job(*job);
  ASSERT_TRUE(exporter);
  TempDir dir;
  const std::uint16_t web_port = kafkatest::free_loopback_port();
  {
    std::ofstream config(dir.path / "prometheus.yml");
    config << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
           << "scrape_configs:\n  - job_name: rivulet\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << exporter->port() << "']\n";
  }
  processtest::ChildProcess prometheus(
      {"/usr/bin/prometheus", "--config.file=" + (dir.path / "prometheus.yml").string(),
       "--storage.tsdb.path=" + (dir.path / "data").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(web_port), "--log.level=error"});
  const std::string query =
      "/api/v1/query?query=sum(rate(rivulet_records_out_total%7Bnode%3D%22src%22%7D%5B5s%5D))";
  double rate = 0;
  std::string last;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (rate <= 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(500ms);
    auto answer = http_get(web_port, query);
    if (!answer) continue;
    last = *answer;
    // {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[t,"r"]}]}}
    const auto value = last.find("\"value\":[");
    if (value == std::string::npos) continue;
    const auto open = last.find('"', last.find(',', value));
    const auto close = last.find('"', open + 1);
    if (open == std::string::npos || close == std::string::npos) continue;
    rate = std::strtod(last.substr(open + 1, close - open - 1).c_str(), nullptr);
  }
  EXPECT_GT(rate, 0) << "last answer: " << last;
  EXPECT_NE(last.find("\"status\":\"success\""), std::string::npos) << last;
  job->cancel();
  ASSERT_TRUE(job->wait_for(60s));
}

}  // namespace
}  // namespace rivulet::runtime
