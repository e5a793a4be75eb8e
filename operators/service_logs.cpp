#include "operators/service_logs.hpp"

#include "operators/scenarios/scenario_source.hpp"
#include "operators/scenarios/service_logs_model.hpp"

namespace rivulet::operators {

graphs::OperatorSpec service_logs_spec() {
  return scenarios::scenario_spec(
      "service_logs",
      "Generates labelled log lines of a dozen services, for security and health monitoring. "
      "Each service with its own baseline error rate and usual messages, the auth service with its "
      "logins (a few percent failed, from many addresses). Injected and labelled in 'pattern': "
      "error_burst (100-200 extra errors of one service within 60-120 s), new_error (a message "
      "the service never logged before) and failed_logins (20-40 failed logins from one address "
      "within 60 s).",
      scenarios::service_logs_schema(), {}, /*default_rate=*/200);
}

runtime::OperatorFactory service_logs_factory() {
  return scenarios::scenario_factory(
      [](const runtime::OperatorBuildContext&,
         const scenarios::ScenarioConfig& config) -> graphs::Result<scenarios::ModelBuilder> {
        return scenarios::ModelBuilder(
            [config] { return scenarios::make_service_logs_model(config); });
      });
}

}  // namespace rivulet::operators
