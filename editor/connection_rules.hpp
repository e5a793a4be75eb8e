#pragma once
// Which port-to-port connections the canvas accepts while the user drags. Only structural rules
// live here (direction, port kinds, duplicates, cycles); everything about schemas is left to the
// validator so the editor and `rivulet graph validate` never disagree on what is valid.

#include <QObject>
#include <QString>
#include <optional>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::editor {

// nullopt when `from` (an output port) may feed `to` (an input port); otherwise why not.
std::optional<QString> connectionRefusal(const graphs::Graph& graph,
                                         const graphs::Catalog& catalog,
                                         const graphs::Endpoint& from,
                                         const graphs::Endpoint& to);

}  // namespace rivulet::editor
