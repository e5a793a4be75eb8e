#include "operators/window_join.hpp"

#include "operators/common_parameters.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec window_join_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("window_join", "join",
                  "Joins two keyed streams on their keys within tumbling event-time windows. As in "
                  "Flink's window join, records of the left and the right input with equal keys in "
                  "the same tumbling event-time window are paired, and the pairs are emitted when "
                  "the watermark passes the window's end. Both inputs must be keyed by the same "
                  "number of fields, of the same types, in the same order.")
      .stateful()
      .inputs({
          keyed_input("left", "Left records, keyed like 'right'."),
          keyed_input("right", "Right records, keyed like 'left'."),
      })
      .outputs({
          output("out", join("left", "right"),
                 "One record per matching pair: the left fields, then the right fields (a name "
                 "that clashes is prefixed \"right_\"). With join_type = left, a left record "
                 "without match is emitted once with NULL right fields."),
          common::late_output("left_late", "left"),
          common::late_output("right_late", "right"),
      })
      .parameters({
          required_duration("size", "Length of the tumbling windows both sides are grouped in.")
              .min(1),
          enumeration("join_type", {"inner", "left"}, "inner",
                      "inner: only matching pairs. left: also every left record that found no "
                      "match in its window, with the right fields NULL."),
          common::allowed_lateness(),
      });
}

OperatorFactory window_join_factory() { return {}; }

}  // namespace rivulet::operators
