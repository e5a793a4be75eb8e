// kafka_source dead letters (operators/kafka/dead_letter.*, issue 11 point 3): bounded so that
// they never fail the job, carrying the message's key and headers, tombstones told apart from
// empty values, the right reasons. The job test is the reported attack: one 1 MB malformed
// record between valid ones, dead letters written by a kafka_sink whose producer refuses
// messages over message.max.bytes (1,000,000 by default), a restart strategy that would
// crash-loop and duplicate. On the in-process embedded broker; timeouts only prevent hangs.
#include "operators/kafka/dead_letter.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "caf/actor_system.hpp"
#include "operators/builtin_catalog.hpp"
#include "runtime/embedded_broker.hpp"
#include "runtime/job.hpp"
#include "runtime/planner.hpp"
#include "tests/runtime/actor_system_support.hpp"
#include "tests/runtime/kafka_client.hpp"

namespace rivulet::operators::kafka {
namespace {

using namespace std::chrono_literals;
using graphs::FieldType;
using graphs::StringList;

constexpr auto kTimeout = 60s;  // only against hangs

TEST(DeadLetterTest, Utf8PrefixNeverSplitsACharacter) {
  EXPECT_EQ(utf8_prefix("abcdef", 10), "abcdef");
  EXPECT_EQ(utf8_prefix("abcdef", 3), "abc");
  const std::string euro = "ab\xE2\x82\xAC";  // "ab€": the euro sign is 3 bytes
  EXPECT_EQ(utf8_prefix(euro, 4), "ab");
  EXPECT_EQ(utf8_prefix(euro, 3), "ab");
  EXPECT_EQ(utf8_prefix(euro, 2), "ab");
  EXPECT_EQ(utf8_prefix("\xff\xfe\xfd", 2), "\xff\xfe");  // not UTF-8: cut at the bound
}

TEST(DeadLetterTest, DigestNamesItsAlgorithmAndTellsValuesApart) {
  const std::string a = value_digest("payload");
  EXPECT_EQ(a.rfind("xxh3-128:", 0), 0u) << a;
  EXPECT_EQ(a.size(), 9u + 32u);
  EXPECT_EQ(a, value_digest("payload"));
  EXPECT_NE(a, value_digest("payloae"));
}

std::string produce_with_headers(const std::string& bootstrap, const std::string& topic,
                                 const std::vector<std::pair<const char*, std::string>>& values) {
  char errstr[512];
  rd_kafka_conf_t* conf = runtime::kafkatest::client_conf(bootstrap);
  rd_kafka_conf_set(conf, "message.max.bytes", "4000000", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "message.timeout.ms", "20000", errstr, sizeof errstr);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (producer == nullptr) return errstr;
  std::string error;
  for (const auto& [key, value] : values) {
    const bool tombstone = value == "<tombstone>";
    rd_kafka_headers_t* headers = rd_kafka_headers_new(2);
    rd_kafka_header_add(headers, "trace", -1, "t-1", -1);
    rd_kafka_header_add(headers, "bin\"ary", -1, "\x01\xff", 2);
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
        RD_KAFKA_V_KEY(key, std::char_traits<char>::length(key)),
        RD_KAFKA_V_VALUE(tombstone ? nullptr : const_cast<char*>(value.data()),
                         tombstone ? 0 : value.size()),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err) {
      rd_kafka_headers_destroy(headers);
      if (error.empty()) error = rd_kafka_err2str(err);
    }
  }
  if (rd_kafka_resp_err_t err = rd_kafka_flush(producer, 30000); err && error.empty()) {
    error = std::string("flush: ") + rd_kafka_err2str(err);
  }
  rd_kafka_destroy(producer);
  return error;
}

graphs::Node node(std::string id, std::string kind, std::vector<graphs::Parameter> params) {
  graphs::Node n;
  n.id = std::move(id);
  n.kind = std::move(kind);
  n.parameters = std::move(params);
  return n;
}

// The value of member `name` in a flat JSON object text, as its JSON text ("\"x\"", "12",
// "null"); what the sink's JSON encoder writes is simple enough for this.
std::string member(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  const std::size_t at = json.find(key);
  if (at == std::string::npos) return "<missing>";
  std::size_t i = at + key.size();
  if (json[i] != '"') return json.substr(i, json.find_first_of(",}", i) - i);
  std::size_t end = i + 1;
  while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
  return json.substr(i, end + 1 - i);
}

TEST(DeadLetterJobTest, AOneMegabyteMalformedRecordNeitherFailsNorRestartsTheJob) {
  runtime::BrokerOptions broker_options;
  broker_options.topics = {{"in", 1}, {"valid", 1}, {"dead", 1}};
  auto started_broker = runtime::EmbeddedBroker::start(broker_options);
  ASSERT_TRUE(started_broker) << started_broker.error().message;
  std::unique_ptr<runtime::EmbeddedBroker> broker = std::move(started_broker).value();
  const std::string bootstrap = broker->bootstrap_servers();

  constexpr int kValid = 200;
  const std::string huge = "{\"id\": 7, " + std::string(1'000'000, 'x');  // not JSON, 1 MB
  std::vector<std::pair<const char*, std::string>> input;
  for (int i = 0; i < kValid; ++i) {
    if (i == 100) input.emplace_back("huge-key", huge);
    if (i == 150) input.emplace_back("gone", "<tombstone>");
    if (i == 151) input.emplace_back("blank", "");
    if (i == 152) input.emplace_back("words", "nonsense");
    input.emplace_back("k", "{\"id\":" + std::to_string(i) + ",\"user\":\"u\"}");
  }
  ASSERT_EQ(produce_with_headers(bootstrap, "in", input), "");

  graphs::Graph g;
  g.name = "dead-letters";
  g.nodes = {node("events", "kafka_source",
                  {{"topics", StringList{"in"}},
                   {"start_from", std::string("earliest")},
                   {"stop_at_end", true},
                   {"schema", graphs::Schema{{"id", FieldType::Int64, false},
                                             {"user", FieldType::String, false}}}}),
             node("records", "kafka_sink", {{"topic", std::string("valid")}}),
             node("rejects", "kafka_sink", {{"topic", std::string("dead")}})};
  g.edges = {graphs::Edge{{"events", "out"}, {"records", "in"}, {}},
             graphs::Edge{{"events", "dead_letters"}, {"rejects", "in"}, {}}};
  // With a restart strategy a failing dead-letter sink would crash-loop and duplicate output.
  g.runtime.restart.kind = graphs::RestartKind::FixedDelay;
  g.runtime.restart.attempts = 3;
  g.runtime.restart.delay_ms = 10;
  auto plan = runtime::plan_job({g}, builtin_registry());
  ASSERT_TRUE(plan) << plan.error().message;
  caf::actor_system system(runtime::testing::test_actor_config());
  runtime::JobOptions options;
  options.bootstrap_servers = bootstrap;
  auto started = runtime::Job::start(system, std::move(plan).value(), options);
  ASSERT_TRUE(started) << started.error().message;
  std::unique_ptr<runtime::Job> job = std::move(started).value();
  if (!job->wait_for(kTimeout)) {
    job->cancel();
    FAIL() << "the job did not end";
  }
  const runtime::JobStatus status = job->wait();
  EXPECT_EQ(status.state, runtime::JobState::Finished) << status.message;
  EXPECT_EQ(status.restarts, 0u) << status.message;

  // Read to the end of each topic, so duplicates would show.
  const auto valid = runtime::kafkatest::consume_committed(bootstrap, "valid", 1);
  ASSERT_TRUE(valid) << "could not read 'valid' to its end";
  std::multiset<std::string> ids;
  for (const auto& m : *valid) ids.insert(member(m.value, "id"));
  std::multiset<std::string> expected;
  for (int i = 0; i < kValid; ++i) expected.insert(std::to_string(i));
  EXPECT_EQ(ids, expected) << "every valid record exactly once";

  const auto dead = runtime::kafkatest::consume_committed(bootstrap, "dead", 1);
  ASSERT_TRUE(dead) << "could not read 'dead' to its end";
  ASSERT_EQ(dead->size(), 4u);
  std::map<std::string, std::string> by_key;  // the dead letter's key column -> its JSON
  for (const auto& m : *dead) by_key[member(m.value, "key")] = m.value;

  const std::string& big = by_key["\"huge-key\""];
  ASSERT_FALSE(big.empty()) << "the 1 MB record's dead letter, with its key";
  EXPECT_LT(big.size(), 40'000u);
  EXPECT_EQ(member(big, "raw_size"), std::to_string(huge.size()));
  EXPECT_EQ(member(big, "raw_digest"), "\"" + value_digest(huge) + "\"");
  EXPECT_EQ(member(big, "raw_truncated"), "true");
  // The kept bytes, quoted, with the two quotes of `{"id"` escaped.
  EXPECT_EQ(member(big, "raw").size(),
            2 + static_cast<std::size_t>(kDefaultDeadLetterMaxBytes) + 2);
  EXPECT_NE(member(big, "reason").find("not valid JSON"), std::string::npos) << big;
  EXPECT_NE(member(big, "headers").find(R"(\"trace\":\"t-1\")"), std::string::npos) << big;
  EXPECT_NE(member(big, "headers").find(R"(\"bin\\\"ary\":\"\\u0001\\u00ff\")"), std::string::npos)
      << big;

  const std::string& tombstone = by_key["\"gone\""];
  EXPECT_EQ(member(tombstone, "raw"), "null") << tombstone;
  EXPECT_EQ(member(tombstone, "raw_size"), "0");
  EXPECT_NE(member(tombstone, "reason").find("tombstone"), std::string::npos) << tombstone;
  const std::string& blank = by_key["\"blank\""];
  EXPECT_EQ(member(blank, "raw"), "\"\"") << blank;
  EXPECT_NE(member(blank, "reason").find("empty value"), std::string::npos) << blank;
  const std::string& words = by_key["\"words\""];
  EXPECT_NE(member(words, "reason").find("not valid JSON"), std::string::npos) << words;
  EXPECT_EQ(member(words, "raw_truncated"), "false");
}

}  // namespace
}  // namespace rivulet::operators::kafka
