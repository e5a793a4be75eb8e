#pragma once
// Automatic left-to-right layered layout. Uses Graphviz's dot engine (libgvc), which minimises
// edge crossings well; if the dot plugin cannot be loaded it falls back to a simple layered
// layout (longest-path ranks, barycentre ordering) so the command always does something sane.

#include <map>
#include <string>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor {

// New top-left positions for every node, keyed by node id.
std::map<std::string, graphs::Position> computeLayout(const graphs::Graph& graph,
                                                      const graphs::Catalog& catalog);

// The fallback on its own (tests use it to compare; never needs Graphviz).
std::map<std::string, graphs::Position> computeLayeredLayout(const graphs::Graph& graph,
                                                             const graphs::Catalog& catalog);

// True when every node sits at the origin: a graph written by hand or by a tool, never laid out.
bool needsLayout(const graphs::Graph& graph);

}  // namespace rivulet::editor
