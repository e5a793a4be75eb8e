// The control API end to end in one process: a real ControlServer on a loopback TCP port, the
// real client library, and a fake NodeService behind them (fake_node_service.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/node_client.hpp"
#include "fake_node_service.hpp"
#include "runtime/node/control_server.hpp"
#include "tests/graphs/sample_graphs.hpp"

namespace rivulet::runtime::node {
namespace {

using testing::FakeNodeService;

// Upper bound for waiting on something pushed asynchronously; a hang fails instead of blocking.
constexpr auto kPatience = std::chrono::seconds(20);

struct Log {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& line) {
      std::lock_guard lock(mutex);
      lines.push_back(line);
    };
  }
  std::string all() {
    std::lock_guard lock(mutex);
    std::string out;
    for (auto& l : lines) out += l + "\n";
    return out;
  }
};

class ControlApiTest : public ::testing::Test {
 protected:
  void start(std::string token = "") {
    ControlServerConfig config;
    config.listen = "127.0.0.1:0";
    config.token = std::move(token);
    config.log = log.sink();
    auto started = ControlServer::start(service, config);
    ASSERT_TRUE(started) << started.error().message;
    server = std::move(started).value();
  }

  client::ClientConfig client_config(std::string token = "") {
    client::ClientConfig config;
    config.address = "127.0.0.1:" + std::to_string(server->port());
    config.token = std::move(token);
    return config;
  }

  std::unique_ptr<client::NodeClient> connect(std::string token = "") {
    auto client = client::NodeClient::connect(client_config(std::move(token)));
    EXPECT_TRUE(client) << client.error().message;
    return client ? std::move(client).value() : nullptr;
  }

  graphs::control::JobId deploy(client::NodeClient& client) {
    graphs::control::DeployRequest request;
    request.graphs = {graphs::testing::rich_graph()};
    request.options.name = "fraud";
    auto outcome = client.deploy(request);
    EXPECT_TRUE(outcome) << outcome.error().message;
    EXPECT_TRUE(outcome->job.has_value());
    return outcome->job.value_or("");
  }

  FakeNodeService service;
  Log log;
  std::unique_ptr<ControlServer> server;
};

TEST_F(ControlApiTest, DeployJobsStatusCarryTheGraphsAndOptions) {
  start();
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto info = client->info();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->version, "9.9.9");
  EXPECT_EQ(info->bootstrap_servers, "127.0.0.1:9092");

  graphs::control::DeployRequest request;
  request.graphs = {graphs::testing::rich_graph(), graphs::testing::rich_graph()};
  request.graphs[1].name = "second";
  request.options = {"fraud", {"large.ratio=0.5"}, "/sp/1", true};
  auto outcome = client->deploy(request);
  ASSERT_TRUE(outcome) << outcome.error().message;
  ASSERT_EQ(outcome->job, "job-1");
  ASSERT_TRUE(service.last_deploy);
  EXPECT_EQ(service.last_deploy->graphs, request.graphs);
  EXPECT_EQ(service.last_deploy->options.overrides, request.options.overrides);
  EXPECT_TRUE(service.last_deploy->options.allow_non_restored_state);

  auto jobs = client->jobs();
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].name, "fraud");
  EXPECT_EQ((*jobs)[0].state, graphs::control::JobState::Running);

  auto status = client->status("job-1");
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->graphs, request.graphs);
  EXPECT_EQ(status->options.from_savepoint, "/sp/1");

  auto missing = client->status("job-7");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no job 'job-7'"), std::string::npos);
}

TEST_F(ControlApiTest, DeployAnswersEveryProblemWithNodeAndField) {
  start();
  graphs::Problem a;
  a.node_id = "large";
  a.field = "parameters.predicate";
  a.message = "unknown field 'amt'";
  graphs::Problem b;
  b.edge = 2;
  b.field = "to.port";
  b.message = "no such port";
  b.edge_text = "per_card.out -> alerts.nope";
  graphs::Problem c;
  c.severity = graphs::Severity::Warning;
  c.message = "no checkpoints";
  service.deploy_problems = {a, b, c};
  auto client = connect();
  ASSERT_NE(client, nullptr);
  graphs::control::DeployRequest request;
  request.graphs = {graphs::testing::rich_graph()};
  auto outcome = client->deploy(request);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->job);
  ASSERT_EQ(outcome->problems.size(), 3u);
  EXPECT_EQ(outcome->problems[0].to_string(), a.to_string());
  EXPECT_EQ(outcome->problems[1].to_string(), b.to_string());
  EXPECT_EQ(outcome->problems[2].to_string(), c.to_string());
}

TEST_F(ControlApiTest, ABlockingStopDoesNotStallOtherClients) {
  start();
  auto first = connect();
  auto second = connect();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  auto job = deploy(*first);
  service.set_hold_stop(true);
  auto stopping = std::async(std::launch::async, [&] { return first->stop(job, "/sp/x", true); });
  service.wait_for_stop_started();
  // The stop is still blocked inside the service; the other client is answered meanwhile.
  auto jobs = second->jobs();
  ASSERT_TRUE(jobs) << jobs.error().message;
  EXPECT_EQ(jobs->size(), 1u);
  auto savepoint = second->savepoint(job);
  EXPECT_TRUE(savepoint) << savepoint.error().message;
  service.set_hold_stop(false);
  auto stopped = stopping.get();
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_EQ(*stopped, "/sp/x");
  EXPECT_TRUE(service.last_drain);
  EXPECT_TRUE(first->cancel(job));
  auto unknown = first->cancel("job-99");
  EXPECT_FALSE(unknown);
}

TEST_F(ControlApiTest, WrongOrMissingTokenIsRefusedAndLoggedWithThePeer) {
  start("s3cret");
  auto missing = client::NodeClient::connect(client_config(""));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("requires a token"), std::string::npos)
      << missing.error().message;
  auto wrong = client::NodeClient::connect(client_config("guess"));
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("wrong token"), std::string::npos);
  std::string logged = log.all();
  EXPECT_NE(logged.find("refused a login from 127.0.0.1:"), std::string::npos) << logged;
  EXPECT_NE(logged.find("wrong token"), std::string::npos) << logged;
  EXPECT_NE(logged.find("no token"), std::string::npos) << logged;
  auto right = connect("s3cret");
  ASSERT_NE(right, nullptr);
  EXPECT_TRUE(right->jobs());
}

TEST(ControlServerStart, ANonLoopbackAddressWithoutATokenIsRefused) {
  FakeNodeService service;
  ControlServerConfig config;
  config.listen = "0.0.0.0:0";
  auto started = ControlServer::start(service, config);
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("requires a token file"), std::string::npos);
  config.token = "t";
  auto with_token = ControlServer::start(service, config);
  EXPECT_TRUE(with_token) << with_token.error().message;
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("example.com"));
}

TEST_F(ControlApiTest, SubscriptionPushesSamplesUntilTheHandleIsDropped) {
  start();
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto job = deploy(*client);
  EXPECT_FALSE(client->subscribe(job, 50, nullptr, nullptr));  // below 100 ms
  EXPECT_FALSE(client->subscribe("job-9", 100, nullptr, nullptr));

  std::mutex mutex;
  std::condition_variable pushed;
  std::vector<graphs::control::JobMetrics> samples;
  auto handle = client->subscribe(
      job, 100,
      [&](graphs::control::JobMetrics m, std::uint32_t) {
        std::lock_guard lock(mutex);
        samples.push_back(std::move(m));
        pushed.notify_all();
      },
      nullptr);
  ASSERT_TRUE(handle) << handle.error().message;
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(pushed.wait_for(lock, kPatience, [&] { return samples.size() >= 3; }));
    EXPECT_EQ(samples[0].job, job);
    ASSERT_EQ(samples[0].tasks.size(), 1u);
    EXPECT_EQ(samples[0].tasks[0].kafka_lag[0].lag, 42);
    EXPECT_LT(samples[0].tasks[0].records_out, samples[2].tasks[0].records_out);
  }
  handle->reset();
  // One-shot samples work alongside and use their own sampler.
  auto once = client->metrics(job);
  ASSERT_TRUE(once) << once.error().message;
}

TEST_F(ControlApiTest, EventsArePolledAfterASequenceAndWatched) {
  start();
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto job = deploy(*client);
  service.add_event(graphs::control::JobEventKind::Started, "");
  service.add_event(graphs::control::JobEventKind::CheckpointCompleted, "checkpoint 1");
  auto all = client->events(job, 0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  auto later = client->events(job, 1);
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].kind, graphs::control::JobEventKind::CheckpointCompleted);

  std::mutex mutex;
  std::condition_variable pushed;
  std::vector<graphs::control::JobEvent> seen;
  std::string ended;
  auto handle = client->watch_events(
      job, 1,
      [&](std::vector<graphs::control::JobEvent> events) {
        std::lock_guard lock(mutex);
        for (auto& e : events) seen.push_back(e);
        pushed.notify_all();
      },
      [&](const std::string& reason) {
        std::lock_guard lock(mutex);
        ended = reason;
        pushed.notify_all();
      });
  ASSERT_TRUE(handle) << handle.error().message;
  service.add_event(graphs::control::JobEventKind::Restarted, "task x failed");
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(pushed.wait_for(lock, kPatience, [&] { return seen.size() >= 2; }));
    EXPECT_EQ(seen[0].sequence, 2u);
    EXPECT_EQ(seen[1].message, "task x failed");
  }
  ASSERT_TRUE(client->cancel(job));
  std::unique_lock lock(mutex);
  ASSERT_TRUE(pushed.wait_for(lock, kPatience, [&] { return !ended.empty(); }));
  EXPECT_NE(ended.find("ended"), std::string::npos);
}

TEST_F(ControlApiTest, PreviewDeliversRowsAndDroppingTheHandleRemovesTheTap) {
  start();
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto job = deploy(*client);
  EXPECT_FALSE(client->preview(job, {"nope", "out", "x", "in"}, 10, nullptr, nullptr));
  std::mutex mutex;
  std::condition_variable pushed;
  std::size_t rows = 0;
  std::uint64_t skipped = 0;
  auto handle = client->preview(
      job, {"source", "out", "filter", "in"}, 10,
      [&](graphs::control::PreviewRecords r) {
        std::lock_guard lock(mutex);
        EXPECT_EQ(r.schema.size(), 1u);
        rows += r.rows.size();
        skipped += r.skipped;
        pushed.notify_all();
      },
      nullptr);
  ASSERT_TRUE(handle) << handle.error().message;
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(pushed.wait_for(lock, kPatience, [&] { return rows >= 6; }));
    EXPECT_GE(skipped, 9u);
  }
  EXPECT_EQ(service.taps_open, 1);
  handle->reset();
  // The node drops its tap once the server has seen the release.
  for (int i = 0; i < 2000 && service.taps_open != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(service.taps_open, 0);
}

TEST_F(ControlApiTest, CatalogComesBackWhole) {
  graphs::OperatorSpec spec;
  spec.kind = "filter";
  spec.category = "transform";
  spec.description = "Keeps records.";
  service.catalog_value.operators = {spec};
  start();
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto catalog = client->catalog();
  ASSERT_TRUE(catalog) << catalog.error().message;
  ASSERT_EQ(catalog->operators.size(), 1u);
  EXPECT_EQ(catalog->operators[0].kind, "filter");
  EXPECT_EQ(catalog->operators[0].description, "Keeps records.");
}

TEST_F(ControlApiTest, ClientCallsFailCleanlyWhenTheNodeGoes) {
  start();
  auto client = connect();
  ASSERT_NE(client, nullptr);
  auto config = client_config();
  server.reset();
  // The first call may still be on its way when the connection closes; either way it fails
  // with a message and nothing hangs.
  auto jobs = client->jobs();
  ASSERT_FALSE(jobs);
  EXPECT_NE(jobs.error().message.find("node 127.0.0.1:"), std::string::npos);
  auto unreachable = client::NodeClient::connect(config);
  EXPECT_FALSE(unreachable);
}

}  // namespace
}  // namespace rivulet::runtime::node
