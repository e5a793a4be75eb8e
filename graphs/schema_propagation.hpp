#pragma once
// Internal to the validator: computes record schemas node by node in topological order, from
// the sources' declared schemas through each output port's SchemaRule, and checks everything
// that needs a schema: expression, aggregate and field-list parameters, hash key fields, inputs
// fed by several edges. Where an upstream schema is unknown (because of a problem reported
// elsewhere) the checks that need it are skipped, so one mistake gives one problem.

#include "graphs/validation_context.hpp"

namespace rivulet::graphs::validation {

// Needs check_nodes, check_edges and order_nodes to have run. Fills the report's
// output_schemas and edge_schemas.
void propagate_schemas(Context& context);

}  // namespace rivulet::graphs::validation
