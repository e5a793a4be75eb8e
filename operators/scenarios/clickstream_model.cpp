#include "operators/scenarios/clickstream_model.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "operators/scenarios/scheduled_events.hpp"
#include "operators/scenarios/sim_random.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators::scenarios {
namespace {

using graphs::FieldType;

constexpr double kMeanViews = 8;  // of an ordinary session
constexpr double kMeanGapMs = 6'000;
constexpr double kMaxGapMs = 20'000;
constexpr double kSameCategory = 0.7;
constexpr int kItemsPerCategory = 30;
constexpr double kBotBurstRate = 0.003;  // per session started
constexpr double kLongSessionRate = 0.005;

constexpr std::array<std::string_view, 10> kCategories = {"shoes",  "books", "phones",  "laptops",
                                                          "garden", "toys",  "kitchen", "music",
                                                          "sports", "beauty"};
constexpr std::array<std::string_view, 5> kReferrers = {"search", "newsletter", "direct", "social",
                                                        "ads"};
constexpr std::array<std::string_view, 3> kDevices = {"mobile", "desktop", "tablet"};

struct View {
  std::uint32_t user = 0;
  std::uint64_t session = 0;
  std::uint16_t category = 0;
  std::uint16_t item = 0;
  std::uint16_t referrer = 0;  // kReferrers index; first view only
  std::uint16_t device = 0;
  bool first = true;
  std::int32_t remaining = 0;  // views after this one
  std::string_view pattern;
};

class ClickstreamModel final : public ScenarioModel {
 public:
  ClickstreamModel(const ScenarioConfig& config, const ClickstreamSettings& settings)
      : config_(config),
        random_(config.seed),
        users_(std::max<std::int64_t>(
            (settings.users - config.subtask_index + config.parallelism - 1) / config.parallelism,
            1)),
        next_session_ms_(static_cast<double>(config.start_time_ms)) {}

  const graphs::Schema& schema() const override { return clickstream_schema(); }
  std::size_t time_field() const override { return 6; }
  std::size_t key_field() const override { return 0; }

  std::int64_t advance() override {
    const auto arrival = static_cast<std::int64_t>(next_session_ms_);
    if (!scheduled_.empty() && scheduled_.next_time() <= arrival) {
      current_time_ms_ = scheduled_.next_time();
      current_ = scheduled_.pop();
    } else {
      current_time_ms_ = arrival;
      current_ = start_session();
      // Sessions arrive so that views (not sessions) come at `rate` on average.
      next_session_ms_ += random_.exponential(1000.0 * kMeanViews / config_.rate);
    }
    if (current_.remaining > 0) schedule_next(current_);
    return current_time_ms_;
  }

  void write(runtime::BatchBuilder& out, std::int64_t event_time_ms) const override {
    const std::uint64_t user =
        std::uint64_t{current_.user} * config_.parallelism + config_.subtask_index;
    out.append_string(0, "user-" + std::to_string(user));
    out.append_string(
        1, "s" + std::to_string(config_.subtask_index) + "-" + std::to_string(current_.session));
    out.append_string(2, "/" + std::string(kCategories[current_.category]) + "/item-" +
                             std::to_string(current_.item));
    out.append_string(3, kCategories[current_.category]);
    out.append_string(
        4, current_.first ? kReferrers[current_.referrer] : std::string_view("internal"));
    out.append_string(5, kDevices[current_.device]);
    out.append_int64(6, event_time_ms);
    out.append_string(7, current_.pattern);
  }

 private:
  std::uint16_t random_category() {
    return static_cast<std::uint16_t>(random_.uniform_int(0, kCategories.size() - 1));
  }
  // Popular items first: item k with probability falling off like a square law.
  std::uint16_t random_item() {
    const double u = random_.uniform01();
    return static_cast<std::uint16_t>(1 + static_cast<int>(u * u * kItemsPerCategory));
  }

  View start_session() {
    View v;
    v.user = static_cast<std::uint32_t>(random_.uniform_int(0, users_ - 1));
    v.session = sessions_++;
    v.category = random_category();
    v.item = random_item();
    v.referrer = static_cast<std::uint16_t>(random_.uniform_int(0, kReferrers.size() - 1));
    v.device = static_cast<std::uint16_t>(random_.uniform_int(0, kDevices.size() - 1));
    const double scale = config_.pattern_scale;
    if (random_.bernoulli(kBotBurstRate * scale)) {
      v.pattern = "bot_burst";
      v.device = 1;
      v.referrer = 2;
      v.remaining = static_cast<std::int32_t>(random_.uniform_int(40, 80)) - 1;
    } else if (random_.bernoulli(kLongSessionRate * scale)) {
      v.pattern = "long_session";
      v.remaining = static_cast<std::int32_t>(random_.uniform_int(120, 200)) - 1;
    } else {
      v.pattern = "";
      v.remaining = static_cast<std::int32_t>(random_.geometric_at_least_one(kMeanViews)) - 1;
    }
    return v;
  }

  void schedule_next(const View& view) {
    View next = view;
    next.first = false;
    --next.remaining;
    double gap = 0;
    if (view.pattern == "bot_burst") {
      gap = random_.uniform(100, 400);
      next.category = random_category();
      next.item = static_cast<std::uint16_t>(random_.uniform_int(1, kItemsPerCategory));
    } else {
      gap = std::min(random_.exponential(kMeanGapMs), kMaxGapMs);
      if (!random_.bernoulli(kSameCategory)) next.category = random_category();
      next.item = random_item();
    }
    scheduled_.schedule(
        current_time_ms_ + std::max<std::int64_t>(static_cast<std::int64_t>(gap), 1), next);
  }

  ScenarioConfig config_;
  SimRandom random_;
  std::int64_t users_;
  double next_session_ms_;
  std::uint64_t sessions_ = 0;
  ScheduledEvents<View> scheduled_;
  std::int64_t current_time_ms_ = 0;
  View current_;
};

}  // namespace

const graphs::Schema& clickstream_schema() {
  static const graphs::Schema schema = {
      spec::field("user_id", FieldType::String),  spec::field("session_id", FieldType::String),
      spec::field("page", FieldType::String),     spec::field("category", FieldType::String),
      spec::field("referrer", FieldType::String), spec::field("device", FieldType::String),
      spec::field("ts", FieldType::Timestamp),    spec::field("pattern", FieldType::String)};
  return schema;
}

std::unique_ptr<ScenarioModel> make_clickstream_model(const ScenarioConfig& config,
                                                      const ClickstreamSettings& settings) {
  return std::make_unique<ClickstreamModel>(config, settings);
}

}  // namespace rivulet::operators::scenarios
