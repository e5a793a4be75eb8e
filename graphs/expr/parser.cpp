// Parser for the expression language (grammar and precedence in parser.hpp).

#include "graphs/expr/parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <deque>
#include <limits>
#include <vector>

#include "graphs/expr/error.hpp"
#include "graphs/expr/lexer.hpp"

namespace rivulet::graphs::expr {

namespace {

// Binding power of infix operators; higher binds tighter. 0 = not an infix operator.
constexpr int kOr = 1;
constexpr int kAnd = 2;
constexpr int kNot = 3;
constexpr int kCompare = 4;
constexpr int kConcat = 5;
constexpr int kAdditive = 6;
constexpr int kMultiplicative = 7;

constexpr std::uint64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

std::string too_deep_message() {
  return "expression is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)";
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  std::unique_ptr<Syntax> whole_expression() {
    reject_empty();
    auto expression = parse(kOr);
    expect_end("after end of expression");
    return expression;
  }

  ParsedItem item() {
    reject_empty();
    ParsedItem out;
    out.expression = parse(kOr);
    out.end_column = previous_end_column_;
    if (is_keyword(peek(), "as")) {
      next();
      const Token& name = peek();
      bool usable = name.kind == TokenKind::QuotedIdentifier ||
                    (name.kind == TokenKind::Identifier && !is_reserved_word(name.text));
      if (!usable) {
        if (name.kind == TokenKind::End) fail(name.column, "expected a name after AS");
        std::string message = "expected a name after AS but found " + describe(name);
        if (name.kind == TokenKind::Identifier) {
          message += "; write \"" + name.text + "\" to use a reserved word as a name";
        }
        fail(name.column, message);
      }
      out.alias = name.text;
      next();
      expect_end("after the name");
      return out;
    }
    // "price * qty total" almost always means a forgotten AS: say so.
    const Token& stray = peek();
    if (peek(1).kind == TokenKind::End &&
        (stray.kind == TokenKind::QuotedIdentifier ||
         (stray.kind == TokenKind::Identifier && !is_reserved_word(stray.text)))) {
      fail(stray.column, "unexpected " + describe(stray) + " after end of expression; write 'AS " +
                             std::string(stray.source) + "' to name it");
    }
    expect_end("after end of expression");
    return out;
  }

 private:
  // --- token access -------------------------------------------------------------------------
  // Lookahead is at most two tokens. References returned by peek() stay valid until the token
  // is consumed (std::deque keeps references on push_back); next() returns a copy.
  const Token& peek(std::size_t ahead = 0) {
    while (lookahead_.size() <= ahead) lookahead_.push_back(lexer_.next());
    return lookahead_[ahead];
  }
  Token next() {
    Token token = peek();
    lookahead_.pop_front();
    previous_end_column_ = token.end_column;
    return token;
  }
  bool at(TokenKind kind) { return peek().kind == kind; }

  void reject_empty() {
    if (at(TokenKind::End)) fail(1, "empty expression");
  }

  void expect_end(std::string_view where) {
    const Token& token = peek();
    if (token.kind == TokenKind::End) return;
    if (token.kind == TokenKind::RightParen) fail(token.column, "unmatched ')'");
    fail(token.column, "unexpected " + describe(token) + " " + std::string(where));
  }

  // Consumes the ')' matching the '(' at open_column; `in_list` allows a ',' to be expected too.
  void expect_close(std::size_t open_column, bool in_list = false) {
    const Token& token = peek();
    if (token.kind == TokenKind::RightParen) {
      next();
      return;
    }
    std::string opener = "'(' at column " + std::to_string(open_column);
    if (token.kind == TokenKind::End) fail(token.column, "missing ')' to match " + opener);
    fail(token.column, std::string(in_list ? "expected ',' or ')'" : "expected ')'") +
                           " to match " + opener + " but found " + describe(token));
  }

  void expect_keyword(std::string_view keyword, std::string_view context) {
    if (is_keyword(peek(), keyword)) {
      next();
      return;
    }
    std::string upper = to_upper(keyword);
    if (at(TokenKind::End)) fail(peek().column, "missing " + upper + " " + std::string(context));
    fail(peek().column,
         "expected " + upper + " " + std::string(context) + " but found " + describe(peek()));
  }

  static std::string to_upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
  }

  // --- node construction --------------------------------------------------------------------
  static std::unique_ptr<Syntax> make(SyntaxKind kind, std::size_t column) {
    auto node = std::make_unique<Syntax>();
    node->kind = kind;
    node->column = column;
    return node;
  }

  // Long operator chains ("a+a+a+...") grow the tree without recursing in the parser, so the
  // height is capped here too: the checker and the runtime walk the tree recursively.
  static std::unique_ptr<Syntax> finish(std::unique_ptr<Syntax> node) {
    int height = 0;
    for (const auto& child : node->children) height = std::max(height, child->depth);
    node->depth = height + 1;
    if (node->depth > kMaxDepth) fail(node->column, too_deep_message());
    return node;
  }

  // Every recursive path passes through prefix(), so this bounds the parser's stack use.
  struct DepthGuard {
    explicit DepthGuard(Parser& parser) : parser(parser) {
      if (++parser.depth_ > kMaxDepth) fail(parser.peek().column, too_deep_message());
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  // --- grammar ------------------------------------------------------------------------------
  int infix_precedence() {
    const Token& token = peek();
    switch (token.kind) {
      case TokenKind::Equal:
      case TokenKind::NotEqual:
      case TokenKind::Less:
      case TokenKind::LessEqual:
      case TokenKind::Greater:
      case TokenKind::GreaterEqual:
        return kCompare;
      case TokenKind::Concat:
        return kConcat;
      case TokenKind::Plus:
      case TokenKind::Minus:
        return kAdditive;
      case TokenKind::Star:
      case TokenKind::Slash:
      case TokenKind::Percent:
        return kMultiplicative;
      case TokenKind::Identifier:
        if (is_keyword(token, "or")) return kOr;
        if (is_keyword(token, "and")) return kAnd;
        if (is_keyword(token, "is") || is_keyword(token, "in") || is_keyword(token, "between") ||
            is_keyword(token, "like")) {
          return kCompare;
        }
        if (is_keyword(token, "not") &&
            (is_keyword(peek(1), "in") || is_keyword(peek(1), "between") ||
             is_keyword(peek(1), "like"))) {
          return kCompare;
        }
        return 0;
      default:
        return 0;
    }
  }

  std::unique_ptr<Syntax> parse(int min_precedence) {
    auto left = prefix();
    for (;;) {
      int precedence = infix_precedence();
      if (precedence == 0 || precedence < min_precedence) return left;
      left = infix(std::move(left), precedence);
    }
  }

  static BinaryOp binary_op(const Token& token) {
    switch (token.kind) {
      case TokenKind::Plus:
        return BinaryOp::Add;
      case TokenKind::Minus:
        return BinaryOp::Subtract;
      case TokenKind::Star:
        return BinaryOp::Multiply;
      case TokenKind::Slash:
        return BinaryOp::Divide;
      case TokenKind::Percent:
        return BinaryOp::Modulo;
      case TokenKind::Concat:
        return BinaryOp::Concat;
      case TokenKind::Equal:
        return BinaryOp::Equal;
      case TokenKind::NotEqual:
        return BinaryOp::NotEqual;
      case TokenKind::Less:
        return BinaryOp::Less;
      case TokenKind::LessEqual:
        return BinaryOp::LessEqual;
      case TokenKind::Greater:
        return BinaryOp::Greater;
      case TokenKind::GreaterEqual:
        return BinaryOp::GreaterEqual;
      default:
        return is_keyword(token, "and") ? BinaryOp::And : BinaryOp::Or;
    }
  }

  std::unique_ptr<Syntax> infix(std::unique_ptr<Syntax> left, int precedence) {
    const Token op = next();
    if (is_keyword(op, "is")) {
      auto node = make(SyntaxKind::IsNull, op.column);
      if (is_keyword(peek(), "not")) {
        next();
        node->negated = true;
      }
      expect_keyword("null", node->negated ? "after IS NOT" : "after IS");
      node->children.push_back(std::move(left));
      return finish(std::move(node));
    }
    bool negated = false;
    Token keyword = op;
    if (is_keyword(op, "not")) {
      negated = true;
      keyword = next();
    }
    if (is_keyword(keyword, "in")) return in_list(std::move(left), op.column, negated);
    if (is_keyword(keyword, "between")) {
      auto node = make(SyntaxKind::Between, op.column);
      node->negated = negated;
      node->children.push_back(std::move(left));
      // The bounds bind tighter than AND so that "x BETWEEN 1 AND 2 AND y" reads naturally.
      node->children.push_back(parse(kConcat));
      expect_keyword("and", "in BETWEEN");
      node->children.push_back(parse(kConcat));
      return finish(std::move(node));
    }
    if (is_keyword(keyword, "like")) {
      auto node = make(SyntaxKind::Like, op.column);
      node->negated = negated;
      node->children.push_back(std::move(left));
      node->children.push_back(parse(kConcat));
      return finish(std::move(node));
    }
    auto node = make(SyntaxKind::Binary, op.column);
    node->binary_op = binary_op(op);
    node->children.push_back(std::move(left));
    node->children.push_back(parse(precedence + 1));  // left-associative
    return finish(std::move(node));
  }

  std::unique_ptr<Syntax> in_list(std::unique_ptr<Syntax> left, std::size_t column, bool negated) {
    auto node = make(SyntaxKind::In, column);
    node->negated = negated;
    node->children.push_back(std::move(left));
    if (!at(TokenKind::LeftParen)) {
      fail(peek().column, "expected '(' after IN but found " + describe(peek()));
    }
    std::size_t open = next().column;
    if (at(TokenKind::RightParen)) fail(peek().column, "IN needs at least one value");
    for (;;) {
      node->children.push_back(parse(kOr));
      if (!at(TokenKind::Comma)) break;
      next();
    }
    expect_close(open, true);
    return finish(std::move(node));
  }

  std::unique_ptr<Syntax> prefix() {
    DepthGuard guard(*this);
    const Token token = peek();
    if (is_keyword(token, "not")) {
      next();
      auto node = make(SyntaxKind::Not, token.column);
      node->children.push_back(parse(kNot + 1));
      return finish(std::move(node));
    }
    if (token.kind == TokenKind::Minus) {
      next();
      // Fold "-<number>" into the literal: it is what the user meant, and it is the only way
      // to write the smallest int64.
      const Token number = peek();
      if (number.kind == TokenKind::Integer) {
        next();
        if (number.integer_value > kInt64Max + 1) out_of_range(number);
        auto literal = make(SyntaxKind::Integer, token.column);
        literal->integer_value = number.integer_value == kInt64Max + 1
                                     ? std::numeric_limits<std::int64_t>::min()
                                     : -static_cast<std::int64_t>(number.integer_value);
        return literal;
      }
      if (number.kind == TokenKind::Decimal) {
        next();
        auto literal = make(SyntaxKind::Decimal, token.column);
        literal->decimal_value = -number.decimal_value;
        return literal;
      }
      auto node = make(SyntaxKind::Negate, token.column);
      node->children.push_back(prefix());
      return finish(std::move(node));
    }
    return primary();
  }

  [[noreturn]] static void out_of_range(const Token& token) {
    fail(token.column, "integer " + quoted(token.source) + " is out of range for int64");
  }

  std::unique_ptr<Syntax> primary() {
    const Token token = peek();
    switch (token.kind) {
      case TokenKind::Integer: {
        next();
        if (token.integer_value > kInt64Max) out_of_range(token);
        auto node = make(SyntaxKind::Integer, token.column);
        node->integer_value = static_cast<std::int64_t>(token.integer_value);
        return node;
      }
      case TokenKind::Decimal: {
        next();
        auto node = make(SyntaxKind::Decimal, token.column);
        node->decimal_value = token.decimal_value;
        return node;
      }
      case TokenKind::String: {
        next();
        auto node = make(SyntaxKind::String, token.column);
        node->text = token.text;
        return node;
      }
      case TokenKind::QuotedIdentifier: {
        next();
        auto node = make(SyntaxKind::Name, token.column);
        node->text = token.text;
        return node;
      }
      case TokenKind::LeftParen: {
        next();
        auto inner = parse(kOr);
        expect_close(token.column);
        return inner;
      }
      case TokenKind::Identifier:
        return word();
      case TokenKind::End:
        fail(token.column, "unexpected end of expression");
      default:
        fail(token.column, "expected an expression but found " + describe(token));
    }
  }

  // An unquoted word in operand position: keyword-led construct, function call or field name.
  std::unique_ptr<Syntax> word() {
    const Token token = peek();
    if (is_keyword(token, "true") || is_keyword(token, "false")) {
      next();
      auto node = make(SyntaxKind::Boolean, token.column);
      node->bool_value = is_keyword(token, "true");
      return node;
    }
    if (is_keyword(token, "null")) {
      next();
      return make(SyntaxKind::Null, token.column);
    }
    if (is_keyword(token, "case")) return case_expression();
    if (is_keyword(token, "cast")) return cast_expression();
    if (is_keyword(token, "interval")) return interval();
    if (is_reserved_word(token.text)) {
      fail(token.column, "expected an expression but found " + describe(token));
    }
    next();
    if (at(TokenKind::LeftParen)) return call(token);
    auto node = make(SyntaxKind::Name, token.column);
    node->text = token.text;
    return node;
  }

  std::unique_ptr<Syntax> call(const Token& name) {
    auto node = make(SyntaxKind::Call, name.column);
    node->text = name.text;
    std::size_t open = next().column;
    if (at(TokenKind::RightParen)) {
      next();
      return finish(std::move(node));
    }
    for (;;) {
      // '*' is parsed wherever it stands alone as an argument; the checker allows it only in
      // count(*), which gives a better message than a syntax error would.
      if (at(TokenKind::Star) &&
          (peek(1).kind == TokenKind::RightParen || peek(1).kind == TokenKind::Comma)) {
        node->children.push_back(make(SyntaxKind::Star, next().column));
      } else {
        node->children.push_back(parse(kOr));
      }
      if (!at(TokenKind::Comma)) break;
      next();
    }
    expect_close(open, true);
    return finish(std::move(node));
  }

  std::unique_ptr<Syntax> case_expression() {
    const Token keyword = next();
    std::string context = "to close CASE at column " + std::to_string(keyword.column);
    auto node = make(SyntaxKind::Case, keyword.column);
    if (!is_keyword(peek(), "when")) {
      if (at(TokenKind::End)) fail(peek().column, "missing WHEN in CASE");
      node->has_operand = true;
      node->children.push_back(parse(kOr));
    }
    if (!is_keyword(peek(), "when")) {
      if (at(TokenKind::End)) fail(peek().column, "missing WHEN in CASE");
      fail(peek().column, "expected WHEN in CASE but found " + describe(peek()));
    }
    while (is_keyword(peek(), "when")) {
      next();
      node->children.push_back(parse(kOr));
      expect_keyword("then", "after the WHEN condition");
      node->children.push_back(parse(kOr));
    }
    if (is_keyword(peek(), "else")) {
      next();
      node->has_else = true;
      node->children.push_back(parse(kOr));
    } else if (!is_keyword(peek(), "end") && !at(TokenKind::End)) {
      fail(peek().column, "expected WHEN, ELSE or END but found " + describe(peek()));
    }
    expect_keyword("end", context);
    return finish(std::move(node));
  }

  std::unique_ptr<Syntax> cast_expression() {
    const Token keyword = next();
    auto node = make(SyntaxKind::Cast, keyword.column);
    if (!at(TokenKind::LeftParen)) {
      fail(peek().column, "expected '(' after CAST but found " + describe(peek()));
    }
    std::size_t open = next().column;
    node->children.push_back(parse(kOr));
    expect_keyword("as", "in CAST");
    const Token type = peek();
    if (type.kind != TokenKind::Identifier) {
      if (type.kind == TokenKind::End) fail(type.column, "missing type name after AS");
      fail(type.column, "expected a type name after AS but found " + describe(type));
    }
    next();
    node->text = type.text;
    node->type_column = type.column;
    expect_close(open);
    return finish(std::move(node));
  }

  // INTERVAL '5' SECOND (or INTERVAL 5 SECOND): an int64 number of milliseconds.
  std::unique_ptr<Syntax> interval() {
    const Token keyword = next();
    const Token value = peek();
    std::int64_t amount = 0;
    if (value.kind == TokenKind::Integer) {
      if (value.integer_value > kInt64Max) out_of_range(value);
      amount = static_cast<std::int64_t>(value.integer_value);
    } else if (value.kind == TokenKind::String) {
      std::string_view text = value.text;
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      if (!text.empty() && text.front() == '+') text.remove_prefix(1);
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
      if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
        fail(value.column, "INTERVAL value must be a whole number, e.g. INTERVAL '5' SECOND");
      }
    } else {
      fail(value.column,
           "expected a quoted number after INTERVAL, e.g. INTERVAL '5' SECOND, but found " +
               describe(value));
    }
    next();
    const Token& unit = peek();
    std::string name = to_lower(unit.kind == TokenKind::Identifier ? unit.text : "");
    if (name.size() > 1 && name.back() == 's') name.pop_back();  // SECONDS, MINUTES, ...
    std::int64_t scale = 0;
    if (name == "millisecond") scale = 1;
    if (name == "second") scale = 1000;
    if (name == "minute") scale = 60 * 1000;
    if (name == "hour") scale = 60 * 60 * 1000;
    if (name == "day") scale = 24 * 60 * 60 * 1000;
    if (scale == 0) {
      fail(unit.column,
           "expected an interval unit (MILLISECOND, SECOND, MINUTE, HOUR or DAY) but found " +
               describe(unit));
    }
    next();
    auto node = make(SyntaxKind::Interval, keyword.column);
    if (__builtin_mul_overflow(amount, scale, &node->integer_value)) {
      fail(value.column, "INTERVAL value is too large");
    }
    return node;
  }

  Lexer lexer_;
  std::deque<Token> lookahead_;
  std::size_t previous_end_column_ = 1;
  int depth_ = 0;
};

}  // namespace

std::unique_ptr<Syntax> parse_expression(std::string_view text) {
  return Parser(text).whole_expression();
}

ParsedItem parse_item(std::string_view text) { return Parser(text).item(); }

}  // namespace rivulet::graphs::expr
