#pragma once
// Copy, paste and duplicate: the selected nodes and the edges between them travel as a small
// graph in the lossless JSON form (so a paste into another editor window, or into a text file
// for a bug report, works too). Pasted nodes get fresh ids and are offset so they stay visible.

#include <QByteArray>
#include <set>
#include <string>
#include <vector>

#include "graphs/graph.hpp"

namespace rivulet::editor {

class GraphDocument;

inline constexpr char kGraphMimeType[] = "application/x-rivulet-graph";

// The nodes named in `ids` and the edges whose both ends are among them.
graphs::Graph extractFragment(const graphs::Graph& graph, const std::set<std::string>& ids);

// Renames the fragment's nodes to ids unused in `document` (edges follow), shifts positions.
void prepareForPaste(graphs::Graph& fragment, const GraphDocument& document, double dx, double dy);

// Puts the fragment on the system clipboard; reads it back (false when it holds no graph).
void copyToClipboard(const graphs::Graph& fragment);
bool pasteFromClipboard(graphs::Graph& fragment);

}  // namespace rivulet::editor
