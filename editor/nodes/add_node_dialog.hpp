#pragma once
// The default "Add node" dialog of the Nodes panel: address, an optional display name and the
// node's token (typed hidden, or read from a token file as the CLI's --token-file).

#include <optional>

#include "editor/nodes/nodes_panel.hpp"

namespace rivulet::editor {

// nullopt when the user cancels. Errors reading a token file are shown in the dialog.
std::optional<NodesPanel::NodeEntry> askForNode(QWidget* parent);

}  // namespace rivulet::editor
