#pragma once
// Operators' hot paths (process, on_watermark) return nothing, so a state backend error there
// becomes an exception, which the task turns into a task failure carrying the message. One
// helper for every stateful operator, so the messages read alike: "<context>: <error>".

#include <stdexcept>
#include <string>
#include <string_view>

#include "graphs/result.hpp"

namespace rivulet::runtime::state {

// Throws std::runtime_error("<context>: <message>") when `status` is an error.
inline void throw_if_error(const graphs::Status& status, std::string_view context) {
  if (!status) throw std::runtime_error(std::string(context) + ": " + status.error().message);
}

}  // namespace rivulet::runtime::state
