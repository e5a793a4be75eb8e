#pragma once
// Timestamps as text and as calendar fields, always UTC. Timestamps are int64 milliseconds
// since the Unix epoch; the calendar is the proleptic Gregorian one of std::chrono.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rivulet::operators::expression {

// ISO-8601: "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM[:SS[.fraction]]" and a
// zone "Z", "±HH:MM", "±HHMM" or "±HH" (none means UTC). Fractions beyond milliseconds are
// truncated. Surrounding ASCII spaces are ignored. Nullopt when the text is not such a time
// or names an impossible date (2023-02-29) or time (24:00).
std::optional<std::int64_t> parse_timestamp(std::string_view text);

// "2024-03-01T12:34:56.789Z": fixed width, always with milliseconds, so text order is time
// order for years 0000-9999.
void append_timestamp(std::int64_t epoch_ms, std::string& out);

struct CivilTime {
  std::int64_t year;
  std::int64_t month;   // 1-12
  std::int64_t day;     // 1-31
  std::int64_t hour;    // 0-23
  std::int64_t minute;  // 0-59
  std::int64_t second;  // 0-59
  std::int64_t millisecond;
};
CivilTime to_civil(std::int64_t epoch_ms);

// Floor division, so times before 1970 truncate towards the past like every other instant.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace rivulet::operators::expression
