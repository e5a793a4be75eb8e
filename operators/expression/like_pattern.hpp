#pragma once
// SQL LIKE patterns: '%' matches any run of characters (also none), '_' exactly one character
// (a UTF-8 code point); everything else matches itself (no escape character). A constant
// pattern is classified once so the usual shapes — 'abc', 'abc%', '%abc', '%abc%' — run as
// equality, prefix, suffix or substring tests.

#include <string>
#include <string_view>

namespace rivulet::operators::expression {

// General matcher, for any pattern (used per row when the pattern is not a literal).
bool like_match(std::string_view text, std::string_view pattern);

class LikePattern {
 public:
  explicit LikePattern(std::string pattern);
  bool matches(std::string_view text) const;

 private:
  enum class Shape { Exact, Prefix, Suffix, Contains, General };
  std::string pattern_;
  std::string needle_;  // the literal part for the simple shapes
  Shape shape_ = Shape::General;
};

}  // namespace rivulet::operators::expression
