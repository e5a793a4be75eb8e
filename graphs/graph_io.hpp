#pragma once
// Reading and writing graph files: Cap'n Proto binary (.rgraph), packed binary (.rgraphp) and
// the lossless JSON text form (.json) for review and diffs. Never throws: hostile bytes give an
// Error with a message a user can act on.

#include <string>
#include <string_view>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"

namespace rivulet::graphs {

enum class GraphFormat { Binary, Packed, Json };

// By extension: .rgraph → Binary, .rgraphp → Packed, .json → Json; anything else is an error.
Result<GraphFormat> format_for_path(const std::string& path);

Result<Graph> decode_graph(std::string_view bytes, GraphFormat format);
Result<std::string> encode_graph(const Graph& graph, GraphFormat format);

Result<Graph> load_graph(const std::string& path);
Status save_graph(const Graph& graph, const std::string& path);

}  // namespace rivulet::graphs
