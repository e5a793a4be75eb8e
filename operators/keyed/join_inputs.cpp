#include "operators/keyed/join_inputs.hpp"

#include <memory>
#include <string>

#include "operators/keyed/key_encoder.hpp"
#include "runtime/field_ref.hpp"

namespace rivulet::operators::keyed {

graphs::Result<JoinInputs> resolve_join_inputs(const runtime::OperatorBuildContext& context,
                                               std::string_view kind, bool right_nullable) {
  const std::string& id = context.node.id;
  if (context.input_schemas.size() != 2 || context.output_schemas.empty()) {
    return graphs::Error{"node '" + id + "': " + std::string(kind) +
                         " needs inputs 'left' and 'right'"};
  }
  JoinInputs inputs;
  static const char* const kPorts[2] = {"left", "right"};
  for (std::size_t side = 0; side < 2; ++side) {
    const std::vector<std::string> keys =
        side < context.input_keys.size() ? context.input_keys[side] : std::vector<std::string>{};
    if (keys.empty()) {
      return graphs::Error{"node '" + id + "', input '" + kPorts[side] + "': " + std::string(kind) +
                           " needs a keyed input (key_by or a hash edge)"};
    }
    auto columns = runtime::resolve_fields(context.input_schemas[side], keys);
    if (!columns) {
      return graphs::Error{"node '" + id + "', input '" + kPorts[side] +
                           "': " + columns.error().message};
    }
    inputs.key_columns[side] = std::move(*columns);
    inputs.input_schemas[side] =
        std::make_shared<const graphs::Schema>(context.input_schemas[side]);
  }
  if (inputs.key_columns[0].size() != inputs.key_columns[1].size()) {
    return graphs::Error{"node '" + id + "': inputs 'left' and 'right' are keyed by " +
                         std::to_string(inputs.key_columns[0].size()) + " and " +
                         std::to_string(inputs.key_columns[1].size()) +
                         " fields; a join needs the same number"};
  }
  for (std::size_t k = 0; k < inputs.key_columns[0].size(); ++k) {
    const graphs::Field& l = context.input_schemas[0][inputs.key_columns[0][k]];
    const graphs::Field& r = context.input_schemas[1][inputs.key_columns[1][k]];
    if (!key_types_compatible(l.type, r.type)) {
      return graphs::Error{"node '" + id + "': key field " + std::to_string(k + 1) + " is " +
                           graphs::to_string(l.type) + " ('" + l.name + "') on the left but " +
                           graphs::to_string(r.type) + " ('" + r.name + "') on the right"};
    }
  }
  graphs::Schema output = context.output_schemas[0];
  const std::size_t left_size = context.input_schemas[0].size();
  if (output.size() != left_size + context.input_schemas[1].size()) {
    return graphs::Error{"node '" + id +
                         "': output 'out' must hold the left then the right fields"};
  }
  if (right_nullable) {
    for (std::size_t c = left_size; c < output.size(); ++c) output[c].nullable = true;
  }
  inputs.output_schema = std::make_shared<const graphs::Schema>(std::move(output));
  return inputs;
}

}  // namespace rivulet::operators::keyed
