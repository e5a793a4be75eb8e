#include "operators/alert.hpp"

#include "operators/common_parameters.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec alert_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("alert", "alert",
                  "Raises an alert per key when a rule fires: a count within a window, or a "
                  "threshold. The rule is evaluated on every record in event-time order; when it "
                  "fires, the triggering record is emitted with the alert fields appended. "
                  "count_in_window: at least 'count' records of the key within 'within' (a sliding "
                  "window ending at the triggering record). threshold: the record's 'field' is "
                  "above 'threshold'.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; rules are evaluated per key.")})
      .outputs({
          keyed_output(
              "out",
              append_fixed("in", {field("alert_rule", FieldType::String),
                                  field("alert_count", FieldType::Int64),
                                  field("alert_message", FieldType::String),
                                  field("alert_time", FieldType::Timestamp)}),
              "The triggering record followed by alert_rule (the rule name), alert_count "
              "(records in the window; 1 for threshold), alert_message and alert_time (event "
              "time of the triggering record); keyed like the input."),
          common::late_output("late", "in"),
      })
      .parameters({
          enumeration("rule", {"count_in_window", "threshold"}, "count_in_window",
                      "Which rule to evaluate; see the operator description."),
          integer("count", 5, "count_in_window: records needed to fire.").min(1),
          duration("within", minutes(1), "count_in_window: length of the sliding window.").min(1),
          list("field", ParameterType::FieldList,
               "threshold: the one numeric (int64 or float64) field to compare.")
              .over("in"),
          floating("threshold", 0.0, "threshold: fire when 'field' is greater than this."),
          text("message", "",
               "Text for alert_message; {name} is replaced by the triggering record's field "
               "'name', e.g. \"{tx_count} transactions on card {card_id}\". Empty: a message "
               "describing the rule."),
          duration("suppress_for", milliseconds(0),
                   "After an alert for a key, no further alert for that key until this much "
                   "event time has passed. 0: alert on every record that fires the rule.")
              .min(0),
      });
}

OperatorFactory alert_factory() { return {}; }

}  // namespace rivulet::operators
