#include "operators/expression/timestamp_text.hpp"

#include <chrono>
#include <cstdio>

namespace rivulet::operators::expression {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::int64_t kDaysPer400Years = 146'097;

// Reads exactly `count` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t count, std::int64_t& out) {
  if (pos + count > s.size()) return false;
  std::int64_t v = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += count;
  out = v;
  return true;
}

bool take(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::size_t pos = 0;
  std::int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, ms = 0;
  if (!digits(s, pos, 4, year) || !take(s, pos, '-') || !digits(s, pos, 2, month) ||
      !take(s, pos, '-') || !digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  std::int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, hour) || !take(s, pos, ':') || !digits(s, pos, 2, minute)) {
      return std::nullopt;
    }
    if (take(s, pos, ':')) {
      if (!digits(s, pos, 2, second)) return std::nullopt;
      if (take(s, pos, '.') || take(s, pos, ',')) {
        std::size_t count = 0;
        std::int64_t scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          ms += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
          ++count;
        }
        if (count == 0) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (pos < s.size()) {
      const char zone = s[pos++];
      if (zone == 'Z' || zone == 'z') {
        // UTC
      } else if (zone == '+' || zone == '-') {
        std::int64_t zh = 0, zm = 0;
        if (!digits(s, pos, 2, zh)) return std::nullopt;
        if (pos < s.size()) {
          take(s, pos, ':');
          if (!digits(s, pos, 2, zm)) return std::nullopt;
        }
        if (zh > 23 || zm > 59) return std::nullopt;
        offset_minutes = (zone == '+' ? 1 : -1) * (zh * 60 + zm);
      } else {
        return std::nullopt;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return days * kMsPerDay + ((hour * 60 + minute - offset_minutes) * 60 + second) * 1000 + ms;
}

CivilTime to_civil(std::int64_t epoch_ms) {
  const std::int64_t days = floor_div(epoch_ms, kMsPerDay);
  std::int64_t rest = epoch_ms % kMsPerDay;  // not epoch_ms - days * ms: that overflows at the
  if (rest < 0) rest += kMsPerDay;           // bottom of the int64 range
  // The Gregorian calendar repeats every 400 years (146097 days): convert the day within one
  // cycle with std::chrono (whose year range is ±32767) and add the whole cycles back, so any
  // int64 timestamp has a defined calendar date.
  const std::int64_t cycles = floor_div(days, kDaysPer400Years);
  const std::int64_t day_in_cycle = days - cycles * kDaysPer400Years;
  const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(day_in_cycle))};
  CivilTime t{};
  t.year = static_cast<int>(date.year()) + 400 * cycles;
  t.month = static_cast<unsigned>(date.month());
  t.day = static_cast<unsigned>(date.day());
  t.hour = rest / 3'600'000;
  rest %= 3'600'000;
  t.minute = rest / 60'000;
  rest %= 60'000;
  t.second = rest / 1000;
  t.millisecond = rest % 1000;
  return t;
}

void append_timestamp(std::int64_t epoch_ms, std::string& out) {
  const CivilTime t = to_civil(epoch_ms);
  char text[48];
  const int n =
      std::snprintf(text, sizeof text, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
                    static_cast<long long>(t.year), static_cast<long long>(t.month),
                    static_cast<long long>(t.day), static_cast<long long>(t.hour),
                    static_cast<long long>(t.minute), static_cast<long long>(t.second),
                    static_cast<long long>(t.millisecond));
  if (n > 0) out.append(text, static_cast<std::size_t>(n));
}

}  // namespace rivulet::operators::expression
