#pragma once
// Service logs (security monitoring and system health): log lines of a dozen services, each
// with its own baseline error rate (0.5–3 %) and its own usual messages; the auth service logs
// logins, a few percent of them failed from many addresses. Injected, each line labelled in
// `pattern`:
// - "error_burst": 100–200 extra ERROR lines of one service within 60–120 s;
// - "new_error": 1–5 ERROR lines, within 30 s, of a message the service never logged before;
// - "failed_logins": 20–40 failed logins from one address within 60 s.

#include <memory>

#include "operators/scenarios/scenario_model.hpp"

namespace rivulet::operators::scenarios {

const graphs::Schema& service_logs_schema();

std::unique_ptr<ScenarioModel> make_service_logs_model(const ScenarioConfig& config);

}  // namespace rivulet::operators::scenarios
