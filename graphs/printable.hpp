#pragma once
// Text from a file (ids, names, values) made safe to print: a graph file is untrusted, and an id
// holding a newline or an ANSI escape must not forge a line or recolour a terminal.

#include <string>
#include <string_view>

namespace rivulet::graphs {

// Control characters (below 0x20, and 0x7f) become \n, \r, \t or \xHH; everything else, UTF-8
// included, is kept.
std::string printable(std::string_view text);

// True when `text` holds a control character (what printable() would escape).
bool has_control_characters(std::string_view text);

}  // namespace rivulet::graphs
