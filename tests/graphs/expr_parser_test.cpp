// Syntax: literals, precedence and every kind of syntax error with its exact column.

#include <gtest/gtest.h>

#include "expr_test_support.hpp"
#include "graphs/expr/lexer.hpp"

namespace rivulet::graphs::expr::testing {
namespace {

TEST(ExprLexer, TokensAndColumns) {
  auto tokens = tokenize("a<>b || 'x''y' \"q\"\"\" 1.5e2");
  ASSERT_EQ(tokens.size(), 8u);
  EXPECT_EQ(tokens[1].kind, TokenKind::NotEqual);
  EXPECT_EQ(tokens[1].column, 2u);
  EXPECT_EQ(tokens[1].end_column, 4u);
  EXPECT_EQ(tokens[3].kind, TokenKind::Concat);
  EXPECT_EQ(tokens[4].text, "x'y");
  EXPECT_EQ(tokens[5].kind, TokenKind::QuotedIdentifier);
  EXPECT_EQ(tokens[5].text, "q\"");
  EXPECT_EQ(tokens[6].decimal_value, 150.0);
  EXPECT_EQ(tokens[7].kind, TokenKind::End);
  EXPECT_EQ(tokens[7].column, 27u);  // one past "1.5e2" (columns 22-26)
}

TEST(ExprParser, Literals) {
  EXPECT_EQ(tree_of("42"), "42 : int64");
  EXPECT_EQ(tree_of("-42"), "-42 : int64");
  EXPECT_EQ(tree_of("1.5"), "1.5 : float64");
  EXPECT_EQ(tree_of(".5"), "0.5 : float64");
  EXPECT_EQ(tree_of("1e3"), "1000.0 : float64");
  EXPECT_EQ(tree_of("2.5E-1"), "0.25 : float64");
  EXPECT_EQ(tree_of("'it''s'"), "'it''s' : string");
  EXPECT_EQ(tree_of("''"), "'' : string");
  EXPECT_EQ(tree_of("TRUE"), "true : bool");
  EXPECT_EQ(tree_of("false"), "false : bool");
  EXPECT_EQ(tree_of("NULL"), "NULL:int64 : int64?");
  EXPECT_EQ(tree_of("9223372036854775807"), "9223372036854775807 : int64");
  EXPECT_EQ(tree_of("-9223372036854775808"), "-9223372036854775808 : int64");
}

TEST(ExprParser, NullLiteralIsMarked) {
  auto result = check_expression("NULL", schema());
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.value->type.is_null_literal);
  EXPECT_TRUE(result.value->type.nullable);
  EXPECT_FALSE(check_expression("NULL + 1", schema()).value->type.is_null_literal);
}

TEST(ExprParser, Intervals) {
  EXPECT_EQ(tree_of("INTERVAL '5' SECOND"), "5000 : int64");
  EXPECT_EQ(tree_of("interval '2' minutes"), "120000 : int64");
  EXPECT_EQ(tree_of("INTERVAL 3 HOUR"), "10800000 : int64");
  EXPECT_EQ(tree_of("INTERVAL '1' DAY"), "86400000 : int64");
  EXPECT_EQ(tree_of("INTERVAL '250' MILLISECOND"), "250 : int64");
  EXPECT_EQ(tree_of("INTERVAL '-5' SECOND"), "-5000 : int64");
  EXPECT_EQ(error_of("INTERVAL 'five' SECOND"),
            "column 10: INTERVAL value must be a whole number, e.g. INTERVAL '5' SECOND");
  EXPECT_EQ(error_of("INTERVAL '5' WEEK"),
            "column 14: expected an interval unit (MILLISECOND, SECOND, MINUTE, HOUR or DAY) "
            "but found 'WEEK'");
  EXPECT_EQ(error_of("INTERVAL '5'"),
            "column 13: expected an interval unit (MILLISECOND, SECOND, MINUTE, HOUR or DAY) "
            "but found end of expression");
  EXPECT_EQ(error_of("INTERVAL x SECOND"),
            "column 10: expected a quoted number after INTERVAL, e.g. INTERVAL '5' SECOND, but "
            "found 'x'");
  EXPECT_EQ(error_of("INTERVAL '9223372036854775807' DAY"),
            "column 10: INTERVAL value is too large");
}

TEST(ExprParser, FieldNames) {
  EXPECT_EQ(tree_of("qty"), "qty#1 : int64");
  EXPECT_EQ(tree_of("\"odd name\""), "odd name#5 : int64");
  EXPECT_EQ(tree_of("\"qty\""), "qty#1 : int64");
  EXPECT_EQ(tree_of("Country"), "Country#7 : string");
  // Names are case-sensitive; a case slip gets a suggestion.
  EXPECT_EQ(error_of("country"), "column 1: unknown field 'country'; did you mean 'Country'?");
}

TEST(ExprParser, Precedence) {
  EXPECT_EQ(tree_of("1 + 2 * 3"), "(+ 1 (* 2 3)) : int64");
  EXPECT_EQ(tree_of("(1 + 2) * 3"), "(* (+ 1 2) 3) : int64");
  EXPECT_EQ(tree_of("1 - 2 - 3"), "(- (- 1 2) 3) : int64");
  EXPECT_EQ(tree_of("qty % 7 / 2"), "(/ (% qty#1 7) 2) : int64?");
  EXPECT_EQ(tree_of("-qty * 2"), "(* (- qty#1) 2) : int64");
  EXPECT_EQ(tree_of("- -qty"), "(- (- qty#1)) : int64");
  EXPECT_EQ(tree_of("name || 'a' || 'b'"), "(|| (|| name#2 'a') 'b') : string?");
  EXPECT_EQ(tree_of("qty + 1 = 2 OR flag AND NOT flag"),
            "(OR (= (+ qty#1 1) 2) (AND flag#4 (NOT flag#4))) : bool?");
  EXPECT_EQ(tree_of("NOT qty = 1"), "(NOT (= qty#1 1)) : bool");
  EXPECT_EQ(tree_of("NOT qty = 1 AND TRUE"), "(AND (NOT (= qty#1 1)) true) : bool");
  EXPECT_EQ(tree_of("qty BETWEEN 1 AND 2 AND TRUE"), "(AND (BETWEEN qty#1 1 2) true) : bool");
  EXPECT_EQ(tree_of("qty BETWEEN 1 + 1 AND 3 * 2"), "(BETWEEN qty#1 (+ 1 1) (* 3 2)) : bool");
  EXPECT_EQ(tree_of("name IS NULL OR qty IN (1, 2)"),
            "(OR (IS NULL name#2) (IN qty#1 1 2)) : bool");
  EXPECT_EQ(tree_of("name || 'x' LIKE 'a%'"), "(LIKE (|| name#2 'x') 'a%') : bool?");
}

TEST(ExprParser, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(tree_of("qty not in (1) and name is not null"),
            "(AND (NOT IN qty#1 1) (IS NOT NULL name#2)) : bool");
  EXPECT_EQ(tree_of("case when flag then 1 else 0 end"), "(CASE flag#4 1 ELSE 0) : int64");
  EXPECT_EQ(tree_of("cast(qty as Double)"), "(CAST qty#1 AS float64) : float64");
}

TEST(ExprParser, OperatorSpellings) {
  EXPECT_EQ(tree_of("qty <> 1"), "(<> qty#1 1) : bool");
  EXPECT_EQ(tree_of("qty != 1"), "(<> qty#1 1) : bool");
  EXPECT_EQ(tree_of("qty == 1"), "(= qty#1 1) : bool");
  EXPECT_EQ(tree_of("qty<=1"), "(<= qty#1 1) : bool");
  EXPECT_EQ(tree_of("qty>=1"), "(>= qty#1 1) : bool");
}

TEST(ExprParser, ColumnsCountCharactersNotBytes) {
  // 'é' is two bytes in UTF-8 but one column.
  EXPECT_EQ(error_of("'é' || bogus"), "column 8: unknown field 'bogus'");
}

TEST(ExprParser, EmptyAndEndOfInput) {
  EXPECT_EQ(error_of(""), "column 1: empty expression");
  EXPECT_EQ(error_of("   "), "column 1: empty expression");
  EXPECT_EQ(error_of("qty +"), "column 6: unexpected end of expression");
  EXPECT_EQ(error_of("qty + "), "column 7: unexpected end of expression");
  EXPECT_EQ(error_of("-"), "column 2: unexpected end of expression");
  EXPECT_EQ(error_of("NOT"), "column 4: unexpected end of expression");
  EXPECT_EQ(error_of("qty IS"), "column 7: missing NULL after IS");
  EXPECT_EQ(error_of("qty IS NOT 5"), "column 12: expected NULL after IS NOT but found '5'");
}

TEST(ExprParser, Parentheses) {
  EXPECT_EQ(error_of("(qty + 1"), "column 9: missing ')' to match '(' at column 1");
  EXPECT_EQ(error_of("((qty)"), "column 7: missing ')' to match '(' at column 1");
  EXPECT_EQ(error_of("qty + 1)"), "column 8: unmatched ')'");
  EXPECT_EQ(error_of("()"), "column 2: expected an expression but found ')'");
  EXPECT_EQ(error_of("(qty qty)"),
            "column 6: expected ')' to match '(' at column 1 but found 'qty'");
}

TEST(ExprParser, TrailingGarbage) {
  EXPECT_EQ(error_of("qty x"), "column 5: unexpected 'x' after end of expression");
  EXPECT_EQ(error_of("qty 1"), "column 5: unexpected '1' after end of expression");
  EXPECT_EQ(error_of("qty AS q"), "column 5: unexpected 'AS' after end of expression");
  EXPECT_EQ(error_of("qty , 1"), "column 5: unexpected ',' after end of expression");
}

TEST(ExprParser, BadTokens) {
  EXPECT_EQ(error_of("qty # 1"), "column 5: unexpected character '#'");
  EXPECT_EQ(error_of("qty | 1"), "column 5: unexpected character '|'");
  EXPECT_EQ(error_of("qty ! 1"), "column 5: unexpected character '!'");
  EXPECT_EQ(error_of("qty + \x01"), "column 7: unexpected character byte 0x01");
  EXPECT_EQ(error_of("qty + €"), "column 7: unexpected character '€'");
  EXPECT_EQ(error_of("qty + \xff"), "column 7: unexpected character byte 0xFF");
  EXPECT_EQ(error_of("qty + \xe2\x82"), "column 7: unexpected character byte 0xE2");
  EXPECT_EQ(error_of("'abc"), "column 1: unterminated string literal");
  EXPECT_EQ(error_of("qty + 'it''s"), "column 7: unterminated string literal");
  EXPECT_EQ(error_of("\"odd"), "column 1: unterminated quoted name");
  EXPECT_EQ(error_of("\"\""), "column 1: empty quoted name");
  EXPECT_EQ(error_of("12abc"), "column 1: invalid number '12abc'");
  EXPECT_EQ(error_of("1.2.3"), "column 1: invalid number '1.2.3'");
  EXPECT_EQ(error_of("9223372036854775808"),
            "column 1: integer '9223372036854775808' is out of range for int64");
  EXPECT_EQ(error_of("-9223372036854775809"),
            "column 2: integer '9223372036854775809' is out of range for int64");
  EXPECT_EQ(error_of("99999999999999999999999"),
            "column 1: integer '99999999999999999999999' is out of range for int64");
  EXPECT_EQ(error_of("1e999"), "column 1: number '1e999' is out of range for float64");
}

TEST(ExprParser, MisplacedWords) {
  EXPECT_EQ(error_of("qty + AND"), "column 7: expected an expression but found 'AND'");
  EXPECT_EQ(error_of("end"), "column 1: expected an expression but found 'end'");
  EXPECT_EQ(error_of("* 2"), "column 1: expected an expression but found '*'");
  EXPECT_EQ(error_of("qty IN 1"), "column 8: expected '(' after IN but found '1'");
  EXPECT_EQ(error_of("qty IN ()"), "column 9: IN needs at least one value");
  EXPECT_EQ(error_of("qty IN (1, 2"), "column 13: missing ')' to match '(' at column 8");
  EXPECT_EQ(error_of("qty IN (1 2)"),
            "column 11: expected ',' or ')' to match '(' at column 8 but found '2'");
  EXPECT_EQ(error_of("qty BETWEEN 1 OR 2"), "column 15: expected AND in BETWEEN but found 'OR'");
  EXPECT_EQ(error_of("qty NOT 1"), "column 5: unexpected 'NOT' after end of expression");
}

TEST(ExprParser, CaseSyntax) {
  EXPECT_EQ(error_of("CASE END"), "column 6: expected an expression but found 'END'");
  EXPECT_EQ(error_of("CASE"), "column 5: missing WHEN in CASE");
  EXPECT_EQ(error_of("CASE qty THEN 1 END"), "column 10: expected WHEN in CASE but found 'THEN'");
  EXPECT_EQ(error_of("CASE WHEN flag 1 END"),
            "column 16: expected THEN after the WHEN condition but found '1'");
  EXPECT_EQ(error_of("CASE WHEN flag THEN 1"), "column 22: missing END to close CASE at column 1");
  EXPECT_EQ(error_of("CASE WHEN flag THEN 1 qty END"),
            "column 23: expected WHEN, ELSE or END but found 'qty'");
  EXPECT_EQ(error_of("CASE WHEN flag THEN 1 ELSE 2 qty"),
            "column 30: expected END to close CASE at column 1 but found 'qty'");
}

TEST(ExprParser, CastSyntax) {
  EXPECT_EQ(error_of("CAST qty"), "column 6: expected '(' after CAST but found 'qty'");
  EXPECT_EQ(error_of("CAST(qty)"), "column 9: expected AS in CAST but found ')'");
  EXPECT_EQ(error_of("CAST(qty AS)"), "column 12: expected a type name after AS but found ')'");
  EXPECT_EQ(error_of("CAST(qty AS"), "column 12: missing type name after AS");
  EXPECT_EQ(error_of("CAST(qty AS int64"), "column 18: missing ')' to match '(' at column 5");
  EXPECT_EQ(error_of("CAST(qty AS decimal)"),
            "column 13: unknown type 'decimal'; expected int64, float64, bool, string or "
            "timestamp");
}

TEST(ExprParser, CallSyntax) {
  EXPECT_EQ(error_of("lower(name"), "column 11: missing ')' to match '(' at column 6");
  EXPECT_EQ(error_of("lower(name,)"), "column 12: expected an expression but found ')'");
  EXPECT_EQ(error_of("lower(,name)"), "column 7: expected an expression but found ','");
  EXPECT_EQ(error_of("lower(*)"), "column 7: '*' is only allowed in count(*)");
}

TEST(ExprParser, NestingLimit) {
  std::string deep_ok = std::string(200, '(') + "qty" + std::string(200, ')');
  EXPECT_EQ(type_of(deep_ok), "int64");
  std::string too_deep = std::string(300, '(') + "qty" + std::string(300, ')');
  // The 257th '(' is one level too many.
  EXPECT_EQ(error_of(too_deep),
            "column 257: expression is nested too deeply (more than 256 levels)");
  std::string unary(100000, '-');
  EXPECT_EQ(error_of(unary + "qty"),
            "column 257: expression is nested too deeply (more than 256 levels)");
  // A flat chain does not recurse in the parser but builds a deep tree: the 256th '+' is
  // refused (at column 4 + 255 * 4).
  std::string chain = "qty";
  for (int i = 0; i < 1000; ++i) chain += "+qty";
  EXPECT_EQ(error_of(chain), "column 1024: expression is nested too deeply (more than 256 levels)");
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "NOT ";
  EXPECT_NE(error_of(nots + "flag").find("nested too deeply"), std::string::npos);
  std::string short_chain = "qty";
  for (int i = 0; i < 200; ++i) short_chain += "+qty";
  EXPECT_EQ(type_of(short_chain), "int64");
}

}  // namespace
}  // namespace rivulet::graphs::expr::testing
