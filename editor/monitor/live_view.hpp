#pragma once
// The live state a NodeItem or EdgeItem draws in monitor mode: a copy of what the MonitorModel
// computed for it, plus how it is shown. Items hold an optional one; without it they look
// exactly as in authoring mode.

#include <string>
#include <vector>

#include "editor/monitor/monitor_model.hpp"

namespace rivulet::editor::monitor {

struct NodeLiveView {
  NodeStats stats;
  std::vector<double> sparkline;  // records out/s (in/s for sinks), oldest first
  bool is_source = false;
  bool is_sink = false;
  std::vector<std::string> output_ports;  // late / dead-letter counts go next to these
  bool stale = false;  // the connection to the node is lost: greyed, numbers kept
};

struct EdgeLiveView {
  EdgeStats stats;
  bool stale = false;
};

}  // namespace rivulet::editor::monitor
