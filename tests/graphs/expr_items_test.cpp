// check_named_expression ("expr AS name") and check_aggregate ("sum(x) AS total").

#include <gtest/gtest.h>

#include "expr_test_support.hpp"

namespace rivulet::graphs::expr::testing {
namespace {

std::string named(std::string_view text) {
  auto result = check_named_expression(text, schema());
  if (!result.ok()) return result.error.to_string();
  return result.value->name + " = " + dump(*result.value->expression.tree) + " : " +
         type_text(result.value->expression.type);
}

std::string aggregate(std::string_view text) {
  auto result = check_aggregate(text, schema());
  if (!result.ok()) return result.error.to_string();
  const Aggregate& a = *result.value;
  std::string out = a.name + " = " + a.function + "(";
  out += a.argument ? dump(*a.argument) : "*";
  if (a.function == "percentile") out += ", " + std::to_string(a.fraction).substr(0, 4);
  return out + ") : " + type_text(a.result);
}

TEST(ExprNamed, WithAlias) {
  EXPECT_EQ(named("qty * 2 AS double_qty"), "double_qty = (* qty#1 2) : int64");
  EXPECT_EQ(named("qty as q"), "q = qty#1 : int64");
  EXPECT_EQ(named("amount AS \"Total Amount\""), "Total Amount = amount#0 : float64");
  EXPECT_EQ(named("CAST(qty AS string) AS s"), "s = (CAST qty#1 AS string) : string");
}

TEST(ExprNamed, BareFieldKeepsItsName) {
  EXPECT_EQ(named("qty"), "qty = qty#1 : int64");
  EXPECT_EQ(named("\"odd name\""), "odd name = odd name#5 : int64");
}

TEST(ExprNamed, Errors) {
  EXPECT_EQ(named("qty * 2"), "column 8: computed expression needs a name: add 'AS <name>'");
  EXPECT_EQ(named("qty + 1  "), "column 8: computed expression needs a name: add 'AS <name>'");
  EXPECT_EQ(named("(qty)"), "qty = qty#1 : int64");  // still a bare field
  EXPECT_EQ(named("qty * 2 total"),
            "column 9: unexpected 'total' after end of expression; write 'AS total' to name it");
  EXPECT_EQ(named("qty AS"), "column 7: expected a name after AS");
  EXPECT_EQ(named("qty AS 5"), "column 8: expected a name after AS but found '5'");
  EXPECT_EQ(named("qty AS end"),
            "column 8: expected a name after AS but found 'end'; write \"end\" to use a reserved "
            "word as a name");
  EXPECT_EQ(named("qty AS a b"), "column 10: unexpected 'b' after the name");
  EXPECT_EQ(named("qty AS a AS b"), "column 10: unexpected 'AS' after the name");
  EXPECT_EQ(named("qtty AS q"), "column 1: unknown field 'qtty'; did you mean 'qty'?");
  EXPECT_EQ(named("bogus + 1"), "column 1: unknown field 'bogus'");  // text order
  EXPECT_EQ(named(""), "column 1: empty expression");
  EXPECT_EQ(named("AS x"), "column 1: expected an expression but found 'AS'");
}

TEST(ExprAggregate, Functions) {
  EXPECT_EQ(aggregate("count(*) AS n"), "n = count(*) : int64");
  EXPECT_EQ(aggregate("COUNT(name) AS c"), "c = count(name#2) : int64");
  EXPECT_EQ(aggregate("count_distinct(Country) AS c"), "c = count_distinct(Country#7) : int64");
  EXPECT_EQ(aggregate("sum(qty) AS s"), "s = sum(qty#1) : int64?");
  EXPECT_EQ(aggregate("sum(amount * qty) AS s"),
            "s = sum((* amount#0 (float64 qty#1))) : float64?");
  EXPECT_EQ(aggregate("avg(qty) AS a"), "a = avg(qty#1) : float64?");
  EXPECT_EQ(aggregate("min(Country) AS m"), "m = min(Country#7) : string?");
  EXPECT_EQ(aggregate("max(ts) AS m"), "m = max(ts#3) : timestamp?");
  EXPECT_EQ(aggregate("percentile(amount, 0.99) AS p99"),
            "p99 = percentile(amount#0, 0.99) : float64?");
}

TEST(ExprAggregate, DefaultNames) {
  EXPECT_EQ(aggregate("count(*)"), "count = count(*) : int64");
  EXPECT_EQ(aggregate("sum(qty)"), "sum_qty = sum(qty#1) : int64?");
  EXPECT_EQ(aggregate("percentile(amount, 0.5)"),
            "percentile_amount = percentile(amount#0, 0.50) : float64?");
  EXPECT_EQ(aggregate("sum(qty * 2)"),
            "column 13: aggregate of a computed expression needs a name: add 'AS <name>'");
}

TEST(ExprAggregate, Errors) {
  EXPECT_EQ(aggregate("summ(qty) AS s"),
            "column 1: unknown aggregate function 'summ' (known: count, count_distinct, sum, min, "
            "max, avg, percentile); did you mean 'sum'?");
  EXPECT_EQ(aggregate("qty AS s"),
            "column 1: expected an aggregate call such as count(*), sum(x) or percentile(x, 0.99)");
  EXPECT_EQ(
      aggregate("sum(qty) + 1 AS s"),
      "column 10: expected an aggregate call such as count(*), sum(x) or percentile(x, 0.99)");
  EXPECT_EQ(aggregate("sum(*) AS s"), "column 5: '*' is only allowed in count(*)");
  EXPECT_EQ(aggregate("count() AS n"),
            "column 1: wrong number of arguments for count: got 0, expected count(*) or count(x)");
  EXPECT_EQ(aggregate("sum(qty, 1) AS s"),
            "column 1: wrong number of arguments for sum: got 2, expected sum(x)");
  EXPECT_EQ(aggregate("percentile(qty) AS p"),
            "column 1: wrong number of arguments for percentile: got 1, expected percentile(x, "
            "fraction)");
  EXPECT_EQ(aggregate("sum(name) AS s"), "column 1: sum needs a number, got string");
  EXPECT_EQ(aggregate("avg(flag) AS s"), "column 1: avg needs a number, got bool");
  EXPECT_EQ(aggregate("percentile(Country, 0.5) AS p"),
            "column 1: percentile needs a number, got string");
  for (const char* bad :
       {"percentile(qty, 1) AS p", "percentile(qty, 0) AS p", "percentile(qty, 1.5) AS p",
        "percentile(qty, -0.5) AS p", "percentile(qty, qty) AS p", "percentile(qty, '0.5') AS p"}) {
    EXPECT_EQ(aggregate(bad),
              "column 17: percentile fraction must be a number literal between 0 and 1 "
              "(exclusive), e.g. 0.99")
        << bad;
  }
  EXPECT_EQ(aggregate("sum(NULL) AS s"),
            "column 5: cannot infer the type of NULL here; use CAST(NULL AS <type>)");
  EXPECT_EQ(aggregate("sum(CAST(NULL AS int64)) AS s"), "s = sum(NULL:int64) : int64?");
  EXPECT_EQ(aggregate("sum(sum(qty)) AS s"),
            "column 5: aggregate function 'sum' is not allowed here");
  EXPECT_EQ(aggregate("sum(qtyy) AS s"), "column 5: unknown field 'qtyy'; did you mean 'qty'?");
  EXPECT_EQ(aggregate("count(*) n"),
            "column 10: unexpected 'n' after end of expression; write 'AS n' to name it");
  EXPECT_EQ(aggregate(""), "column 1: empty expression");
}

}  // namespace
}  // namespace rivulet::graphs::expr::testing
