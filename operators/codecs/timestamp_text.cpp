#include "operators/codecs/timestamp_text.hpp"

#include <charconv>
#include <chrono>
#include <limits>

namespace rivulet::operators::codecs {
namespace {

// Reads exactly `digits` decimal digits at `pos`.
bool read_fixed(std::string_view text, std::size_t& pos, int digits, int& value) {
  if (pos + static_cast<std::size_t>(digits) > text.size()) return false;
  value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(digits);
  return true;
}

bool is_epoch_millis(std::string_view text) {
  std::size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// Parses the "Z" / "+HH:MM" / "-HHMM" / "+HH" suffix into minutes east of UTC.
bool read_offset(std::string_view text, std::size_t& pos, int& offset_minutes) {
  offset_minutes = 0;
  if (pos == text.size()) return true;
  if (text[pos] == 'Z' || text[pos] == 'z') return ++pos == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  const int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  int hours = 0;
  int minutes = 0;
  if (!read_fixed(text, pos, 2, hours) || hours > 23) return false;
  if (pos < text.size()) {
    if (text[pos] == ':') ++pos;
    if (!read_fixed(text, pos, 2, minutes) || minutes > 59) return false;
  }
  offset_minutes = sign * (hours * 60 + minutes);
  return pos == text.size();
}

}  // namespace

std::optional<std::int64_t> parse_timestamp_text(std::string_view text) {
  if (is_epoch_millis(text)) {
    std::int64_t ms = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return ms;
  }
  std::size_t pos = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_fixed(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !read_fixed(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !read_fixed(text, pos, 2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  std::int64_t ms_of_day = 0;
  int offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    ++pos;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!read_fixed(text, pos, 2, hour) || hour > 23 || pos >= text.size() ||
        text[pos++] != ':' || !read_fixed(text, pos, 2, minute) || minute > 59) {
      return std::nullopt;
    }
    int millis = 0;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_fixed(text, pos, 2, second) || second > 59) return std::nullopt;
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 3) millis = millis * 10 + (text[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (int d = digits; d < 3; ++d) millis *= 10;
      }
    }
    if (!read_offset(text, pos, offset_minutes)) return std::nullopt;
    ms_of_day = ((hour * 60 + minute) * 60 + second) * std::int64_t{1000} + millis;
  }
  return days * 86'400'000 + ms_of_day - std::int64_t{offset_minutes} * 60'000;
}

}  // namespace rivulet::operators::codecs
