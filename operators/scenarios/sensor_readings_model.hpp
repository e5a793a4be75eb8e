#pragma once
// IoT sensors (smart-city sensors, predictive maintenance): devices on sites report a reading
// every reading_interval (±5 %), around their own base value with noise and a slow daily-like
// swing. The number of devices is rate × reading_interval. Injected, each reading labelled in
// `pattern`:
// - "spike": one reading 8–15 standard deviations off the device's base;
// - "drift": 40 readings drifting steadily away, up to 12 standard deviations;
// - "goes_silent": the device's last reading before it stops reporting for 24–60 intervals
//   (then it resumes), what missing-device detection must find.

#include <memory>

#include "operators/scenarios/scenario_model.hpp"

namespace rivulet::operators::scenarios {

struct SensorReadingsSettings {
  std::int64_t reading_interval_ms = 5'000;
};

const graphs::Schema& sensor_readings_schema();

std::unique_ptr<ScenarioModel> make_sensor_readings_model(const ScenarioConfig& config,
                                                          const SensorReadingsSettings& settings);

}  // namespace rivulet::operators::scenarios
