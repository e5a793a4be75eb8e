#pragma once
// Internal to the validator: rules about the shape of the graph, independent of parameters and
// schemas.

#include "graphs/validation_context.hpp"

namespace rivulet::graphs::validation {

// Ids (empty, duplicate), operator kinds, parallelism. Fills node_index and specs.
void check_nodes(Context& context);

// Endpoints (dangling nodes, unknown ports), duplicate edges, partitioning against parallelism
// and port kinds. Fills usable_edge.
void check_edges(Context& context);

// Required inputs left open (error) and nodes whose outputs go nowhere (warning).
void check_connections(Context& context);

// Reports each cycle and fills topological_order with the nodes not on or behind a cycle.
void order_nodes(Context& context);

}  // namespace rivulet::graphs::validation
