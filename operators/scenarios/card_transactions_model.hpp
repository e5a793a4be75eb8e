#pragma once
// Card transactions (the fraud-detection use case). Cards make transactions as a Poisson
// process over all cards, at merchants (latitude, longitude) within a few kilometres of the town
// the card is in, with amounts log-normal around the card's own typical amount; a card moves to
// another town (abroad) only when the time since its last transaction allows the journey at
// 800 km/h, so ordinary consecutive transactions more than a few kilometres apart are never
// faster than that. Injected, each event labelled in `pattern`:
// - "card_testing": 8–14 small amounts (0.50–2.99) from one card 1–6 s apart at online shops;
// - "high_amount": one transaction of 2,000–10,000 on an ordinary card;
// - "impossible_travel": a transaction at least 3,000 km from the card's previous one, seconds
//   to minutes after it.

#include <memory>

#include "operators/scenarios/scenario_model.hpp"

namespace rivulet::operators::scenarios {

struct CardTransactionsSettings {
  std::int64_t cards = 100'000;  // over all instances
};

const graphs::Schema& card_transactions_schema();

std::unique_ptr<ScenarioModel> make_card_transactions_model(
    const ScenarioConfig& config, const CardTransactionsSettings& settings);

}  // namespace rivulet::operators::scenarios
