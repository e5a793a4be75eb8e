#include "operators/clickstream_events.hpp"

#include "operators/parameter_reader.hpp"
#include "operators/scenarios/clickstream_model.hpp"
#include "operators/scenarios/scenario_source.hpp"

namespace rivulet::operators {

graphs::OperatorSpec clickstream_events_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return scenarios::scenario_spec(
      "clickstream_events",
      "Generates labelled page views of user sessions, for clickstream analytics. Sessions of "
      "about 8 views a few seconds apart (never more than 20 s, so a session window with a 30 s "
      "gap sees whole "
      "sessions), browsing mostly within one category so pages viewed together are related. "
      "Injected and labelled in 'pattern': bot_burst (40-80 views 0.1-0.4 s apart) and "
      "long_session (120-200 views).",
      scenarios::clickstream_schema(),
      {integer("users", 20'000, "Number of users, over all instances.").min(1)},
      /*default_rate=*/200);
}

runtime::OperatorFactory clickstream_events_factory() {
  return scenarios::scenario_factory(
      [](const runtime::OperatorBuildContext& context,
         const scenarios::ScenarioConfig& config) -> graphs::Result<scenarios::ModelBuilder> {
        const ParameterReader params(context);
        auto users = params.integer("users");
        if (!users) return users.error();
        const scenarios::ClickstreamSettings settings{*users};
        return scenarios::ModelBuilder(
            [config, settings] { return scenarios::make_clickstream_model(config, settings); });
      });
}

}  // namespace rivulet::operators
