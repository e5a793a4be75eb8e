#include "operators/window_aggregate.hpp"

#include "operators/common_parameters.hpp"
#include "operators/spec_builder.hpp"

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
          duration("size", minutes(1), "tumbling and sliding: window length.").min(1),
          duration("slide", seconds(10), "sliding: distance between window starts; at most 'size'.")
              .min(1),
          duration("gap", minutes(5), "session: inactivity that closes a session.").min(1),
          required_list("aggregates", ParameterType::AggregateList,
                        "\"function(argument) AS name\" items: count(*), count(x) (non-NULL "
                        "values), sum(x), min(x), max(x), avg(x), count_distinct(x), "
                        "percentile(x, 0.99). NULL arguments are ignored, as in SQL.")
              .over("in"),
          common::allowed_lateness(),
      });
}

OperatorFactory window_aggregate_factory() { return {}; }

}  // namespace rivulet::operators
