#pragma once
// Internal to rivulet_graphs: a strict JSON (RFC 8259) syntax check that says where the text goes
// wrong. Cap'n Proto's JSON parser reports no position, so graph and catalog files are checked
// with this first and a syntax error names its line and column.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rivulet::graphs::json_syntax {

struct SyntaxError {
  std::size_t line = 1;    // from 1
  std::size_t column = 1;  // from 1, in bytes
  std::string message;     // "expected ':' after a member name"

  // "line 3, column 14: expected ':' after a member name"
  std::string to_string() const;
};

// The first syntax error in `text`, or nothing when it is one valid JSON value. Nesting deeper
// than `max_depth` arrays and objects counts as an error (the decoder refuses it too).
std::optional<SyntaxError> find_error(std::string_view text, std::size_t max_depth);

}  // namespace rivulet::graphs::json_syntax
