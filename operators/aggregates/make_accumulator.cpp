#include <string>

#include "operators/aggregates/accumulator.hpp"

namespace rivulet::operators::aggregates {

graphs::Result<std::unique_ptr<Accumulator>> make_accumulator(const AggregateKind& kind) {
  const std::string_view f = kind.function;
  const bool numeric =
      kind.argument_type == FieldType::Int64 || kind.argument_type == FieldType::Float64;
  if (f == "count") return make_count(!kind.has_argument);
  if (!kind.has_argument) {
    return graphs::Error{"aggregate " + std::string(f) + " needs an argument"};
  }
  if (f == "count_distinct") return make_count_distinct(kind.argument_type);
  if (f == "min" || f == "max") return make_min_max(kind.argument_type, f == "max");
  if (!numeric) {
    return graphs::Error{"aggregate " + std::string(f) + " needs a number, got " +
                         graphs::to_string(kind.argument_type)};
  }
  if (f == "sum") return make_sum(kind.argument_type);
  if (f == "avg") return make_avg();
  if (f == "percentile") {
    if (!(kind.fraction > 0 && kind.fraction < 1)) {
      return graphs::Error{"percentile fraction must be between 0 and 1"};
    }
    return make_percentile(kind.fraction);
  }
  return graphs::Error{"unknown aggregate function '" + std::string(f) + "'"};
}

}  // namespace rivulet::operators::aggregates
