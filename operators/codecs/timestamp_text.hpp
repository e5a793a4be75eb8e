#pragma once
// Timestamps written as text in external records: ISO-8601 date-times or epoch milliseconds.
// Both decoders (JSON strings, CSV fields) accept the same forms so a schema means the same
// thing whatever the format.

#include <cstdint>
#include <optional>
#include <string_view>

namespace rivulet::operators::codecs {

// Epoch milliseconds for:
//   "1700000000000" / "-5"                 epoch milliseconds
//   "2024-03-01"                           midnight UTC
//   "2024-03-01T12:30", "...T12:30:05", "...T12:30:05.123456" (fraction truncated to ms)
//   each optionally followed by "Z", "+02:00", "-0530" or "+02"; no offset means UTC.
// A space may replace the 'T'. Anything else (including invalid dates like 2023-02-29) → empty.
std::optional<std::int64_t> parse_timestamp_text(std::string_view text);

}  // namespace rivulet::operators::codecs
