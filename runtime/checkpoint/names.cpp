#include "runtime/checkpoint/names.hpp"

namespace rivulet::runtime::checkpoint {

namespace {
bool safe(char c, bool first) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  if (c == '_' || c == '-') return true;
  return c == '.' && !first;
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

std::string escape_name(std::string_view name) {
  if (name.empty()) return "%";  // an empty token would vanish from the manifest's lines
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (safe(c, i == 0)) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

std::optional<std::string> unescape_name(std::string_view escaped) {
  if (escaped == "%") return std::string{};
  if (escaped.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c != '%') {
      if (!safe(c, i == 0)) return std::nullopt;
      out.push_back(c);
      continue;
    }
    if (i + 2 >= escaped.size()) return std::nullopt;  // '%' needs two hex digits
    const int hi = hex_value(escaped[i + 1]);
    const int lo = hex_value(escaped[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace rivulet::runtime::checkpoint
