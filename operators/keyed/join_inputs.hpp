#pragma once
// What every two-input join (window_join, join) checks at build time: both inputs keyed, by
// the same number of fields of compatible types, and an output of the left then the right
// fields — each failure an error naming the node and the input.

#include <cstddef>
#include <string_view>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/operator_factory.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::keyed {

struct JoinInputs {
  std::vector<std::size_t> key_columns[2];  // left, right
  runtime::SchemaPtr input_schemas[2];
  runtime::SchemaPtr output_schema;  // left fields then right fields
};

// `kind` names the operator in messages; `right_nullable`: an outer join fills the right fields
// with NULL, so the output says they are nullable whatever the propagated schema kept.
[[nodiscard]] graphs::Result<JoinInputs> resolve_join_inputs(
    const runtime::OperatorBuildContext& context, std::string_view kind, bool right_nullable);

}  // namespace rivulet::operators::keyed
