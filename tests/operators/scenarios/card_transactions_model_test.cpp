// The fraud use case's generator (operators/scenarios/card_transactions_model.cpp): every
// injected pattern has the shape its label promises, and ordinary spending never looks like
// one — what the fraud pipeline's checked results rely on.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "operators/card_transactions.hpp"
#include "operators/scenarios/geography.hpp"
#include "scenario_test_support.hpp"

namespace rivulet::operators::scenarios {
namespace {

using testing::Event;

std::vector<Event> transactions(std::int64_t count, double pattern_scale, std::int64_t seed = 7) {
  testing::Scenario scenario(card_transactions_spec(), card_transactions_factory());
  scenario.set("count", count).set("seed", seed).set("pattern_scale", pattern_scale);
  scenario.set("cards", std::int64_t{2'000}).set("late_probability", 0.0);
  scenario.set("max_out_of_orderness", graphs::Duration{0});  // true times, in order
  return testing::events_of(scenario.run());
}

TEST(CardTransactionsModel, TheSameSeedGivesTheSameTransactions) {
  const auto a = transactions(2'000, 5), b = transactions(2'000, 5), c = transactions(2'000, 5, 8);
  ASSERT_EQ(a.size(), 2'000u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].fields, b[i].fields) << i;
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i].fields == c[i].fields ? 1 : 0;
  EXPECT_LT(same, 10u);
}

TEST(CardTransactionsModel, InjectedPatternsHaveTheirShapeAndOrdinarySpendingNever) {
  const std::vector<Event> all = transactions(100'000, 10);
  std::map<std::string, std::size_t> labelled;
  std::map<std::string, const Event*> previous;                    // by card
  std::map<std::string, std::vector<std::int64_t>> testing_times;  // card_testing by card
  std::size_t ordinary_large = 0;
  for (const Event& e : all) {
    const std::string& pattern = e["pattern"];
    ++labelled[pattern];
    const Event* before = previous[e["card_id"]];
    const double amount = e.number("amount");
    const double km = before ? distance_km(before->number("latitude"), before->number("longitude"),
                                           e.number("latitude"), e.number("longitude"))
                             : 0;
    if (pattern == "impossible_travel") {
      ASSERT_NE(before, nullptr);
      EXPECT_GE(km, 3'000);
      EXPECT_LE(e.time_ms - before->time_ms, 180'000);
    } else if (before && (*before)["pattern"] != "impossible_travel" && km > 50) {
      // Ordinary journeys are possible: at most 800 km/h since the card's last transaction.
      const double hours = static_cast<double>(e.time_ms - before->time_ms) / 3.6e6;
      EXPECT_LE(km, hours * 800) << e["card_id"] << " " << (*before)["country"] << "->"
                                 << e["country"];
    } else if (before && (*before)["pattern"] != "impossible_travel") {
      EXPECT_EQ(e["country"], (*before)["country"]) << "a card stays in its town";
    }
    if (pattern == "card_testing") {
      EXPECT_GE(amount, 0.5);
      EXPECT_LT(amount, 3.0);
      EXPECT_EQ(e["category"], "online");
      testing_times[e["card_id"]].push_back(e.time_ms);
    }
    if (pattern == "high_amount") {
      EXPECT_GE(amount, 2'000);
    }
    if (pattern.empty() && amount >= 2'000) ++ordinary_large;
    previous[e["card_id"]] = &e;
  }
  EXPECT_GT(labelled["card_testing"], 100u);
  EXPECT_GT(labelled["high_amount"], 10u);
  EXPECT_GT(labelled["impossible_travel"], 10u);
  EXPECT_LT(ordinary_large, 20u);  // a high_amount rule at 2,000 alerts on < 0.02 % of the rest
  for (const auto& [card, times] : testing_times) {
    // Bursts of at least 8 within 90 s (a card may get two), unless the run ended within one.
    if (times.front() + 90'000 < all.back().time_ms) {
      EXPECT_GE(times.size(), 8u) << card;
    }
  }
}

}  // namespace
}  // namespace rivulet::operators::scenarios
