// kafka_sink over the embedded broker: exact JSON values and keys, read back with a plain
// consumer; delivery errors fail the task; bad parameters are refused at build time
// (exactly_once: transactional_sink_test.cpp).

#include "operators/kafka_sink.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "operators/kafka/client_errors.hpp"
#include "operators/kafka/kafka_sink_operator.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/embedded_broker.hpp"
#include "tests/operators/kafka_test_support.hpp"
#include "tests/runtime/kafka_client.hpp"

namespace rivulet::operators {
namespace {

using graphs::FieldType;
using graphs::Parameter;
using graphs::StringList;

const graphs::Schema kSchema{{"card", FieldType::String, false},
                             {"n", FieldType::Int64, false},
                             {"total", FieldType::Float64, true},
                             {"at", FieldType::Timestamp, false}};

struct NullCollector : runtime::Collector {
  void emit(std::size_t, runtime::BatchPtr) override {}
  bool has_capacity() const override { return true; }
};

class KafkaSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime::BrokerOptions options;
    options.topics = {{"out", 1}};
    auto started = runtime::EmbeddedBroker::start(options);
    ASSERT_TRUE(started.ok()) << started.error().message;
    broker_ = std::move(*started);
  }

  graphs::Result<std::unique_ptr<runtime::Operator>> build(std::vector<Parameter> parameters) {
    node_ = testing::node("sink", "kafka_sink", std::move(parameters));
    spec_ = kafka_sink_spec();
    runtime::OperatorBuildContext context{node_, spec_, {}, {}, {}, 0, 1, {}};
    context.input_schemas = {kSchema};
    context.bootstrap_servers = broker_->bootstrap_servers();
    const runtime::OperatorFactory factory = kafka_sink_factory();
    return std::get<runtime::TransformFactory>(factory)(context);
  }

  static runtime::BatchPtr batch() {
    runtime::BatchBuilder b(std::make_shared<const graphs::Schema>(kSchema));
    b.append_string(0, "c-1");
    b.append_int64(1, 3);
    b.append_float64(2, 12.5);
    b.append_int64(3, 1700000000000);
    b.end_row(0);
    b.append_string(0, "c\"2");
    b.append_int64(1, 5);
    b.append_null(2);
    b.append_int64(3, 1700000060000);
    b.end_row(0);
    return b.finish();
  }

  // Delivered (acknowledged) records right now, without serving any delivery report.
  static std::uint64_t acknowledged(runtime::Operator& sink) {
    return dynamic_cast<kafka::KafkaSink&>(sink).records_written();
  }

  std::unique_ptr<runtime::EmbeddedBroker> broker_;
  graphs::Node node_;
  graphs::OperatorSpec spec_;
};

TEST_F(KafkaSinkTest, WritesJsonValuesWithSingleFieldKeys) {
  // A linger far longer than the test: only an explicit flush sends the records in time.
  auto sink = build({{"topic", std::string("out")},
                     {"key_fields", StringList{"card"}},
                     {"properties", StringList{"linger.ms=60000"}}});
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  ASSERT_TRUE((*sink)->open({}).ok());
  NullCollector none;
  (*sink)->process(0, batch(), none);
  EXPECT_EQ(acknowledged(**sink), 0u);  // still lingering in the producer
  const auto started = std::chrono::steady_clock::now();
  (*sink)->on_end_of_input(none);  // flushes: everything is acknowledged when it returns
  EXPECT_EQ(acknowledged(**sink), 2u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  auto messages = runtime::kafkatest::consume(broker_->bootstrap_servers(), "out", 1, 2);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].key, "c-1");
  EXPECT_EQ(messages[0].value, R"({"card":"c-1","n":3,"total":12.5,"at":1700000000000})");
  EXPECT_EQ(messages[1].key, "c\"2");
  EXPECT_EQ(messages[1].value, R"({"card":"c\"2","n":5,"total":null,"at":1700000060000})");
  (*sink)->close();
}

TEST_F(KafkaSinkTest, SeveralKeyFieldsMakeAJsonKeyAndCsvValues) {
  auto sink = build({{"topic", std::string("out")},
                     {"key_fields", StringList{"n", "card"}},
                     {"format", std::string("csv")},
                     {"properties", StringList{"linger.ms=60000"}}});
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  ASSERT_TRUE((*sink)->open({}).ok());
  NullCollector none;
  (*sink)->process(0, batch(), none);
  runtime::StateWriter* no_state = nullptr;
  struct Discard : runtime::StateWriter {
    graphs::Status write_blob(std::string_view, std::span<const std::byte>) override {
      return graphs::Ok{};
    }
  } discard;
  no_state = &discard;
  EXPECT_EQ(acknowledged(**sink), 0u);
  ASSERT_TRUE((*sink)->snapshot(1, *no_state).ok());  // the barrier flushes
  EXPECT_EQ(acknowledged(**sink), 2u);
  auto messages = runtime::kafkatest::consume(broker_->bootstrap_servers(), "out", 1, 2);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].key, R"({"n":3,"card":"c-1"})");
  EXPECT_EQ(messages[0].value, "c-1,3,12.5,1700000000000");
  EXPECT_EQ(messages[1].value, "\"c\"\"2\",5,,1700000060000");
}

TEST_F(KafkaSinkTest, DeliveryErrorsFailTheTask) {
  auto sink =
      build({{"topic", std::string("out")}, {"properties", StringList{"message.timeout.ms=1500"}}});
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  ASSERT_TRUE(broker_->set_broker_down(1).ok());
  ASSERT_TRUE((*sink)->open({}).ok());
  NullCollector none;
  try {
    (*sink)->process(0, batch(), none);
    (*sink)->on_end_of_input(none);
    FAIL() << "expected a delivery error";
  } catch (const kafka::KafkaError& error) {
    EXPECT_NE(std::string(error.what()).find("node 'sink': delivery to 'out' failed"),
              std::string::npos)
        << error.what();
  }
}

TEST_F(KafkaSinkTest, FactoryRefusesManagedPropertiesAndUnknownKeys) {
  auto managed = build(
      {{"topic", std::string("out")}, {"properties", StringList{"enable.idempotence=false"}}});
  ASSERT_FALSE(managed.ok());
  EXPECT_NE(managed.error().message.find("'enable.idempotence' is managed by Rivulet"),
            std::string::npos);
  auto unknown_key = build({{"topic", std::string("out")}, {"key_fields", StringList{"nope"}}});
  ASSERT_FALSE(unknown_key.ok());
  EXPECT_NE(unknown_key.error().message.find("parameter 'key_fields'"), std::string::npos);
}

}  // namespace
}  // namespace rivulet::operators
