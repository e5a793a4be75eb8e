#include "operators/expression/like_pattern.hpp"

#include <cstddef>

namespace rivulet::operators::expression {
namespace {

// Bytes of the UTF-8 sequence starting with `lead` (1 for stray continuation bytes, so
// malformed text still advances).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

}  // namespace

// Greedy matching with one backtrack point: on a mismatch, the last '%' absorbs one more
// character and matching resumes after it. Linear for the common patterns, O(n·m) at worst.
bool like_match(std::string_view text, std::string_view pattern) {
  std::size_t t = 0;
  std::size_t p = 0;
  std::size_t star_p = std::string_view::npos;  // pattern position after the last '%'
  std::size_t star_t = 0;                       // text position that '%' is matched up to
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_t = t;
    } else if (p < pattern.size() && pattern[p] == '_') {
      t += sequence_length(static_cast<unsigned char>(text[t]));
      ++p;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++t;
      ++p;
    } else if (star_p != std::string_view::npos) {
      star_t += sequence_length(static_cast<unsigned char>(text[star_t]));
      t = star_t;
      p = star_p;
    } else {
      return false;
    }
  }
  if (t > text.size()) return false;  // '_' ran past a truncated UTF-8 sequence
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

LikePattern::LikePattern(std::string pattern) : pattern_(std::move(pattern)) {
  if (pattern_.find('_') != std::string::npos) return;  // General
  const std::size_t first = pattern_.find('%');
  if (first == std::string::npos) {
    shape_ = Shape::Exact;
    needle_ = pattern_;
    return;
  }
  // Collapse runs of '%' at the ends; any '%' in the middle makes it General.
  std::size_t begin = 0;
  while (begin < pattern_.size() && pattern_[begin] == '%') ++begin;
  std::size_t end = pattern_.size();
  while (end > begin && pattern_[end - 1] == '%') --end;
  const std::string_view middle = std::string_view(pattern_).substr(begin, end - begin);
  if (middle.find('%') != std::string_view::npos) return;  // General
  needle_ = std::string(middle);
  const bool leading = begin > 0;
  const bool trailing = end < pattern_.size();
  if (leading && trailing) {
    shape_ = Shape::Contains;
  } else if (trailing) {
    shape_ = Shape::Prefix;
  } else {
    shape_ = Shape::Suffix;
  }
}

bool LikePattern::matches(std::string_view text) const {
  switch (shape_) {
    case Shape::Exact:
      return text == needle_;
    case Shape::Prefix:
      return text.substr(0, needle_.size()) == needle_;
    case Shape::Suffix:
      return text.size() >= needle_.size() && text.substr(text.size() - needle_.size()) == needle_;
    case Shape::Contains:
      return text.find(needle_) != std::string_view::npos;
    case Shape::General:
      return like_match(text, pattern_);
  }
  return false;
}

}  // namespace rivulet::operators::expression
