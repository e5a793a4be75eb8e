// Kafka pass-through properties are an allow-list (operators/kafka/client_properties.*): a graph
// names no library to load and no command to run, and file settings stay inside the
// credentials directory. Checked by the validator (from the catalog) and again when the client
// is built (operators/kafka/client_config.*).
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../runtime/child_process.hpp"
#include "graphs/graph_io.hpp"
#include "graphs/validator.hpp"
#include "operators/builtin_catalog.hpp"
#include "operators/kafka/client_config.hpp"

namespace rivulet::operators {
namespace {

namespace fs = std::filesystem;
using graphs::StringList;

graphs::Graph sink_graph(const std::string& kind, StringList properties) {
  graphs::Graph graph;
  graph.name = "properties";
  graphs::Node source{"numbers", "datagen", "", {}, 1, {0, 0}};
  source.set_parameter("schema",
                       graphs::Value{graphs::Schema{{"id", graphs::FieldType::Int64, false}}});
  graphs::Node kafka{"out", kind, "", {}, 1, {200, 0}};
  if (kind == "kafka_sink") {
    kafka.set_parameter("topic", graphs::Value{std::string("out")});
    graph.nodes = {source, kafka};
    graph.edges.push_back(graphs::Edge{{"numbers", "out"}, {"out", "in"}, {}});
  } else {
    kafka.set_parameter("topics", graphs::Value{StringList{"in"}});
    kafka.set_parameter("schema",
                        graphs::Value{graphs::Schema{{"id", graphs::FieldType::Int64, false}}});
    graph.nodes = {kafka};
  }
  graph.nodes.back().set_parameter("properties", graphs::Value{std::move(properties)});
  return graph;
}

std::vector<std::string> property_problems(const graphs::Graph& graph) {
  std::vector<std::string> lines;
  for (const auto& problem : graphs::validate(graph, builtin_catalog()).problems) {
    if (problem.field == "parameters.properties" && problem.node_id == "out") {
      lines.push_back(problem.message);
    }
  }
  return lines;
}

TEST(KafkaPropertiesValidation, PlainClientSettingsPass) {
  EXPECT_TRUE(property_problems(
                  sink_graph("kafka_sink",
                             {"linger.ms=20", "compression.type=lz4", "security.protocol=SASL_SSL",
                              "sasl.mechanism=PLAIN", "ssl.ca.location=kafka/ca.pem"}))
                  .empty());
  EXPECT_TRUE(
      property_problems(sink_graph("kafka_source", {"fetch.wait.max.ms=50", "client.rack=r1"}))
          .empty());
}

TEST(KafkaPropertiesValidation, CodeLoadingAndCommandsAreRefusedNamingNodeAndProperty) {
  for (const std::string kind : {"kafka_sink", "kafka_source"}) {
    for (const std::string item :
         {"plugin.library.paths=/tmp/evil.so", "sasl.kerberos.kinit.cmd=touch /tmp/owned",
          "ssl.engine.location=/tmp/engine.so", "ssl.providers=legacy",
          "sasl.kerberos.min.time.before.relogin=60000"}) {
      const auto problems = property_problems(sink_graph(kind, {item}));
      ASSERT_EQ(problems.size(), 1u) << kind << " " << item;
      const std::string key = item.substr(0, item.find('='));
      EXPECT_NE(problems[0].find("'" + key + "' is not allowed"), std::string::npos) << problems[0];
    }
  }
}

TEST(KafkaPropertiesValidation, ProducerSettingsAreNotConsumerSettingsAndTyposGetASuggestion) {
  auto problems = property_problems(sink_graph("kafka_source", {"linger.ms=5"}));
  ASSERT_EQ(problems.size(), 1u);
  problems = property_problems(sink_graph("kafka_sink", {"linger.mss=5"}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("did you mean 'linger.ms'?"), std::string::npos) << problems[0];
  problems = property_problems(sink_graph("kafka_sink", {"no-equals-sign"}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("not of the form key=value"), std::string::npos) << problems[0];
}

TEST(KafkaPropertiesValidation, FileSettingsMustBeRelativeWithoutDotDot) {
  for (const std::string path : {"/etc/passwd", "../secrets/key.pem", "a/../../b", "a/.."}) {
    const auto problems = property_problems(sink_graph("kafka_sink", {"ssl.key.location=" + path}));
    ASSERT_EQ(problems.size(), 1u) << path;
    EXPECT_NE(problems[0].find("credentials directory"), std::string::npos) << problems[0];
  }
  EXPECT_TRUE(
      property_problems(sink_graph("kafka_sink", {"ssl.key.location=kafka/..key.pem"})).empty());
}

kafka::ClientSettings producer_settings(StringList properties, std::string credentials_dir = "") {
  kafka::ClientSettings settings;
  settings.role = kafka::ClientRole::Producer;
  settings.managed = {{"bootstrap.servers", "127.0.0.1:1"}};
  settings.properties = std::move(properties);
  settings.credentials_dir = std::move(credentials_dir);
  return settings;
}

std::string config_value(rd_kafka_conf_t* conf, const char* key) {
  char value[1024];
  size_t size = sizeof value;
  if (rd_kafka_conf_get(conf, key, value, &size) != RD_KAFKA_CONF_OK) return "<unset>";
  return value;
}

TEST(KafkaClientConfig, RefusesWhatTheValidatorRefusesEvenWithoutValidation) {
  for (const std::string item :
       {"plugin.library.paths=libfoo.so", "sasl.kerberos.kinit.cmd=id", "group.id.typo=1"}) {
    auto conf = kafka::build_client_config(producer_settings({item}));
    ASSERT_FALSE(conf.ok()) << item;
    EXPECT_NE(conf.error().message.find("is not a"), std::string::npos) << conf.error().message;
  }
  auto consumer_only = producer_settings({"fetch.wait.max.ms=10"});
  EXPECT_FALSE(kafka::build_client_config(consumer_only).ok());
  consumer_only.role = kafka::ClientRole::Consumer;
  EXPECT_TRUE(kafka::build_client_config(consumer_only).ok());
}

TEST(KafkaClientConfig, KerberosTicketRefreshNeverRunsKinit) {
  auto conf = kafka::build_client_config(
      producer_settings({"security.protocol=SASL_PLAINTEXT", "sasl.mechanism=GSSAPI",
                         "sasl.kerberos.principal=x; touch /tmp/owned"}));
  ASSERT_TRUE(conf.ok()) << conf.error().message;
  const std::string relogin = config_value(conf->get(), "sasl.kerberos.min.time.before.relogin");
  // "<unset>": librdkafka was built without GSSAPI, so it runs no kinit either.
  EXPECT_TRUE(relogin == "0" || relogin == "<unset>") << relogin;
}

class CredentialsDir : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rivulet-credentials-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "credentials" / "kafka");
    fs::create_directories(root_ / "outside");
    std::ofstream(root_ / "credentials" / "kafka" / "ca.pem") << "x";
    std::ofstream(root_ / "outside" / "key.pem") << "x";
    fs::create_directory_symlink(root_ / "outside", root_ / "credentials" / "escape");
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string dir() const { return (root_ / "credentials").string(); }
  fs::path root_;
};

TEST_F(CredentialsDir, FileSettingsResolveInsideIt) {
  auto conf =
      kafka::build_client_config(producer_settings({"ssl.ca.location=kafka/ca.pem"}, dir()));
  ASSERT_TRUE(conf.ok()) << conf.error().message;
  EXPECT_EQ(config_value(conf->get(), "ssl.ca.location"),
            fs::weakly_canonical(root_ / "credentials" / "kafka" / "ca.pem").string());
}

TEST_F(CredentialsDir, AbsoluteDotDotAndSymlinkEscapesAreRefused) {
  for (const std::string& path :
       {(root_ / "outside" / "key.pem").string(), std::string("../outside/key.pem"),
        std::string("escape/key.pem")}) {
    auto conf = kafka::build_client_config(producer_settings({"ssl.key.location=" + path}, dir()));
    ASSERT_FALSE(conf.ok()) << path;
    EXPECT_NE(conf.error().message.find("'ssl.key.location' names a file"), std::string::npos)
        << conf.error().message;
  }
}

TEST(KafkaClientConfig, FileSettingsWithoutACredentialsDirSayHowToConfigureOne) {
  auto conf = kafka::build_client_config(producer_settings({"ssl.ca.location=ca.pem"}));
  ASSERT_FALSE(conf.ok());
  EXPECT_NE(conf.error().message.find("--credentials-dir"), std::string::npos)
      << conf.error().message;
}

// The attack from the hardening issue, end to end: a graph whose Kafka sink names a library in
// plugin.library.paths. The library would write a marker file when loaded (checked first, so
// the test can fail); `rivulet graph validate` and `rivulet run` both refuse the graph naming
// node and property, and the library never runs.
TEST_F(CredentialsDir, AGraphNamingALibraryNeverLoadsIt) {
  const fs::path marker = root_ / "loaded.txt";
  ASSERT_EQ(::setenv("RIVULET_MARKER_FILE", (root_ / "control.txt").c_str(), 1), 0);
  void* handle = ::dlopen(RIVULET_MARKER_LIBRARY, RTLD_NOW);
  ASSERT_NE(handle, nullptr) << ::dlerror();
  ::dlclose(handle);
  ASSERT_TRUE(fs::exists(root_ / "control.txt")) << "the marker library does not write its file";
  ASSERT_EQ(::setenv("RIVULET_MARKER_FILE", marker.c_str(), 1), 0);

  graphs::Graph graph =
      sink_graph("kafka_sink", {std::string("plugin.library.paths=") + RIVULET_MARKER_LIBRARY});
  auto& source = graph.nodes.front();
  source.set_parameter("count", graphs::Value{std::int64_t{10}});
  const fs::path file = root_ / "attack.json";
  ASSERT_TRUE(graphs::save_graph(graph, file.string()));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"graph", "validate", file.string()},
        std::vector<std::string>{"run", file.string(), "--quiet"}}) {
    const runtime::processtest::Outcome outcome = runtime::processtest::run_rivulet(args);
    EXPECT_EQ(outcome.exit_code, 1) << args[0] << ": " << outcome.out << outcome.err;
    const std::string said = outcome.out + outcome.err;
    EXPECT_NE(said.find("'out'"), std::string::npos) << said;
    EXPECT_NE(said.find("plugin.library.paths"), std::string::npos) << said;
  }
  EXPECT_FALSE(fs::exists(marker)) << "a graph got a library loaded";
  ::unsetenv("RIVULET_MARKER_FILE");
}

// `rivulet run --credentials-dir` reaches the Kafka clients: the same graph naming a CA file is
// refused without it (naming node, parameter and how to configure one) and runs with it.
TEST_F(CredentialsDir, RunTakesFileSettingsFromItsCredentialsDir) {
  graphs::Graph graph = sink_graph("kafka_sink", {"ssl.ca.location=kafka/ca.pem"});
  graph.nodes.front().set_parameter("count", graphs::Value{std::int64_t{10}});
  graph.nodes.back().set_parameter("delivery", graphs::Value{std::string("at_least_once")});
  const fs::path file = root_ / "with-ca.json";
  ASSERT_TRUE(graphs::save_graph(graph, file.string()));
  const auto without = runtime::processtest::run_rivulet({"run", file.string(), "--quiet"});
  EXPECT_EQ(without.exit_code, 1);
  EXPECT_NE(without.err.find("node 'out', parameter 'properties': 'ssl.ca.location' names a file"),
            std::string::npos)
      << without.err;
  EXPECT_NE(without.err.find("--credentials-dir"), std::string::npos) << without.err;
  const auto with = runtime::processtest::run_rivulet(
      {"run", file.string(), "--quiet", "--credentials-dir", dir()});
  EXPECT_EQ(with.exit_code, 0) << with.err;
}

}  // namespace
}  // namespace rivulet::operators
