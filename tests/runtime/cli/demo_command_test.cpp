// `rivulet demo NAME` (runtime/cli/demo_command.cpp) as a user runs it: one process with the
// embedded broker, the use case's generator and its example graph; the records of the example's
// output topics are printed (read_committed) while it runs. Each use case must show results on
// its main output topic within a bounded demo run (event time 60x the wall clock), each result
// once (its sinks are exactly once, the demo reads read_committed), dead letters for its
// malformed messages, and end cleanly at --for.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../child_process.hpp"

namespace rivulet::runtime {
namespace {

using namespace std::chrono_literals;

struct DemoCase {
  std::string name;
  std::string results_topic;      // the topic that must show results
  std::string dead_letter_topic;  // where the malformed messages go
};

std::ostream& operator<<(std::ostream& out, const DemoCase& c) { return out << c.name; }

// Lines "topic: record" per topic, from the demo's standard output.
std::map<std::string, std::vector<std::string>> records_by_topic(const std::string& out) {
  std::map<std::string, std::vector<std::string>> by_topic;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t colon = line.find(": ");
    if (colon == std::string::npos || line.find(' ') < colon) continue;
    by_topic[line.substr(0, colon)].push_back(line.substr(colon + 2));
  }
  return by_topic;
}

class DemoCommandTest : public ::testing::TestWithParam<DemoCase> {};

TEST_P(DemoCommandTest, ShowsResultsAndDeadLettersOfTheUseCaseWhileItRuns) {
  const DemoCase& use_case = GetParam();
  processtest::ChildProcess demo({RIVULET_CLI, "demo", use_case.name, "--for", "25", "--speedup",
                                  "60", "--malformed-rate", "0.01", "--quiet"});
  const std::optional<int> rc = demo.wait(120s);
  ASSERT_TRUE(rc.has_value()) << "rivulet demo did not end after --for";
  ASSERT_EQ(*rc, 0) << demo.err();
  const auto records = records_by_topic(demo.out());
  ASSERT_TRUE(records.count(use_case.results_topic))
      << "no record on " << use_case.results_topic << "; output:\n"
      << demo.out() << "\nerrors:\n"
      << demo.err();
  std::set<std::string> distinct;
  for (const std::string& record : records.at(use_case.results_topic)) {
    EXPECT_EQ(record.front(), '{') << record;  // a JSON result, as the sink writes it
    EXPECT_TRUE(distinct.insert(record).second) << "shown twice (exactly once): " << record;
  }
  ASSERT_TRUE(records.count(use_case.dead_letter_topic)) << demo.out();
  EXPECT_NE(records.at(use_case.dead_letter_topic).front().find("reason"), std::string::npos)
      << records.at(use_case.dead_letter_topic).front();
}

INSTANTIATE_TEST_SUITE_P(UseCases, DemoCommandTest,
                         ::testing::Values(DemoCase{"fraud", "card-alerts", "transactions-dlq"},
                                           DemoCase{"iot", "device-stats", "sensor-readings-dlq"}),
                         [](const auto& info) { return info.param.name; });

TEST(DemoCommand, RefusesAnUnknownUseCaseNamingTheKnownOnes) {
  processtest::ChildProcess demo({RIVULET_CLI, "demo", "weather", "--for", "5"});
  const std::optional<int> rc = demo.wait(30s);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(*rc, 1);
  EXPECT_NE(demo.err().find("no use case 'weather'"), std::string::npos) << demo.err();
  EXPECT_NE(demo.err().find("clickstream, fraud, iot, logs"), std::string::npos) << demo.err();
}

TEST(DemoCommand, NamesAMissingGraphFile) {
  processtest::ChildProcess demo(
      {RIVULET_CLI, "demo", "fraud", "--graph", "/nonexistent/edited.json", "--for", "5"});
  const std::optional<int> rc = demo.wait(30s);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(*rc, 1);
  EXPECT_NE(demo.err().find("/nonexistent/edited.json"), std::string::npos) << demo.err();
}

}  // namespace
}  // namespace rivulet::runtime
