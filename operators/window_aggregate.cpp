#include "operators/window_aggregate.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graphs/expr/check.hpp"
#include "operators/common_parameters.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "operators/window_aggregate_operator.hpp"

namespace rivulet::operators {

graphs::OperatorSpec window_aggregate_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("window_aggregate", "window",
                  "Aggregates records per key in tumbling, sliding or session event-time windows. "
                  "It emits one record per key and window when the watermark passes the window's "
                  "end: the key fields, window_start, window_end, then the aggregates. Output "
                  "event time is window_end - 1 ms, so a downstream window of the same size groups "
                  "the results of one window together.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records (from key_by); the keys group the windows.")})
      .outputs({
          // keys "": the validator takes the key fields from the keyed input.
          output("out", window_aggregate("in", "", "aggregates"),
                 "One record per key and window: key fields, window_start, window_end "
                 "(timestamps), then the aggregates."),
          common::late_output("late", "in"),
      })
      .parameters({
          enumeration("window", {"tumbling", "sliding", "session"}, "tumbling",
                      "tumbling: fixed, non-overlapping windows of 'size' aligned to the epoch. "
                      "sliding: windows of 'size' starting every 'slide' (a record is in "
                      "size/slide windows). session: per key, records closer than 'gap' to each "
                      "other form one window, which closes after 'gap' without records."),
          duration("size", minutes(1), "tumbling and sliding: window length.")
              .min(1)
              .when("window", {"tumbling", "sliding"}),
          duration("slide", seconds(10), "sliding: distance between window starts; at most 'size'.")
              .min(1)
              .when("window", {"sliding"}),
          duration("gap", minutes(5), "session: inactivity that closes a session.")
              .min(1)
              .when("window", {"session"}),
          required_list("aggregates", ParameterType::AggregateList,
                        "\"function(argument) AS name\" items: count(*), count(x) (non-NULL "
                        "values), sum(x), min(x), max(x), avg(x), count_distinct(x), "
                        "percentile(x, 0.99). NULL arguments are ignored, as in SQL.")
              .over("in"),
          common::allowed_lateness(),
      });
}

graphs::Result<WindowAggregateOptions> window_aggregate_options(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  WindowAggregateOptions options;
  windows::WindowSpec& w = options.window;

  auto kind = params.string("window");
  if (!kind) return kind.error();
  if (*kind == "tumbling") {
    w.kind = windows::WindowKind::Tumbling;
  } else if (*kind == "sliding") {
    w.kind = windows::WindowKind::Sliding;
  } else if (*kind == "session") {
    w.kind = windows::WindowKind::Session;
  } else {
    return params.error("window", "unknown window kind '" + *kind + "'");
  }
  for (auto [name, target] :
       {std::pair{"size", &w.size}, std::pair{"slide", &w.slide}, std::pair{"gap", &w.gap},
        std::pair{"allowed_lateness", &w.allowed_lateness}}) {
    auto value = params.duration_ms(name);
    if (!value) return value.error();
    *target = *value;
  }
  if (w.size < 1 || w.slide < 1 || w.gap < 1 || w.allowed_lateness < 0) {
    return params.error("size", "window durations must be positive");
  }
  if (w.kind == windows::WindowKind::Sliding && w.slide > w.size) {
    return params.error("slide", "the slide (" + std::to_string(w.slide) +
                                     " ms) must not exceed the window size (" +
                                     std::to_string(w.size) + " ms)");
  }

  if (context.input_schemas.empty()) return params.error("aggregates", "no input schema");
  const graphs::Schema& input = context.input_schemas[0];
  if (!context.input_keys.empty()) options.key_fields = context.input_keys[0];
  options.node_id = context.node.id;
  options.task_name = context.node.id + "#" + std::to_string(context.subtask_index);
  options.state_backend = context.state_backend;

  auto items = params.string_list("aggregates");
  if (!items) return items.error();
  if (items->empty()) return params.error("aggregates", "at least one aggregate is needed");
  for (const std::string& item : *items) {
    auto checked = graphs::expr::check_aggregate(item, input);
    if (!checked.ok()) {
      return params.error("aggregates", "\"" + item + "\": " + checked.error.to_string());
    }
    options.aggregates.push_back(std::move(*checked.value));
  }
  return options;
}

runtime::OperatorFactory window_aggregate_factory() {
  return runtime::TransformFactory([](const runtime::OperatorBuildContext& context)
                                       -> graphs::Result<std::unique_ptr<runtime::Operator>> {
    auto options = window_aggregate_options(context);
    if (!options) return options.error();
    return std::unique_ptr<runtime::Operator>(
        std::make_unique<WindowAggregateOperator>(std::move(*options)));
  });
}

}  // namespace rivulet::operators
