#include "graphs/json_syntax.hpp"

#include <algorithm>
#include <utility>

namespace rivulet::graphs::json_syntax {
namespace {

struct Failure {
  std::size_t at;
  std::string message;
};

// Recursive descent; recursion is bounded by max_depth.
class Scanner {
 public:
  Scanner(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

  void document() {
    skip_space();
    if (pos_ == text_.size()) fail(text_.empty() ? "the text is empty" : "no JSON value");
    value(0);
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the end of the JSON value");
  }

 private:
  [[noreturn]] void fail(std::string message) { throw Failure{pos_, std::move(message)}; }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }

  void expect(char c, const char* message) {
    if (at_end() || peek() != c) fail(message);
    ++pos_;
  }

  void value(std::size_t depth) {
    if (at_end()) fail("the text ends where a value should be");
    char c = peek();
    if (c == '{' || c == '[') {
      if (depth >= max_depth_) {
        fail("nested deeper than " + std::to_string(max_depth_) + " levels");
      }
      c == '{' ? object(depth + 1) : array(depth + 1);
    } else if (c == '"') {
      string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      number();
    } else if (!literal("true") && !literal("false") && !literal("null")) {
      fail(std::string("unexpected ") + describe(c) + " where a value should be");
    }
  }

  static std::string describe(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 0xf];
    }
    return std::string("'") + c + "'";
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  void object(std::size_t depth) {
    ++pos_;  // '{'
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return;
    }
    for (;;) {
      skip_space();
      if (at_end()) fail("the text ends inside an object");
      if (peek() != '"') fail("expected a member name in double quotes");
      string();
      skip_space();
      expect(':', "expected ':' after a member name");
      skip_space();
      value(depth);
      skip_space();
      if (at_end()) fail("the text ends inside an object");
      if (peek() == '}') {
        ++pos_;
        return;
      }
      expect(',', "expected ',' or '}' after an object member");
      skip_space();
      if (peek() == '}') fail("trailing comma before '}'");
    }
  }

  void array(std::size_t depth) {
    ++pos_;  // '['
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return;
    }
    for (;;) {
      skip_space();
      value(depth);
      skip_space();
      if (at_end()) fail("the text ends inside an array");
      if (peek() == ']') {
        ++pos_;
        return;
      }
      expect(',', "expected ',' or ']' after an array element");
      skip_space();
      if (peek() == ']') fail("trailing comma before ']'");
    }
  }

  static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  unsigned hex4() {
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      if (!is_hex(c)) fail("incomplete or invalid \\u escape in a JSON string");
      v = v * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
      ++pos_;
    }
    return v;
  }

  void string() {
    ++pos_;  // '"'
    for (;;) {
      if (at_end()) fail("the text ends inside a string");
      char c = text_[pos_];
      auto u = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos_;
        return;
      }
      if (u < 0x20) fail("unescaped control character in a JSON string (write it as \\u00XX)");
      if (c != '\\') {
        ++pos_;
        continue;
      }
      ++pos_;
      char e = peek();
      if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
          e == 't') {
        ++pos_;
        continue;
      }
      if (e != 'u') fail("invalid escape in a JSON string");
      ++pos_;
      unsigned cp = hex4();
      if (cp >= 0xdc00 && cp <= 0xdfff) fail("unpaired surrogate in a JSON string");
      if (cp >= 0xd800 && cp <= 0xdbff) {
        if (text_.substr(pos_, 2) != "\\u") fail("unpaired surrogate in a JSON string");
        pos_ += 2;
        unsigned low = hex4();
        if (low < 0xdc00 || low > 0xdfff) fail("unpaired surrogate in a JSON string");
      }
    }
  }

  void digits(const char* message) {
    if (!(peek() >= '0' && peek() <= '9')) fail(message);
    while (peek() >= '0' && peek() <= '9') ++pos_;
  }

  void number() {
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
      if (peek() >= '0' && peek() <= '9') fail("numbers must not have leading zeros");
    } else {
      digits("expected a digit");
    }
    if (peek() == '.') {
      ++pos_;
      digits("expected a digit after the decimal point");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      digits("expected a digit in the exponent");
    }
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string SyntaxError::to_string() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

std::optional<SyntaxError> find_error(std::string_view text, std::size_t max_depth) {
  try {
    Scanner(text, max_depth).document();
    return std::nullopt;
  } catch (const Failure& failure) {
    SyntaxError error;
    std::size_t at = std::min(failure.at, text.size());
    for (std::size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++error.line;
        error.column = 1;
      } else {
        ++error.column;
      }
    }
    error.message = failure.message;
    return error;
  }
}

}  // namespace rivulet::graphs::json_syntax
