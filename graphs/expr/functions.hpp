#pragma once
// The scalar function table: every function's name(s), arity, argument kinds, result rule and
// the signature shown in error messages, in one place (functions.cpp). The checker applies the
// rules generically; the few checks that need more (date_trunc's unit) live in the binder.

#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

#include "graphs/expr/ast.hpp"

namespace rivulet::graphs::expr {

// What an argument position accepts. NULL literals take the position's type.
enum class ArgKind {
  Int64,    // int64 only
  Float64,  // int64 or float64; int64 is promoted (implicit cast)
  Numeric,  // int64 or float64, kept as is
  String,
  Bool,
  Timestamp,
  Any,     // any type, kept as is
  Common,  // all Common positions are unified to one type (int64 + float64 -> float64)
};

enum class ResultRule {
  Fixed,     // FunctionSpec::result_type
  FirstArg,  // the (checked) type of argument 1, e.g. abs, round
  Common,    // the unified type of the Common arguments, e.g. least, coalesce
};

enum class NullRule {
  AnyArg,      // nullable if any argument is nullable (the default)
  AllArgs,     // nullable only if every argument is (coalesce)
  Always,      // may produce NULL on its own (nullif, parse_timestamp)
  CommonArgs,  // nullable if a Common argument is: if()'s condition only picks a branch
};

inline constexpr std::size_t kVariadic = std::numeric_limits<std::size_t>::max();

struct FunctionSpec {
  std::string_view name;  // lower case, as looked up
  FunctionId id;
  std::string_view signature;  // e.g. "substr(string, int64 [, int64]) -> string"
  std::size_t min_args;
  std::size_t max_args;  // kVariadic: any number; the last kind repeats
  std::vector<ArgKind> args;
  ResultRule result;
  FieldType result_type;  // for ResultRule::Fixed
  NullRule nulls;
};

// Looks up a lower-case name (aliases included). Null if unknown.
const FunctionSpec* find_function(std::string_view lower_name);
// The canonical name of an id (the first table entry with it).
std::string_view function_name(FunctionId id);
// All names, aliases included, for "did you mean" suggestions and docs.
std::vector<std::string_view> function_names();

}  // namespace rivulet::graphs::expr
