// The IoT use case's generator (operators/scenarios/sensor_readings_model.cpp): devices report
// every interval, spikes and drifts stand out of their noise, and a device that goes silent
// stays silent long enough for missing-device detection.
#include "operators/scenarios/sensor_readings_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "operators/sensor_readings.hpp"
#include "scenario_test_support.hpp"

namespace rivulet::operators::scenarios {
namespace {

using testing::Event;

TEST(SensorReadingsModel, DevicesReportOnTimeAndPatternsStandOut) {
  testing::Scenario scenario(sensor_readings_spec(), sensor_readings_factory());
  // 100 devices (rate 20 x 5 s), 100,000 readings: 1,000 per device, about 83 minutes.
  scenario.set("count", std::int64_t{100'000}).set("rate", 20.0).set("pattern_scale", 5.0);
  scenario.set("late_probability", 0.0).set("max_out_of_orderness", graphs::Duration{0});
  const std::vector<Event> readings = testing::events_of(scenario.run());
  ASSERT_EQ(readings.size(), 100'000u);

  std::map<std::string, std::vector<const Event*>> by_device;
  for (const Event& r : readings) by_device[r["device_id"]].push_back(&r);
  EXPECT_EQ(by_device.size(), 100u);

  std::map<std::string, std::size_t> labelled;
  for (const auto& [device, rs] : by_device) {
    // The device's ordinary readings give its mean and noise.
    double sum = 0, squares = 0, n = 0;
    for (const Event* r : rs) {
      if (!(*r)["pattern"].empty()) continue;
      sum += r->number("value");
      squares += r->number("value") * r->number("value");
      ++n;
    }
    const double mean = sum / n;
    const double sigma = std::sqrt(squares / n - mean * mean);
    for (std::size_t i = 0; i < rs.size(); ++i) {
      const std::string& pattern = (*rs[i])["pattern"];
      ++labelled[pattern];
      const double z = std::abs(rs[i]->number("value") - mean) / sigma;
      if (pattern == "spike") {
        EXPECT_GT(z, 4.5) << device;
      }
      if (pattern.empty()) {
        EXPECT_LT(z, 6) << device;
      }
      if (i + 1 == rs.size()) continue;
      const std::int64_t gap = rs[i + 1]->time_ms - rs[i]->time_ms;
      if (pattern == "goes_silent") {
        EXPECT_GE(gap, 24 * 5'000) << device;
      } else {
        EXPECT_GE(gap, 4'750) << device;
        EXPECT_LE(gap, 5'250) << device;
      }
    }
  }
  EXPECT_GT(labelled["spike"], 50u);
  EXPECT_GT(labelled["drift"], 400u);  // 40 readings per drift
  EXPECT_GT(labelled["goes_silent"], 10u);
}

}  // namespace
}  // namespace rivulet::operators::scenarios
