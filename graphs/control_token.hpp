#pragma once
// The shared secret of a node's control API: `rivulet node --token-file F` requires it at login,
// and clients (`rivulet ... --token-file F`, the editor) send it. Both read the file here.

#include <string>
#include <string_view>

#include "graphs/result.hpp"

namespace rivulet::graphs::control {

// The token in `path`, without trailing whitespace. Refuses a missing or empty file, one larger
// than 4 KiB, and (as ssh does for keys) one that other users may read.
[[nodiscard]] Result<std::string> read_token_file(const std::string& path);

// Compares in time that depends only on the lengths, so a wrong token's timing says nothing
// about how much of it was right.
bool tokens_equal(std::string_view a, std::string_view b);

}  // namespace rivulet::graphs::control
