#include "operators/top_n.hpp"

#include "operators/common_parameters.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec top_n_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("top_n", "window",
                  "Ranks records per key and tumbling event-time window and keeps the first N. "
                  "Like Flink SQL's window Top-N, it emits them ordered by 'order_by' with their "
                  "rank when the watermark passes the window's end. For a global ranking of window "
                  "results (top pages per minute), key the window_aggregate output by window_end "
                  "first.")
      .stateful()
      .inputs({keyed_input("in", "Keyed records; each key is ranked separately.")})
      .outputs({
          keyed_output("out", append_fixed("in", {field("rank", FieldType::Int64)}),
                       "Up to n records per key and window, the input fields followed by rank "
                       "(1 = first); keyed like the input."),
          common::late_output("late", "in"),
      })
      .parameters({
          integer("n", 10, "How many records to keep per key and window.").min(1).max(10000),
          required_list("order_by", ParameterType::FieldList,
                        "Fields to order by: the first decides, later ones break ties; records "
                        "still tied keep their arrival order. NULL values rank last.")
              .over("in"),
          boolean("descending", true, "true: largest values first; false: smallest first."),
          required_duration("size", "Length of the tumbling windows.").min(1),
      });
}

OperatorFactory top_n_factory() { return {}; }

}  // namespace rivulet::operators
