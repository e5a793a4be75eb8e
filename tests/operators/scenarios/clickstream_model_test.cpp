// The clickstream use case's generator (operators/scenarios/clickstream_model.cpp): sessions
// hold together (one user, gaps under 20 s), bot bursts and long sessions have their shape.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "operators/clickstream_events.hpp"
#include "scenario_test_support.hpp"

namespace rivulet::operators::scenarios {
namespace {

using testing::Event;

TEST(ClickstreamModel, SessionsHoldTogetherAndPatternsHaveTheirShape) {
  testing::Scenario scenario(clickstream_events_spec(), clickstream_events_factory());
  scenario.set("count", std::int64_t{60'000})
      .set("pattern_scale", 3.0)
      .set("late_probability", 0.0);
  scenario.set("max_out_of_orderness", graphs::Duration{0});
  const std::vector<Event> views = testing::events_of(scenario.run());
  ASSERT_EQ(views.size(), 60'000u);

  struct Session {
    std::string user, pattern;
    std::vector<std::int64_t> times;
    std::set<std::string> categories;
  };
  std::map<std::string, Session> sessions;
  std::int64_t last = 0;
  for (const Event& v : views) {
    EXPECT_GE(v.time_ms, last);  // in event-time order without disorder
    last = v.time_ms;
    Session& s = sessions[v["session_id"]];
    if (s.times.empty()) {
      s.user = v["user_id"];
      s.pattern = v["pattern"];
      EXPECT_NE(v["referrer"], "internal");
    } else {
      EXPECT_EQ(v["user_id"], s.user);
      EXPECT_EQ(v["pattern"], s.pattern);
      EXPECT_EQ(v["referrer"], "internal");
    }
    EXPECT_EQ(v["page"].rfind("/" + v["category"] + "/item-", 0), 0u) << v["page"];
    s.times.push_back(v.time_ms);
    s.categories.insert(v["category"]);
  }
  std::map<std::string, std::size_t> by_pattern;
  double ordinary_views = 0, ordinary_sessions = 0;
  for (const auto& [id, s] : sessions) {
    ++by_pattern[s.pattern];
    for (std::size_t i = 1; i < s.times.size(); ++i) {
      const std::int64_t gap = s.times[i] - s.times[i - 1];
      if (s.pattern == "bot_burst") {
        EXPECT_LE(gap, 400) << id;
      } else {
        EXPECT_LE(gap, 20'000) << id;
      }
    }
    if (s.pattern.empty()) {
      ordinary_views += static_cast<double>(s.times.size());
      ++ordinary_sessions;
    }
  }
  EXPECT_GT(by_pattern["bot_burst"], 5u);
  EXPECT_GT(by_pattern["long_session"], 10u);
  EXPECT_NEAR(ordinary_views / ordinary_sessions, 8.0, 1.0);
}

}  // namespace
}  // namespace rivulet::operators::scenarios
