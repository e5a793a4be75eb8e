#include "operators/scenarios/sensor_readings_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "operators/scenarios/scheduled_events.hpp"
#include "operators/scenarios/sim_random.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators::scenarios {
namespace {

using graphs::FieldType;

constexpr double kSpikeRate = 0.0003;  // per reading
constexpr double kDriftRate = 0.0001;
constexpr double kSilenceRate = 0.0001;
constexpr int kDriftReadings = 40;
constexpr double kDriftMaxSigmas = 12;
constexpr double kSwingPeriodMs = 3'600'000;  // the slow swing: one hour of event time

struct Metric {
  std::string_view name;
  double base_lo, base_hi;  // device base values
  double noise;             // standard deviation as a fraction of the base
};
constexpr std::array kMetrics = {Metric{"temperature", 15, 30, 0.01},
                                 Metric{"vibration", 0.5, 3.0, 0.02},
                                 Metric{"pressure", 95, 105, 0.005}};
constexpr std::array<std::string_view, 6> kSites = {"north-bridge", "harbour", "old-town",
                                                    "station",      "airport", "stadium"};

struct Device {
  std::uint16_t metric = 0;
  std::uint16_t site = 0;
  double base = 0;
  double sigma = 0;
  double phase = 0;
  int drift_left = 0;  // readings still drifting
  double drift_sign = 1;
};

class SensorReadingsModel final : public ScenarioModel {
 public:
  SensorReadingsModel(const ScenarioConfig& config, const SensorReadingsSettings& settings)
      : config_(config),
        random_(config.seed),
        interval_ms_(std::max<std::int64_t>(settings.reading_interval_ms, 1)) {
    const auto count = std::max<std::int64_t>(
        static_cast<std::int64_t>(
            std::llround(config.rate * static_cast<double>(interval_ms_) / 1000.0)),
        1);
    devices_.resize(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      Device& d = devices_[i];
      d.metric = static_cast<std::uint16_t>(random_.uniform_int(0, kMetrics.size() - 1));
      d.site = static_cast<std::uint16_t>(random_.uniform_int(0, kSites.size() - 1));
      const Metric& m = kMetrics[d.metric];
      d.base = random_.uniform(m.base_lo, m.base_hi);
      d.sigma = d.base * m.noise;
      d.phase = random_.uniform(0, 6.283185307179586);
      ticks_.schedule(config.start_time_ms + random_.uniform_int(0, interval_ms_ - 1),
                      static_cast<std::uint32_t>(i));
    }
  }

  const graphs::Schema& schema() const override { return sensor_readings_schema(); }
  std::size_t time_field() const override { return 4; }
  std::size_t key_field() const override { return 0; }

  std::int64_t advance() override {
    current_time_ms_ = ticks_.next_time();
    device_ = ticks_.pop();
    Device& d = devices_[device_];
    const double scale = config_.pattern_scale;
    const double swing =
        d.sigma * std::sin(d.phase + 6.283185307179586 * static_cast<double>(current_time_ms_) /
                                         kSwingPeriodMs);
    value_ = d.base + swing + random_.normal(0, d.sigma);
    pattern_ = "";
    std::int64_t next =
        current_time_ms_ +
        static_cast<std::int64_t>(static_cast<double>(interval_ms_) * random_.uniform(0.95, 1.05));
    if (d.drift_left > 0) {
      const int step = kDriftReadings - d.drift_left + 1;
      value_ += d.drift_sign * d.sigma * kDriftMaxSigmas * step / kDriftReadings;
      pattern_ = "drift";
      --d.drift_left;
    } else if (random_.bernoulli(kSpikeRate * scale)) {
      value_ = d.base + (random_.bernoulli(0.5) ? 1 : -1) * d.sigma * random_.uniform(8, 15);
      pattern_ = "spike";
    } else if (random_.bernoulli(kDriftRate * scale)) {
      d.drift_left = kDriftReadings;
      d.drift_sign = random_.bernoulli(0.5) ? 1 : -1;
    } else if (random_.bernoulli(kSilenceRate * scale)) {
      pattern_ = "goes_silent";
      next = current_time_ms_ + interval_ms_ * random_.uniform_int(24, 60);
    }
    ticks_.schedule(next, device_);
    return current_time_ms_;
  }

  void write(runtime::BatchBuilder& out, std::int64_t event_time_ms) const override {
    const Device& d = devices_[device_];
    const std::uint64_t id = std::uint64_t{device_} * config_.parallelism + config_.subtask_index;
    out.append_string(0, "device-" + std::to_string(id));
    out.append_string(1, kSites[d.site]);
    out.append_string(2, kMetrics[d.metric].name);
    out.append_float64(3, std::round(value_ * 1000) / 1000);
    out.append_int64(4, event_time_ms);
    out.append_string(5, pattern_);
  }

 private:
  ScenarioConfig config_;
  SimRandom random_;
  std::int64_t interval_ms_;
  std::vector<Device> devices_;
  ScheduledEvents<std::uint32_t> ticks_;  // each device's next reading
  std::int64_t current_time_ms_ = 0;
  std::uint32_t device_ = 0;
  double value_ = 0;
  std::string_view pattern_;
};

}  // namespace

const graphs::Schema& sensor_readings_schema() {
  static const graphs::Schema schema = {
      spec::field("device_id", FieldType::String), spec::field("site", FieldType::String),
      spec::field("metric", FieldType::String),    spec::field("value", FieldType::Float64),
      spec::field("ts", FieldType::Timestamp),     spec::field("pattern", FieldType::String)};
  return schema;
}

std::unique_ptr<ScenarioModel> make_sensor_readings_model(const ScenarioConfig& config,
                                                          const SensorReadingsSettings& settings) {
  return std::make_unique<SensorReadingsModel>(config, settings);
}

}  // namespace rivulet::operators::scenarios
