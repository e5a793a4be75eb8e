// `rivulet generate` (runtime/cli/generate_command.cpp) against a real broker process: every
// event the generator makes reaches the topic, keyed by its entity, and so does every malformed
// message — checked message for message against the same generator run in this process with the
// same seed (an independent reading: the test consumes the topic with its own client).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <variant>
#include <vector>

#include "../child_process.hpp"
#include "../kafka_client.hpp"
#include "bench/broker_process.hpp"
#include "graphs/graph_io.hpp"
#include "operators/card_transactions.hpp"
#include "operators/codecs/json_encoder.hpp"
#include "tests/operators/source_test_support.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;

constexpr int kPartitions = 4;
constexpr std::int64_t kCount = 4'000;
constexpr std::int64_t kStartTime = 1'760'000'000'000;

// The messages `rivulet generate fraud` should write: the events as JSON, the malformed ones
// as they are, from the generator built and polled here.
std::vector<std::string> expected_messages() {
  graphs::Node node;
  node.id = "generator";
  node.kind = "card_transactions";
  node.set_parameter("count", kCount);
  node.set_parameter("seed", std::int64_t{11});
  node.set_parameter("speedup", 0.0);
  node.set_parameter("malformed_probability", 0.02);
  node.set_parameter("start_time", kStartTime);
  node.set_parameter("cards", std::int64_t{500});
  const graphs::OperatorSpec spec = operators::card_transactions_spec();
  OperatorBuildContext context{node, spec, {}, {}, {}, 0, 1, ""};
  const OperatorFactory factory = operators::card_transactions_factory();
  auto source = std::get<SourceFactory>(factory)(context);
  EXPECT_TRUE(source) << (source ? "" : source.error().message);
  std::vector<std::string> messages;
  if (!source) return messages;
  operators::testing::CapturingCollector out;
  while ((*source)->has_more()) (*source)->poll(out, 4);
  const operators::codecs::JsonEncoder encoder(spec.outputs[0].schema.fields);
  for (const auto& [port, batches] : out.batches) {
    for (const auto& batch : batches) {
      for (std::size_t row = 0; row < batch->num_rows(); ++row) {
        std::string text;
        if (port == 0) {
          encoder.encode(*batch, row, text);
        } else {
          text = batch->column(0).string_at(row);
        }
        messages.push_back(std::move(text));
      }
    }
  }
  return messages;
}

TEST(GenerateCommand, WritesEveryEventAndEveryMalformedMessageOfTheSeedToTheTopic) {
  bench::BrokerProcess broker(RIVULET_CLI,
                              {"--topic", "transactions:" + std::to_string(kPartitions)});
  processtest::ChildProcess generate(
      {RIVULET_CLI, "generate", "fraud", "--count", std::to_string(kCount), "--seed", "11",
       "--speedup", "0", "--malformed-rate", "0.02", "--bootstrap", broker.bootstrap_servers(),
       "--set", "cards=500", "--set", "start_time=" + std::to_string(kStartTime), "--quiet"});
  const std::optional<int> rc = generate.wait(60s);
  ASSERT_TRUE(rc.has_value()) << "rivulet generate did not end";
  ASSERT_EQ(*rc, 0) << generate.err();

  auto records =
      kafkatest::consume_committed(broker.bootstrap_servers(), "transactions", kPartitions);
  ASSERT_TRUE(records.has_value()) << "the topic's end was not reached";
  std::vector<std::string> values;
  std::size_t keyed = 0;
  for (const kafkatest::ReadRecord& record : *records) {
    values.push_back(record.value);
    // Events are keyed by their card, so one card's transactions stay in order on a partition.
    if (!record.key.empty() &&
        record.value.find("\"card_id\":\"" + record.key + "\"") != std::string::npos) {
      ++keyed;
    }
  }
  std::vector<std::string> expected = expected_messages();
  std::sort(values.begin(), values.end());
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(values.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(values, expected);
  const std::size_t malformed = static_cast<std::size_t>(
      std::count_if(expected.begin(), expected.end(), [](const std::string& v) {
        return v.empty() || v.front() != '{' || v.back() != '}' ||
               v.find("the day before yesterday") != std::string::npos;
      }));
  EXPECT_GT(malformed, 40u);  // about 2 % of 4,000
  EXPECT_EQ(keyed, values.size() - malformed);
}

TEST(GenerateCommand, AnUnknownNameListsTheUseCases) {
  processtest::ChildProcess generate({RIVULET_CLI, "generate", "weather", "--count", "1"});
  const std::optional<int> rc = generate.wait(30s);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(*rc, 1);
  EXPECT_NE(generate.err().find("'weather' is not a generator: use one of clickstream, fraud, "
                                "iot, logs"),
            std::string::npos)
      << generate.err();
}

// --save-graph writes the graph `rivulet generate` would run, with the --set values and the
// --bootstrap in it, for `rivulet deploy` to a node; nothing runs.
TEST(GenerateCommand, SavesItsGraphWithTheSettingsInsteadOfRunning) {
  const std::string path =
      ::testing::TempDir() + "rivulet-generate-" + std::to_string(::getpid()) + ".json";
  processtest::ChildProcess generate({RIVULET_CLI, "generate", "fraud", "--save-graph", path,
                                      "--speedup", "5", "--malformed-rate", "0.01", "--set",
                                      "cards=500", "--bootstrap", "kafka1:9092"});
  const std::optional<int> rc = generate.wait(30s);
  ASSERT_TRUE(rc.has_value());
  ASSERT_EQ(*rc, 0) << generate.err();
  auto graph = graphs::load_graph(path);
  std::remove(path.c_str());
  ASSERT_TRUE(graph) << graph.error().message;
  const graphs::Node* generator = graph->node("generator");
  ASSERT_NE(generator, nullptr);
  EXPECT_EQ(generator->kind, "card_transactions");
  EXPECT_EQ(std::get<std::int64_t>(*generator->parameter("cards")), 500);
  EXPECT_EQ(std::get<double>(*generator->parameter("speedup")), 5.0);
  std::vector<std::string> sinks;
  for (const graphs::Node& node : graph->nodes) {
    if (node.kind != "kafka_sink") continue;
    sinks.push_back(std::get<std::string>(*node.parameter("topic")));
    EXPECT_EQ(std::get<std::string>(*node.parameter("bootstrap_servers")), "kafka1:9092");
  }
  // The events and, with a malformed rate, the malformed messages, both to the use case's topic.
  EXPECT_EQ(sinks, (std::vector<std::string>{"transactions", "transactions"}));
}

}  // namespace
}  // namespace rivulet::runtime
