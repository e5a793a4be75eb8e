// Tokenizer for the expression language (see lexer.hpp).

#include "graphs/expr/lexer.hpp"

#include <array>
#include <charconv>
#include <cstdio>

#include "graphs/expr/error.hpp"

namespace rivulet::graphs::expr {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_identifier_char(char c) { return is_identifier_start(c) || is_digit(c); }
bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

Token Lexer::next() {
  skip_whitespace();
  Token token;
  token.column = column_;
  std::size_t start = pos_;
  if (pos_ >= text_.size()) {
    token.kind = TokenKind::End;
    token.end_column = column_;
    return token;
  }
  scan(token);
  token.source = text_.substr(start, pos_ - start);
  token.end_column = column_;
  return token;
}

char Lexer::peek(std::size_t ahead) const {
  return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
}

void Lexer::advance() {
  ++pos_;
  // A column is a code point: only the lead byte of a UTF-8 sequence moves it.
  if (pos_ >= text_.size() || !is_continuation_byte(text_[pos_])) ++column_;
}

void Lexer::skip_whitespace() {
  while (pos_ < text_.size() &&
         (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
    advance();
  }
}

void Lexer::scan(Token& token) {
  char c = peek();
  if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return scan_number(token);
  if (is_identifier_start(c)) {
    std::size_t start = pos_;
    while (is_identifier_char(peek())) advance();
    token.kind = TokenKind::Identifier;
    token.text = std::string(text_.substr(start, pos_ - start));
    return;
  }
  if (c == '\'') return scan_quoted(token, '\'', TokenKind::String);
  if (c == '"') return scan_quoted(token, '"', TokenKind::QuotedIdentifier);
  auto single = [&](TokenKind kind) {
    advance();
    token.kind = kind;
  };
  auto pair = [&](TokenKind kind) {
    advance();
    advance();
    token.kind = kind;
  };
  switch (c) {
    case '(':
      return single(TokenKind::LeftParen);
    case ')':
      return single(TokenKind::RightParen);
    case ',':
      return single(TokenKind::Comma);
    case '+':
      return single(TokenKind::Plus);
    case '-':
      return single(TokenKind::Minus);
    case '*':
      return single(TokenKind::Star);
    case '/':
      return single(TokenKind::Slash);
    case '%':
      return single(TokenKind::Percent);
    case '=':
      return peek(1) == '=' ? pair(TokenKind::Equal) : single(TokenKind::Equal);
    case '|':
      if (peek(1) == '|') return pair(TokenKind::Concat);
      break;
    case '!':
      if (peek(1) == '=') return pair(TokenKind::NotEqual);
      break;
    case '<':
      if (peek(1) == '=') return pair(TokenKind::LessEqual);
      if (peek(1) == '>') return pair(TokenKind::NotEqual);
      return single(TokenKind::Less);
    case '>':
      if (peek(1) == '=') return pair(TokenKind::GreaterEqual);
      return single(TokenKind::Greater);
    default:
      break;
  }
  fail(column_, "unexpected character " + describe_character());
}

// The offending character for a message: printable ASCII and whole UTF-8 sequences are
// shown quoted; control bytes as hex so the message stays printable.
std::string Lexer::describe_character() const {
  unsigned char byte = static_cast<unsigned char>(peek());
  if (byte >= 0x20 && byte < 0x7F) return quoted(text_.substr(pos_, 1));
  // A well-formed multi-byte sequence is shown as the character; anything else as hex, so the
  // message itself is always valid UTF-8.
  std::size_t length = byte >= 0xF0 && byte < 0xF8 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0;
  if (length != 0 && byte < 0xF8) {
    std::size_t end = pos_ + 1;
    while (end < text_.size() && end - pos_ < length && is_continuation_byte(text_[end])) ++end;
    if (end - pos_ == length) return quoted(text_.substr(pos_, length));
  }
  std::array<char, 8> hex{};
  std::snprintf(hex.data(), hex.size(), "0x%02X", byte);
  return std::string("byte ") + hex.data();
}

void Lexer::scan_number(Token& token) {
  std::size_t start = pos_;
  std::size_t column = column_;
  bool decimal = false;
  while (is_digit(peek())) advance();
  if (peek() == '.') {
    decimal = true;
    advance();
    while (is_digit(peek())) advance();
  }
  if ((peek() == 'e' || peek() == 'E') &&
      (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
    decimal = true;
    advance();
    if (peek() == '+' || peek() == '-') advance();
    while (is_digit(peek())) advance();
  }
  // "12abc" or "1.2.3" is one mistyped token, not a number followed by a name.
  if (is_identifier_char(peek()) || peek() == '.') {
    while (is_identifier_char(peek()) || peek() == '.') advance();
    fail(column, "invalid number " + quoted(text_.substr(start, pos_ - start)));
  }
  std::string_view digits = text_.substr(start, pos_ - start);
  const char* first = digits.data();
  const char* last = digits.data() + digits.size();
  if (decimal) {
    token.kind = TokenKind::Decimal;
    auto [ptr, ec] = std::from_chars(first, last, token.decimal_value);
    if (ec != std::errc() || ptr != last) {
      fail(column, "number " + quoted(digits) + " is out of range for float64");
    }
  } else {
    token.kind = TokenKind::Integer;
    auto [ptr, ec] = std::from_chars(first, last, token.integer_value);
    if (ec != std::errc() || ptr != last) {
      fail(column, "integer " + quoted(digits) + " is out of range for int64");
    }
  }
}

// 'it''s' and "odd ""name""": the quote character doubled stands for itself.
void Lexer::scan_quoted(Token& token, char quote, TokenKind kind) {
  std::size_t column = column_;
  advance();
  for (;;) {
    if (pos_ >= text_.size()) {
      fail(column,
           kind == TokenKind::String ? "unterminated string literal" : "unterminated quoted name");
    }
    char c = peek();
    if (c == quote) {
      if (peek(1) == quote) {
        token.text += quote;
        advance();
        advance();
        continue;
      }
      advance();
      break;
    }
    token.text += c;
    advance();
  }
  if (kind == TokenKind::QuotedIdentifier && token.text.empty()) fail(column, "empty quoted name");
  token.kind = kind;
}

std::vector<Token> tokenize(std::string_view text) {
  Lexer lexer(text);
  std::vector<Token> tokens;
  do {
    tokens.push_back(lexer.next());
  } while (tokens.back().kind != TokenKind::End);
  return tokens;
}

std::string quoted(std::string_view text, std::size_t limit) {
  std::string out = "'";
  if (text.size() <= limit) {
    out.append(text);
  } else {
    std::size_t cut = limit;
    while (cut > 0 && is_continuation_byte(text[cut])) --cut;  // keep UTF-8 sequences whole
    out.append(text.substr(0, cut));
    out.append("...");
  }
  out.push_back('\'');
  return out;
}

std::string describe(const Token& token) {
  if (token.kind == TokenKind::End) return "end of expression";
  return quoted(token.source, 24);
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_keyword(const Token& token, std::string_view keyword) {
  if (token.kind != TokenKind::Identifier || token.text.size() != keyword.size()) return false;
  return to_lower(token.text) == to_lower(keyword);
}

bool is_reserved_word(std::string_view word) {
  static constexpr std::string_view kReserved[] = {
      "and",  "or",   "not",  "is",  "null", "in", "between", "like",  "case",
      "when", "then", "else", "end", "cast", "as", "true",    "false", "interval"};
  std::string lower = to_lower(word);
  for (std::string_view reserved : kReserved) {
    if (lower == reserved) return true;
  }
  return false;
}

}  // namespace rivulet::graphs::expr
