#pragma once
// Which port-to-port connections the canvas accepts while the user drags, and the partitioning a
// new connection starts with. Only structural rules
// live here (direction, port kinds, duplicates, cycles); everything about schemas is left to the
// validator so the editor and `rivulet graph validate` never disagree on what is valid.

#include <QObject>
#include <QString>
#include <optional>
#include <string>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor {

// nullopt when `from` (an output port) may feed `to` (an input port); otherwise why not.
std::optional<QString> connectionRefusal(const graphs::Graph& graph, const graphs::Catalog& catalog,
                                         const graphs::Endpoint& from, const graphs::Endpoint& to);

// The partitioning a new edge from `from` to `to` starts with: into a keyed input, hash on the
// keys the upstream stream is keyed by — the fields a keying output declares (key_by's "keys",
// PortSpec::keyed_by), or, for a keyed output that keeps its input's keys, those of the edge
// feeding that input — so the edge says how records are spread; forward otherwise (and when the
// keys are not known yet: the validator then says what is missing).
graphs::Partitioning defaultPartitioning(const graphs::Graph& graph, const graphs::Catalog& catalog,
                                         const graphs::Endpoint& from, const graphs::Endpoint& to);

// The fields the stream out of `output` is keyed by, as far as the graph and catalog declare
// them; empty when unkeyed or unknown.
std::vector<std::string> upstreamKeys(const graphs::Graph& graph, const graphs::Catalog& catalog,
                                      const graphs::Endpoint& output);

}  // namespace rivulet::editor
