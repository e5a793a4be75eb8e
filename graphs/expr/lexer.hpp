#pragma once
// Splits expression text into tokens. Keywords are not distinguished here: they arrive as
// Identifier tokens and the parser matches them case-insensitively, so "double-quoted" names
// are the way to use a reserved word as a field name.
//
// Columns are 1-based and count Unicode code points of the UTF-8 text (continuation bytes do
// not advance the column), so an editor can underline the right character.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rivulet::graphs::expr {

enum class TokenKind {
  End,               // after the last token; column = one past the text
  Integer,           // integer_value (may exceed int64 max: only valid after unary minus)
  Decimal,           // decimal_value
  String,            // text = the unescaped contents
  Identifier,        // text = the name as written
  QuotedIdentifier,  // text = the unescaped name
  LeftParen,
  RightParen,
  Comma,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Concat,
  Equal,
  NotEqual,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view source;  // the raw text of the token, for messages
  std::string text;
  std::uint64_t integer_value = 0;
  double decimal_value = 0;
  std::size_t column = 0;      // first character
  std::size_t end_column = 0;  // one past the last character
};

// Produces tokens on demand, so hostile input costs memory only for the tokens the parser has
// looked at before it gives up. Throws Failure on a malformed token (unterminated string, stray
// character, bad number). After the text, next() keeps returning End.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  Token next();

 private:
  char peek(std::size_t ahead = 0) const;
  void advance();
  void skip_whitespace();
  void scan(Token& token);
  void scan_number(Token& token);
  void scan_quoted(Token& token, char quote, TokenKind kind);
  std::string describe_character() const;

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t column_ = 1;
};

// All tokens up to and including End (for tests and tools).
std::vector<Token> tokenize(std::string_view text);

// "'AND'" / "end of expression": how messages refer to a token. Long tokens are shortened.
std::string describe(const Token& token);

// 'text' for a message, shortened with "..." beyond `limit` bytes so hostile input cannot
// produce huge messages.
std::string quoted(std::string_view text, std::size_t limit = 64);

// Case-insensitive ASCII comparison of an identifier token with a keyword.
bool is_keyword(const Token& token, std::string_view keyword);
// Words the grammar reserves; they cannot be unquoted field names.
bool is_reserved_word(std::string_view word);

std::string to_lower(std::string_view text);

}  // namespace rivulet::graphs::expr
