// The scalar function table: result types, nullability, promotions and signature errors.

#include <gtest/gtest.h>

#include "expr_test_support.hpp"
#include "graphs/expr/functions.hpp"

namespace rivulet::graphs::expr::testing {
namespace {

TEST(ExprFunctions, Strings) {
  EXPECT_EQ(tree_of("lower(Country)"), "(lower Country#7) : string");
  EXPECT_EQ(tree_of("UPPER(name)"), "(upper name#2) : string?");
  EXPECT_EQ(tree_of("Length(Country)"), "(length Country#7) : int64");
  EXPECT_EQ(tree_of("trim(Country)"), "(trim Country#7) : string");
  EXPECT_EQ(tree_of("substr(Country, 1)"), "(substr Country#7 1) : string");
  EXPECT_EQ(tree_of("substr(Country, 1, n)"), "(substr Country#7 1 n#8) : string?");
  EXPECT_EQ(tree_of("substring(Country, 2, 3)"), "(substr Country#7 2 3) : string");
  EXPECT_EQ(tree_of("concat(Country, '-', name)"), "(concat Country#7 '-' name#2) : string?");
  EXPECT_EQ(tree_of("concat(Country)"), "(concat Country#7) : string");
  EXPECT_EQ(tree_of("starts_with(Country, 'D')"), "(starts_with Country#7 'D') : bool");
  EXPECT_EQ(tree_of("ends_with(name, 'x')"), "(ends_with name#2 'x') : bool?");
  EXPECT_EQ(tree_of("contains(Country, 'E')"), "(contains Country#7 'E') : bool");
  EXPECT_EQ(tree_of("replace(Country, 'a', 'b')"), "(replace Country#7 'a' 'b') : string");
}

TEST(ExprFunctions, Numbers) {
  EXPECT_EQ(tree_of("abs(qty)"), "(abs qty#1) : int64");
  EXPECT_EQ(tree_of("abs(score)"), "(abs score#6) : float64?");
  EXPECT_EQ(tree_of("round(amount)"), "(round amount#0) : float64");
  EXPECT_EQ(tree_of("round(amount, 2)"), "(round amount#0 2) : float64");
  EXPECT_EQ(tree_of("round(qty, -1)"), "(round qty#1 -1) : int64");
  EXPECT_EQ(tree_of("floor(amount)"), "(floor amount#0) : float64");
  EXPECT_EQ(tree_of("ceil(qty)"), "(ceil qty#1) : int64");
  EXPECT_EQ(tree_of("sqrt(qty)"), "(sqrt (float64 qty#1)) : float64");
  EXPECT_EQ(tree_of("pow(2, 10)"), "(pow (float64 2) (float64 10)) : float64");
  EXPECT_EQ(tree_of("POWER(amount, 0.5)"), "(pow amount#0 0.5) : float64");
  EXPECT_EQ(tree_of("ln(amount)"), "(ln amount#0) : float64");
  EXPECT_EQ(tree_of("exp(NULL)"), "(exp NULL:float64) : float64?");
}

TEST(ExprFunctions, Generic) {
  EXPECT_EQ(tree_of("least(qty, 5)"), "(least qty#1 5) : int64");
  EXPECT_EQ(tree_of("greatest(qty, amount, n)"),
            "(greatest (float64 qty#1) amount#0 (float64 n#8)) : float64?");
  EXPECT_EQ(tree_of("least(Country, 'm')"), "(least Country#7 'm') : string");
  EXPECT_EQ(tree_of("coalesce(name, 'none')"), "(coalesce name#2 'none') : string");
  EXPECT_EQ(tree_of("coalesce(name, NULL)"), "(coalesce name#2 NULL:string) : string?");
  EXPECT_EQ(tree_of("coalesce(n, score, 0)"),
            "(coalesce (float64 n#8) score#6 (float64 0)) : float64");
  EXPECT_EQ(tree_of("nullif(qty, 0)"), "(nullif qty#1 0) : int64?");
  EXPECT_EQ(tree_of("if(flag, 1, 2.5)"), "(if flag#4 (float64 1) 2.5) : float64");
  EXPECT_EQ(tree_of("if(qty > 1, name, 'x')"), "(if (> qty#1 1) name#2 'x') : string?");
  EXPECT_EQ(tree_of("hash(Country)"), "(hash Country#7) : int64");
  EXPECT_EQ(tree_of("hash(ts)"), "(hash ts#3) : int64");
}

TEST(ExprFunctions, Time) {
  EXPECT_EQ(tree_of("now()"), "(now) : timestamp");
  EXPECT_EQ(tree_of("now() - ts"), "(- (now) ts#3) : int64");
  EXPECT_EQ(tree_of("to_timestamp(qty)"), "(to_timestamp qty#1) : timestamp");
  EXPECT_EQ(tree_of("from_unixtime(n)"), "(from_unixtime n#8) : timestamp?");
  EXPECT_EQ(tree_of("year(ts)"), "(year ts#3) : int64");
  EXPECT_EQ(tree_of("month(ts) + day(ts) + hour(ts) + minute(ts) + second(seen)"),
            "(+ (+ (+ (+ (month ts#3) (day ts#3)) (hour ts#3)) (minute ts#3)) (second seen#9)) "
            ": int64?");
  EXPECT_EQ(tree_of("date_trunc('Hour', ts)"), "(date_trunc 'hour' ts#3) : timestamp");
  EXPECT_EQ(tree_of("epoch_ms(ts)"), "(epoch_ms ts#3) : int64");
  EXPECT_EQ(tree_of("parse_timestamp(Country)"), "(parse_timestamp Country#7) : timestamp?");
  EXPECT_EQ(error_of("date_trunc('week', ts)"),
            "column 12: date_trunc unit must be one of 'second', 'minute', 'hour', 'day'");
  EXPECT_EQ(error_of("date_trunc(Country, ts)"),
            "column 12: date_trunc unit must be one of 'second', 'minute', 'hour', 'day'");
}

TEST(ExprFunctions, UnknownFunction) {
  EXPECT_EQ(error_of("lenght(name)"),
            "column 1: unknown function 'lenght'; did you mean 'length'?");
  EXPECT_EQ(error_of("qty + frobnicate(1)"), "column 7: unknown function 'frobnicate'");
  EXPECT_EQ(error_of("sum(qty)"), "column 1: aggregate function 'sum' is not allowed here");
  EXPECT_EQ(error_of("max(qty, 1)"),
            "column 1: aggregate function 'max' is not allowed here; use least() or greatest() "
            "to compare values");
  EXPECT_EQ(error_of("count(*)"), "column 1: aggregate function 'count' is not allowed here");
}

TEST(ExprFunctions, WrongArity) {
  EXPECT_EQ(error_of("qty + abs()"),
            "column 7: wrong number of arguments for abs: got 0, expected abs(T) -> T");
  EXPECT_EQ(error_of("substr(name)"),
            "column 1: wrong number of arguments for substr: got 1, expected substr(string, int64 "
            "start [, int64 length]) -> string");
  EXPECT_EQ(error_of("now(1)"),
            "column 1: wrong number of arguments for now: got 1, expected now() -> timestamp");
  EXPECT_EQ(error_of("concat()"),
            "column 1: wrong number of arguments for concat: got 0, expected concat(string, ...) "
            "-> string");
  EXPECT_EQ(error_of("if(flag, 1)"),
            "column 1: wrong number of arguments for if: got 2, expected if(bool, T, T) -> T");
}

TEST(ExprFunctions, WrongArgumentType) {
  EXPECT_EQ(error_of("lower(qty)"),
            "column 1: wrong type for argument 1 of lower: got int64, expected lower(string) -> "
            "string");
  EXPECT_EQ(error_of("substr(name, 1.5)"),
            "column 1: wrong type for argument 2 of substr: got float64, expected substr(string, "
            "int64 start [, int64 length]) -> string");
  EXPECT_EQ(error_of("sqrt(name)"),
            "column 1: wrong type for argument 1 of sqrt: got string, expected sqrt(float64) -> "
            "float64");
  EXPECT_EQ(error_of("abs(flag)"),
            "column 1: wrong type for argument 1 of abs: got bool, expected abs(T) -> T");
  EXPECT_EQ(error_of("year(qty)"),
            "column 1: wrong type for argument 1 of year: got int64, expected year(timestamp) -> "
            "int64");
  EXPECT_EQ(error_of("concat('a', qty)"),
            "column 1: wrong type for argument 2 of concat: got int64, expected concat(string, "
            "...) -> string");
  EXPECT_EQ(error_of("if(qty, 1, 2)"),
            "column 1: wrong type for argument 1 of if: got int64, expected if(bool, T, T) -> T");
  EXPECT_EQ(error_of("coalesce(name, 1)"),
            "column 1: arguments of coalesce have incompatible types string and int64; expected "
            "coalesce(T, T, ...) -> T");
  EXPECT_EQ(error_of("to_timestamp(ts)"),
            "column 1: wrong type for argument 1 of to_timestamp: got timestamp, expected "
            "to_timestamp(int64 epoch_ms) -> timestamp");
}

TEST(ExprFunctions, EveryTableEntryIsReachableByName) {
  for (std::string_view name : function_names()) {
    const FunctionSpec* spec = find_function(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_FALSE(spec->args.empty() && spec->max_args > 0) << name;
    EXPECT_LE(spec->min_args, spec->max_args) << name;
    EXPECT_EQ(spec->signature.substr(0, name.size()), name);
  }
}

}  // namespace
}  // namespace rivulet::graphs::expr::testing
