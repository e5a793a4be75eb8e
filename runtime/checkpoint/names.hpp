#pragma once
// Turning task and blob names into file names and manifest tokens.
//
// Task names look like "window#0" and blob names are chosen by operators, so either may hold
// characters a file system or the line-based manifest cannot take ('/', ' ', newline, a
// leading '.'). One reversible escape serves both: safe characters stay readable, anything
// else becomes %XX.

#include <optional>
#include <string>
#include <string_view>

namespace rivulet::runtime::checkpoint {

// Keeps [A-Za-z0-9_.-] (except a leading '.', so "." and ".." never appear); %XX otherwise.
// The empty name escapes to "%" followed by nothing, which unescape_name maps back to "".
std::string escape_name(std::string_view name);
// Inverse of escape_name; nullopt for malformed input.
std::optional<std::string> unescape_name(std::string_view escaped);

}  // namespace rivulet::runtime::checkpoint
