// Type checking of operators, CASE, CAST and NULL handling; every type error with its column.

#include <gtest/gtest.h>

#include "expr_test_support.hpp"

namespace rivulet::graphs::expr::testing {
namespace {

TEST(ExprTypes, FieldReferencesAreResolvedToIndices) {
  auto result = check_expression("score", schema());
  ASSERT_TRUE(result.ok());
  const Node& node = *result.value->tree;
  EXPECT_EQ(node.kind, NodeKind::Field);
  EXPECT_EQ(node.field_index, 6u);
  EXPECT_EQ(node.column, 1u);
  EXPECT_EQ(type_text(node.type), "float64?");
}

TEST(ExprTypes, UnknownField) {
  EXPECT_EQ(error_of("amout > 3"), "column 1: unknown field 'amout'; did you mean 'amount'?");
  EXPECT_EQ(error_of("qty + amuont"), "column 7: unknown field 'amuont'; did you mean 'amount'?");
  EXPECT_EQ(error_of("qty + zzzzzz"), "column 7: unknown field 'zzzzzz'");
  EXPECT_EQ(error_of("\"odd nam\""), "column 1: unknown field 'odd nam'; did you mean 'odd name'?");
}

TEST(ExprTypes, Arithmetic) {
  EXPECT_EQ(tree_of("qty + 1"), "(+ qty#1 1) : int64");
  EXPECT_EQ(tree_of("qty * amount"), "(* (float64 qty#1) amount#0) : float64");
  EXPECT_EQ(tree_of("amount / 2"), "(/ amount#0 (float64 2)) : float64");
  EXPECT_EQ(tree_of("qty / 2"), "(/ qty#1 2) : int64?");
  EXPECT_EQ(tree_of("qty % 2.5"), "(% (float64 qty#1) 2.5) : float64");
  EXPECT_EQ(tree_of("n + 1"), "(+ n#8 1) : int64?");
  EXPECT_EQ(tree_of("-score"), "(- score#6) : float64?");
  EXPECT_EQ(tree_of("qty + NULL"), "(+ qty#1 NULL:int64) : int64?");
  EXPECT_EQ(tree_of("NULL * amount"), "(* NULL:float64 amount#0) : float64?");
  EXPECT_EQ(tree_of("-NULL"), "(- NULL:int64) : int64?");
}

TEST(ExprTypes, ArithmeticErrors) {
  EXPECT_EQ(error_of("'a' + 'b'"),
            "column 5: operator '+' is not defined for string and string; use || or concat() "
            "to join strings");
  EXPECT_EQ(error_of("name + 1"),
            "column 6: operator '+' is not defined for string and int64; use || or concat() to "
            "join strings");
  EXPECT_EQ(error_of("qty * flag"), "column 5: operator '*' is not defined for int64 and bool");
  EXPECT_EQ(error_of("ts * 2"), "column 4: operator '*' is not defined for timestamp and int64");
  EXPECT_EQ(error_of("ts + ts"),
            "column 4: operator '+' is not defined for timestamp and timestamp");
  EXPECT_EQ(error_of("ts + 1.5"),
            "column 4: operator '+' is not defined for timestamp and float64");
  EXPECT_EQ(error_of("1 - ts"), "column 3: operator '-' is not defined for int64 and timestamp");
  EXPECT_EQ(error_of("-name"), "column 1: operator '-' needs a number, got string");
  EXPECT_EQ(error_of("qty + (name || 'x')"),
            "column 5: operator '+' is not defined for int64 and string; use || or concat() to "
            "join strings");
}

TEST(ExprTypes, TimestampArithmetic) {
  EXPECT_EQ(tree_of("ts + 1000"), "(+ ts#3 1000) : timestamp");
  EXPECT_EQ(tree_of("1000 + ts"), "(+ ts#3 1000) : timestamp");  // timestamp normalised left
  EXPECT_EQ(tree_of("ts - INTERVAL '1' MINUTE"), "(- ts#3 60000) : timestamp");
  EXPECT_EQ(tree_of("ts - seen"), "(- ts#3 seen#9) : int64?");
  EXPECT_EQ(tree_of("ts + NULL"), "(+ ts#3 NULL:int64) : timestamp?");
  EXPECT_EQ(tree_of("NULL - ts"), "(- NULL:timestamp ts#3) : int64?");
  EXPECT_EQ(tree_of("ts - NULL"), "(- ts#3 NULL:int64) : timestamp?");
}

TEST(ExprTypes, Concat) {
  EXPECT_EQ(tree_of("Country || '-' || name"), "(|| (|| Country#7 '-') name#2) : string?");
  EXPECT_EQ(tree_of("Country || NULL"), "(|| Country#7 NULL:string) : string?");
  EXPECT_EQ(error_of("Country || qty"),
            "column 9: operator '||' needs strings, got string and int64; convert with CAST(x "
            "AS string)");
}

TEST(ExprTypes, Comparisons) {
  EXPECT_EQ(tree_of("qty < amount"), "(< (float64 qty#1) amount#0) : bool");
  EXPECT_EQ(tree_of("qty = 1"), "(= qty#1 1) : bool");
  EXPECT_EQ(tree_of("n = 1"), "(= n#8 1) : bool?");
  EXPECT_EQ(tree_of("name >= 'm'"), "(>= name#2 'm') : bool?");
  EXPECT_EQ(tree_of("ts > seen"), "(> ts#3 seen#9) : bool?");
  EXPECT_EQ(tree_of("flag = TRUE"), "(= flag#4 true) : bool?");
  EXPECT_EQ(tree_of("flag <> FALSE"), "(<> flag#4 false) : bool?");
  EXPECT_EQ(tree_of("qty = NULL"), "(= qty#1 NULL:int64) : bool?");
  EXPECT_EQ(tree_of("NULL = name"), "(= NULL:string name#2) : bool?");
  EXPECT_EQ(error_of("qty = 'a'"), "column 5: cannot compare int64 with string");
  EXPECT_EQ(error_of("ts > 5"), "column 4: cannot compare timestamp with int64");
  EXPECT_EQ(error_of("flag < TRUE"), "column 6: operator '<' is not defined for bool and bool");
  EXPECT_EQ(error_of("flag = 1"), "column 6: cannot compare bool with int64");
}

TEST(ExprTypes, Logic) {
  EXPECT_EQ(tree_of("flag AND qty > 1"), "(AND flag#4 (> qty#1 1)) : bool?");
  EXPECT_EQ(tree_of("TRUE OR NULL"), "(OR true NULL:bool) : bool?");
  EXPECT_EQ(tree_of("NOT NULL"), "(NOT NULL:bool) : bool?");
  EXPECT_EQ(error_of("qty AND flag"),
            "column 5: operator 'AND' needs bool operands, got int64 and bool");
  EXPECT_EQ(error_of("flag OR name"),
            "column 6: operator 'OR' needs bool operands, got bool and string");
  EXPECT_EQ(error_of("NOT qty"), "column 1: NOT needs a bool, got int64");
}

TEST(ExprTypes, IsNullInBetweenLike) {
  EXPECT_EQ(tree_of("name IS NULL"), "(IS NULL name#2) : bool");
  EXPECT_EQ(tree_of("NULL IS NOT NULL"), "(IS NOT NULL NULL:int64) : bool");
  EXPECT_EQ(tree_of("qty IN (1, 2.5)"), "(IN (float64 qty#1) (float64 1) 2.5) : bool");
  EXPECT_EQ(tree_of("name NOT IN ('a', NULL)"), "(NOT IN name#2 'a' NULL:string) : bool?");
  EXPECT_EQ(tree_of("flag IN (TRUE)"), "(IN flag#4 true) : bool?");
  EXPECT_EQ(error_of("qty IN (1, 'two', 3)"),
            "column 12: type mismatch in IN: expected int64, got string");
  EXPECT_EQ(tree_of("amount BETWEEN 1 AND 10"),
            "(BETWEEN amount#0 (float64 1) (float64 10)) : bool");
  EXPECT_EQ(tree_of("ts NOT BETWEEN seen AND ts"), "(NOT BETWEEN ts#3 seen#9 ts#3) : bool?");
  EXPECT_EQ(error_of("qty BETWEEN 'a' AND 3"),
            "column 13: type mismatch in BETWEEN: expected int64, got string");
  EXPECT_EQ(error_of("flag BETWEEN FALSE AND TRUE"),
            "column 6: BETWEEN needs numbers, strings or timestamps, got bool");
  EXPECT_EQ(tree_of("Country LIKE 'D%'"), "(LIKE Country#7 'D%') : bool");
  EXPECT_EQ(tree_of("name NOT LIKE Country"), "(NOT LIKE name#2 Country#7) : bool?");
  EXPECT_EQ(error_of("qty LIKE '1%'"), "column 5: LIKE needs strings, got int64 and string");
}

TEST(ExprTypes, SearchedCase) {
  EXPECT_EQ(tree_of("CASE WHEN qty > 10 THEN 'big' ELSE 'small' END"),
            "(CASE (> qty#1 10) 'big' ELSE 'small') : string");
  EXPECT_EQ(tree_of("CASE WHEN qty > 10 THEN 'big' END"), "(CASE (> qty#1 10) 'big') : string?");
  EXPECT_EQ(tree_of("CASE WHEN flag THEN 1 WHEN qty > 1 THEN 2.5 ELSE 0 END"),
            "(CASE flag#4 (float64 1) (> qty#1 1) 2.5 ELSE (float64 0)) : float64");
  EXPECT_EQ(tree_of("CASE WHEN flag THEN NULL ELSE qty END"),
            "(CASE flag#4 NULL:int64 ELSE qty#1) : int64?");
  EXPECT_EQ(tree_of("CASE WHEN flag THEN score ELSE 0.0 END"),
            "(CASE flag#4 score#6 ELSE 0.0) : float64?");
  EXPECT_EQ(tree_of("CASE WHEN NULL THEN 1 ELSE 2 END"), "(CASE NULL:bool 1 ELSE 2) : int64");
  EXPECT_EQ(error_of("CASE WHEN qty > 1 THEN 1 ELSE 'x' END"),
            "column 31: CASE branch has type string but earlier branches have int64");
  EXPECT_EQ(error_of("CASE WHEN qty THEN 1 END"),
            "column 11: CASE condition must be bool, got int64");
  EXPECT_EQ(error_of("CASE WHEN flag THEN 1 WHEN flag THEN ts END"),
            "column 38: CASE branch has type timestamp but earlier branches have int64");
}

TEST(ExprTypes, SimpleCase) {
  EXPECT_EQ(tree_of("CASE qty WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END"),
            "(CASE (= qty#1 1) 'one' (= qty#1 2) 'two' ELSE 'many') : string");
  EXPECT_EQ(tree_of("CASE qty WHEN 1.5 THEN 1 END"), "(CASE (= (float64 qty#1) 1.5) 1) : int64?");
  EXPECT_EQ(error_of("CASE qty WHEN 'x' THEN 1 END"),
            "column 15: cannot compare int64 with string");
  // The operand is one node shared by every comparison, not a copy.
  auto result = check_expression("CASE qty WHEN 1 THEN 1 WHEN 2 THEN 2 END", schema());
  ASSERT_TRUE(result.ok());
  const Node& tree = *result.value->tree;
  EXPECT_EQ(tree.child(0).children[0], tree.child(2).children[0]);
}

TEST(ExprTypes, Cast) {
  EXPECT_EQ(tree_of("CAST(qty AS float64)"), "(CAST qty#1 AS float64) : float64");
  EXPECT_EQ(tree_of("CAST(amount AS BIGINT)"), "(CAST amount#0 AS int64) : int64");
  EXPECT_EQ(tree_of("CAST(qty AS VARCHAR)"), "(CAST qty#1 AS string) : string");
  EXPECT_EQ(tree_of("CAST(name AS DOUBLE)"), "(CAST name#2 AS float64) : float64?");
  EXPECT_EQ(tree_of("CAST(Country AS int)"), "(CAST Country#7 AS int64) : int64?");
  EXPECT_EQ(tree_of("CAST(flag AS BOOLEAN)"), "flag#4 : bool?");  // no-op dropped
  EXPECT_EQ(tree_of("CAST(qty AS TIMESTAMP)"), "(CAST qty#1 AS timestamp) : timestamp");
  EXPECT_EQ(tree_of("CAST(ts AS int64)"), "(CAST ts#3 AS int64) : int64");
  EXPECT_EQ(tree_of("CAST(ts AS string)"), "(CAST ts#3 AS string) : string");
  EXPECT_EQ(tree_of("CAST(qty AS bool)"), "(CAST qty#1 AS bool) : bool");
  EXPECT_EQ(tree_of("CAST(NULL AS string)"), "NULL:string : string?");
  EXPECT_EQ(error_of("CAST(flag AS timestamp)"), "column 1: cannot cast bool to timestamp");
  EXPECT_EQ(error_of("CAST(ts AS float64)"), "column 1: cannot cast timestamp to float64");
  EXPECT_EQ(error_of("qty + CAST(ts AS double)"), "column 7: cannot cast timestamp to float64");
}

TEST(ExprTypes, NodesCarryColumns) {
  auto result = check_expression("qty +  amount", schema());
  ASSERT_TRUE(result.ok());
  const Node& add = *result.value->tree;
  EXPECT_EQ(add.column, 5u);
  EXPECT_EQ(add.child(0).column, 1u);  // the implicit cast keeps its operand's column
  EXPECT_TRUE(add.child(0).implicit);
  EXPECT_EQ(add.child(1).column, 8u);
}

}  // namespace
}  // namespace rivulet::graphs::expr::testing
