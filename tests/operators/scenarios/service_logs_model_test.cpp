// The log-analysis use case's generator (operators/scenarios/service_logs_model.cpp): failed
// login attacks come from one outside address each, new errors are really new, error bursts
// are bursts.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "operators/service_logs.hpp"
#include "scenario_test_support.hpp"

namespace rivulet::operators::scenarios {
namespace {

using testing::Event;

TEST(ServiceLogsModel, InjectedIncidentsHaveTheirShape) {
  testing::Scenario scenario(service_logs_spec(), service_logs_factory());
  scenario.set("count", std::int64_t{200'000})
      .set("pattern_scale", 5.0)
      .set("late_probability", 0.0);
  scenario.set("max_out_of_orderness", graphs::Duration{0});
  const std::vector<Event> lines = testing::events_of(scenario.run());
  ASSERT_EQ(lines.size(), 200'000u);

  std::map<std::string, std::set<std::string>> messages_seen;  // by service
  std::map<std::string, std::vector<std::int64_t>> attacks;    // failed_logins by address
  std::map<std::string, std::size_t> labelled;
  std::size_t ordinary_outside = 0;
  for (const Event& l : lines) {
    const std::string& pattern = l["pattern"];
    ++labelled[pattern];
    const bool outside = l["source_ip"].rfind("203.0.113.", 0) == 0;
    if (pattern == "failed_logins") {
      EXPECT_TRUE(outside) << l["source_ip"];
      EXPECT_EQ(l["service"], "auth");
      EXPECT_EQ(l["message"], "login failed");
      attacks[l["source_ip"]].push_back(l.time_ms);
    } else if (outside) {
      ++ordinary_outside;
    }
    std::set<std::string>& seen = messages_seen[l["service"]];
    if (pattern == "new_error") {
      EXPECT_EQ(l["level"], "ERROR");
      // New to the service (its repeats within 30 s aside).
      EXPECT_EQ(l["message"].rfind("unhandled ", 0), 0u);
    } else {
      EXPECT_EQ(l["message"].rfind("unhandled ", 0), std::string::npos) << l["message"];
    }
    if (pattern == "error_burst") {
      EXPECT_EQ(l["level"], "ERROR");
    }
    seen.insert(l["message"]);
  }
  EXPECT_EQ(ordinary_outside, 0u);
  EXPECT_GT(labelled["failed_logins"], 200u);
  EXPECT_GT(labelled["new_error"], 10u);
  EXPECT_GT(labelled["error_burst"], 500u);
  for (const auto& [address, times] : attacks) EXPECT_GE(times.size(), 20u) << address;
}

}  // namespace
}  // namespace rivulet::operators::scenarios
