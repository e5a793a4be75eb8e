#include "operators/scenarios/card_transactions_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <unordered_set>
#include <vector>

#include "operators/scenarios/geography.hpp"
#include "operators/scenarios/scheduled_events.hpp"
#include "operators/scenarios/sim_random.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators::scenarios {
namespace {

using graphs::FieldType;

constexpr double kTravelKmPerHour = 800;      // legitimate journeys are never faster
constexpr double kImpossibleMinKm = 3'000;    // an injected pair is at least this far apart
constexpr double kTravelProbability = 0.003;  // a transaction tries a journey abroad
constexpr double kCardTestingRate = 0.0004;   // patterns started per ordinary transaction
constexpr double kHighAmountRate = 0.0004;
constexpr double kImpossibleTravelRate = 0.0004;
constexpr std::size_t kRecentCards = 256;

constexpr std::array<std::string_view, 8> kCategories = {
    "grocery", "fuel", "online", "electronics", "travel", "restaurant", "pharmacy", "jewellery"};
constexpr std::array<double, 8> kCategoryWeights = {30, 12, 20, 6, 4, 18, 8, 2};

struct Transaction {
  std::uint32_t card = 0;  // index among this instance's cards
  std::uint16_t category = 0;
  std::uint16_t merchant = 0;
  std::uint16_t country = 0;
  double latitude = 0;  // the merchant's place
  double longitude = 0;
  double amount = 0;
  std::string_view pattern;
};

// Where a card is being used: a town of a country (its capital's region), where its
// transactions happen within a few kilometres of each other.
struct Stay {
  std::uint16_t country = 0;
  float latitude = 0;
  float longitude = 0;
};

struct CardState {
  Stay stay;
  float typical_log_amount = 0;
  std::int64_t last_time_ms = -1;
  bool initialised = false;
};

class CardTransactionsModel final : public ScenarioModel {
 public:
  CardTransactionsModel(const ScenarioConfig& config, const CardTransactionsSettings& settings)
      : config_(config),
        random_(config.seed),
        cards_(static_cast<std::size_t>(std::max<std::int64_t>(
            (settings.cards - config.subtask_index + config.parallelism - 1) / config.parallelism,
            1))),
        time_ms_(static_cast<double>(config.start_time_ms)) {
    for (const Country& country : countries()) country_weights_.push_back(country.weight);
  }

  const graphs::Schema& schema() const override { return card_transactions_schema(); }
  std::size_t time_field() const override { return 7; }
  std::size_t key_field() const override { return 0; }

  std::int64_t advance() override {
    const auto background = static_cast<std::int64_t>(time_ms_);
    if (!scheduled_.empty() && scheduled_.next_time() <= background) {
      current_time_ms_ = scheduled_.next_time();
      current_ = scheduled_.pop();
      place_scheduled(current_);
    } else {
      current_time_ms_ = background;
      current_ = ordinary(background);
      time_ms_ += random_.exponential(1000.0 / config_.rate);
      inject_patterns(background);
    }
    state(current_.card).last_time_ms = current_time_ms_;
    return current_time_ms_;
  }

  void write(runtime::BatchBuilder& out, std::int64_t event_time_ms) const override {
    const std::uint64_t card_number =
        std::uint64_t{current_.card} * config_.parallelism + config_.subtask_index;
    out.append_string(0, "card-" + std::to_string(card_number));
    out.append_string(
        1, std::string(kCategories[current_.category]) + "-" + std::to_string(current_.merchant));
    out.append_string(2, kCategories[current_.category]);
    out.append_string(3, countries()[current_.country].code);
    out.append_float64(4, std::round(current_.latitude * 1e5) / 1e5);
    out.append_float64(5, std::round(current_.longitude * 1e5) / 1e5);
    out.append_float64(6, current_.amount);
    out.append_int64(7, event_time_ms);
    out.append_string(8, current_.pattern);
  }

 private:
  CardState& state(std::uint32_t card) {
    CardState& s = cards_[card];
    if (!s.initialised) {
      s.stay = stay_in(static_cast<std::uint16_t>(random_.weighted(country_weights_)));
      s.typical_log_amount = static_cast<float>(random_.normal(3.3, 0.5));
      s.initialised = true;
    }
    return s;
  }

  // A town within about 50 km of the country's capital.
  Stay stay_in(std::uint16_t country) {
    const Country& c = countries()[country];
    return Stay{country, static_cast<float>(c.latitude + random_.uniform(-0.4, 0.4)),
                static_cast<float>(c.longitude + random_.uniform(-0.4, 0.4))};
  }

  // A merchant of the town the card is in (within about 2 km).
  void place_at(Transaction& t, const Stay& stay) {
    t.country = stay.country;
    t.latitude = stay.latitude + random_.uniform(-0.015, 0.015);
    t.longitude = stay.longitude + random_.uniform(-0.015, 0.015);
  }

  static double cents(double amount) { return std::round(amount * 100) / 100; }

  std::uint16_t category() {
    return static_cast<std::uint16_t>(random_.weighted(kCategoryWeights));
  }

  Transaction ordinary(std::int64_t now) {
    Transaction t;
    t.card = static_cast<std::uint32_t>(
        random_.uniform_int(0, static_cast<std::int64_t>(cards_.size()) - 1));
    CardState& card = state(t.card);
    if (random_.bernoulli(kTravelProbability)) {  // a journey, if the time allows it
      const Stay to = stay_in(static_cast<std::uint16_t>(random_.weighted(country_weights_)));
      const double hours =
          card.last_time_ms < 0 ? 1e9 : static_cast<double>(now - card.last_time_ms) / 3.6e6;
      // Measured from the town to the far side of the destination town (a merchant may be 2 km
      // out), so no pair of consecutive ordinary transactions is faster than kTravelKmPerHour.
      const double km =
          distance_km(card.stay.latitude, card.stay.longitude, to.latitude, to.longitude) + 5;
      if (km <= hours * kTravelKmPerHour) card.stay = to;
    }
    place_at(t, card.stay);
    t.category = category();
    t.merchant = static_cast<std::uint16_t>(random_.uniform_int(1, 400));
    t.amount = cents(std::max(0.5, std::exp(random_.normal(card.typical_log_amount, 0.8))));
    t.pattern = "";
    recent_[recent_next_++ % kRecentCards] = t.card;
    return t;
  }

  // Scheduled events take their place when they happen: where the card is then, or, for
  // impossible travel, far from it.
  void place_scheduled(Transaction& t) {
    const Stay& stay = state(t.card).stay;
    if (t.pattern != "impossible_travel") {
      place_at(t, stay);
      return;
    }
    travelling_.erase(t.card);
    far_.clear();
    for (std::size_t i = 0; i < countries().size(); ++i) {
      const Country& c = countries()[i];
      if (distance_km(stay.latitude, stay.longitude, c.latitude, c.longitude) >=
          kImpossibleMinKm + 60) {
        far_.push_back(static_cast<std::uint16_t>(i));
      }
    }
    // Every country has one at least 3,060 km away in the table; the card stays where it is.
    const std::uint16_t country = far_[static_cast<std::size_t>(
        random_.uniform_int(0, static_cast<std::int64_t>(far_.size()) - 1))];
    place_at(t, stay_in(country));
  }

  void inject_patterns(std::int64_t now) {
    const double scale = config_.pattern_scale;
    if (random_.bernoulli(kCardTestingRate * scale)) card_testing(now);
    if (random_.bernoulli(kHighAmountRate * scale)) high_amount(now);
    if (random_.bernoulli(kImpossibleTravelRate * scale)) impossible_travel(now);
  }

  std::uint32_t random_card() {
    return static_cast<std::uint32_t>(
        random_.uniform_int(0, static_cast<std::int64_t>(cards_.size()) - 1));
  }

  void card_testing(std::int64_t now) {
    Transaction t;
    t.card = random_card();
    state(t.card);
    t.category = 2;  // online
    t.pattern = "card_testing";
    std::int64_t at = now;
    const std::int64_t n = random_.uniform_int(8, 14);
    for (std::int64_t i = 0; i < n; ++i) {
      at += random_.uniform_int(1'000, 6'000);
      t.merchant = static_cast<std::uint16_t>(random_.uniform_int(1, 400));
      t.amount = cents(random_.uniform(0.5, 2.99));
      scheduled_.schedule(at, t);
    }
  }

  void high_amount(std::int64_t now) {
    Transaction t;
    t.card = random_card();
    state(t.card);
    t.category = random_.bernoulli(0.5) ? 3 : 7;  // electronics or jewellery
    t.merchant = static_cast<std::uint16_t>(random_.uniform_int(1, 400));
    t.amount = cents(random_.uniform(2'000, 10'000));
    t.pattern = "high_amount";
    scheduled_.schedule(now + random_.uniform_int(0, 1'000), t);
  }

  // A card used a moment ago turns up far away: seconds to minutes after its last transaction.
  void impossible_travel(std::int64_t now) {
    const std::size_t filled = std::min<std::size_t>(recent_next_, kRecentCards);
    if (filled == 0) return;
    Transaction t;
    t.card = recent_[static_cast<std::size_t>(
        random_.uniform_int(0, static_cast<std::int64_t>(filled) - 1))];
    // One at a time per card: a second one would follow the first from far away to far away.
    if (!travelling_.insert(t.card).second) return;
    t.category = category();
    t.merchant = static_cast<std::uint16_t>(random_.uniform_int(1, 400));
    t.amount = cents(std::exp(random_.normal(state(t.card).typical_log_amount, 0.8)));
    t.pattern = "impossible_travel";
    scheduled_.schedule(now + random_.uniform_int(5'000, 180'000), t);
  }

  ScenarioConfig config_;
  SimRandom random_;
  std::vector<CardState> cards_;
  std::vector<double> country_weights_;
  std::vector<std::uint16_t> far_;
  std::unordered_set<std::uint32_t> travelling_;  // cards with an impossible journey scheduled
  ScheduledEvents<Transaction> scheduled_;
  std::array<std::uint32_t, kRecentCards> recent_{};
  std::size_t recent_next_ = 0;
  double time_ms_;  // the next ordinary transaction's time
  std::int64_t current_time_ms_ = 0;
  Transaction current_;
};

}  // namespace

const graphs::Schema& card_transactions_schema() {
  static const graphs::Schema schema = {
      spec::field("card_id", FieldType::String),   spec::field("merchant", FieldType::String),
      spec::field("category", FieldType::String),  spec::field("country", FieldType::String),
      spec::field("latitude", FieldType::Float64), spec::field("longitude", FieldType::Float64),
      spec::field("amount", FieldType::Float64),   spec::field("ts", FieldType::Timestamp),
      spec::field("pattern", FieldType::String)};
  return schema;
}

std::unique_ptr<ScenarioModel> make_card_transactions_model(
    const ScenarioConfig& config, const CardTransactionsSettings& settings) {
  return std::make_unique<CardTransactionsModel>(config, settings);
}

}  // namespace rivulet::operators::scenarios
