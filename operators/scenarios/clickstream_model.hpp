#pragma once
// Clickstream (the real-time analytics use case): sessions of page views. Sessions start as a
// Poisson process, belong to a user, last 1 + geometric(7) views with gaps of a few seconds
// (never above 20 s, so a session window with a gap of 30 s or more sees whole sessions), and
// browse within a category with probability 0.7 — so pages viewed together in a session
// ("also viewed") are related. Injected, each view labelled in `pattern`:
// - "bot_burst": a session of 40–80 views 0.1–0.4 s apart over random pages;
// - "long_session": a session of 120–200 views.

#include <memory>

#include "operators/scenarios/scenario_model.hpp"

namespace rivulet::operators::scenarios {

struct ClickstreamSettings {
  std::int64_t users = 20'000;  // over all instances
};

const graphs::Schema& clickstream_schema();

std::unique_ptr<ScenarioModel> make_clickstream_model(const ScenarioConfig& config,
                                                      const ClickstreamSettings& settings);

}  // namespace rivulet::operators::scenarios
