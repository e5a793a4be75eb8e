#include "operators/card_transactions.hpp"

#include "operators/parameter_reader.hpp"
#include "operators/scenarios/card_transactions_model.hpp"
#include "operators/scenarios/scenario_source.hpp"

namespace rivulet::operators {

graphs::OperatorSpec card_transactions_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return scenarios::scenario_spec(
      "card_transactions",
      "Generates labelled card transactions, for fraud detection. Ordinary spending of many "
      "cards at merchants near the town each card is in (its latitude and longitude; travel "
      "only as fast as a plane, 800 km/h), with fraud "
      "patterns injected "
      "and labelled in 'pattern': card_testing (8-14 small online amounts from one card, 1-6 s "
      "apart), high_amount (2,000-10,000 at once) and impossible_travel (a transaction 3,000 km "
      "or more from the card's previous one, seconds to minutes later).",
      scenarios::card_transactions_schema(),
      {integer("cards", 100'000, "Number of cards, over all instances.").min(1)},
      /*default_rate=*/200);
}

runtime::OperatorFactory card_transactions_factory() {
  return scenarios::scenario_factory(
      [](const runtime::OperatorBuildContext& context,
         const scenarios::ScenarioConfig& config) -> graphs::Result<scenarios::ModelBuilder> {
        const ParameterReader params(context);
        auto cards = params.integer("cards");
        if (!cards) return cards.error();
        const scenarios::CardTransactionsSettings settings{*cards};
        return scenarios::ModelBuilder([config, settings] {
          return scenarios::make_card_transactions_model(config, settings);
        });
      });
}

}  // namespace rivulet::operators
