#include "operators/sensor_readings.hpp"

#include "operators/parameter_reader.hpp"
#include "operators/scenarios/scenario_source.hpp"
#include "operators/scenarios/sensor_readings_model.hpp"

namespace rivulet::operators {

graphs::OperatorSpec sensor_readings_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return scenarios::scenario_spec(
      "sensor_readings",
      "Generates labelled IoT sensor readings of devices on city sites. Devices report "
      "temperature, vibration or pressure every reading_interval (the number of devices is rate x "
      "reading_interval). "
      "Injected and labelled in 'pattern': spike (one reading 8-15 standard deviations off), "
      "drift (40 readings drifting away to 12 standard deviations) and goes_silent (the last "
      "reading before the device stops reporting for 24-60 intervals).",
      scenarios::sensor_readings_schema(),
      {duration("reading_interval", seconds(5), "Time between two readings of a device (±5 %).")
           .min(1)},
      /*default_rate=*/200);
}

runtime::OperatorFactory sensor_readings_factory() {
  return scenarios::scenario_factory(
      [](const runtime::OperatorBuildContext& context,
         const scenarios::ScenarioConfig& config) -> graphs::Result<scenarios::ModelBuilder> {
        const ParameterReader params(context);
        auto interval = params.duration_ms("reading_interval");
        if (!interval) return interval.error();
        const scenarios::SensorReadingsSettings settings{*interval};
        return scenarios::ModelBuilder(
            [config, settings] { return scenarios::make_sensor_readings_model(config, settings); });
      });
}

}  // namespace rivulet::operators
