// The scalar function table. Adding a function: add a FunctionId, a row here, a line in
// docs/expressions.md, and its evaluator in the runtime.
//
// Runtime conventions the signatures assume: timestamps are int64 milliseconds since the Unix
// epoch, UTC; year()..second() and date_trunc() work in UTC.

#include "graphs/expr/functions.hpp"

namespace rivulet::graphs::expr {

namespace {

using A = ArgKind;
using F = FieldType;

const std::vector<FunctionSpec>& table() {
  // One row per name: kept in table layout, so formatting is off here.
  // clang-format off
  static const std::vector<FunctionSpec> functions = {
      // Strings.
      {"lower", FunctionId::Lower, "lower(string) -> string", 1, 1, {A::String},
       ResultRule::Fixed, F::String, NullRule::AnyArg},
      {"upper", FunctionId::Upper, "upper(string) -> string", 1, 1, {A::String},
       ResultRule::Fixed, F::String, NullRule::AnyArg},
      {"length", FunctionId::Length, "length(string) -> int64", 1, 1, {A::String},
       ResultRule::Fixed, F::Int64, NullRule::AnyArg},
      {"trim", FunctionId::Trim, "trim(string) -> string", 1, 1, {A::String},
       ResultRule::Fixed, F::String, NullRule::AnyArg},
      {"substr", FunctionId::Substr, "substr(string, int64 start [, int64 length]) -> string",
       2, 3, {A::String, A::Int64, A::Int64}, ResultRule::Fixed, F::String, NullRule::AnyArg},
      {"substring", FunctionId::Substr,
       "substring(string, int64 start [, int64 length]) -> string", 2, 3,
       {A::String, A::Int64, A::Int64}, ResultRule::Fixed, F::String, NullRule::AnyArg},
      {"concat", FunctionId::Concat, "concat(string, ...) -> string", 1, kVariadic, {A::String},
       ResultRule::Fixed, F::String, NullRule::AnyArg},
      {"starts_with", FunctionId::StartsWith, "starts_with(string, string) -> bool", 2, 2,
       {A::String, A::String}, ResultRule::Fixed, F::Bool, NullRule::AnyArg},
      {"ends_with", FunctionId::EndsWith, "ends_with(string, string) -> bool", 2, 2,
       {A::String, A::String}, ResultRule::Fixed, F::Bool, NullRule::AnyArg},
      {"contains", FunctionId::Contains, "contains(string, string) -> bool", 2, 2,
       {A::String, A::String}, ResultRule::Fixed, F::Bool, NullRule::AnyArg},
      {"replace", FunctionId::Replace, "replace(string, string from, string to) -> string", 3,
       3, {A::String, A::String, A::String}, ResultRule::Fixed, F::String, NullRule::AnyArg},

      // Numbers. T is int64 or float64; the result keeps it.
      {"abs", FunctionId::Abs, "abs(T) -> T", 1, 1, {A::Numeric}, ResultRule::FirstArg,
       F::Int64, NullRule::AnyArg},
      {"round", FunctionId::Round, "round(T [, int64 digits]) -> T", 1, 2,
       {A::Numeric, A::Int64}, ResultRule::FirstArg, F::Int64, NullRule::AnyArg},
      {"floor", FunctionId::Floor, "floor(T) -> T", 1, 1, {A::Numeric}, ResultRule::FirstArg,
       F::Int64, NullRule::AnyArg},
      {"ceil", FunctionId::Ceil, "ceil(T) -> T", 1, 1, {A::Numeric}, ResultRule::FirstArg,
       F::Int64, NullRule::AnyArg},
      {"ceiling", FunctionId::Ceil, "ceiling(T) -> T", 1, 1, {A::Numeric},
       ResultRule::FirstArg, F::Int64, NullRule::AnyArg},
      {"sqrt", FunctionId::Sqrt, "sqrt(float64) -> float64", 1, 1, {A::Float64},
       ResultRule::Fixed, F::Float64, NullRule::AnyArg},
      {"pow", FunctionId::Pow, "pow(float64, float64) -> float64", 2, 2,
       {A::Float64, A::Float64}, ResultRule::Fixed, F::Float64, NullRule::AnyArg},
      {"power", FunctionId::Pow, "power(float64, float64) -> float64", 2, 2,
       {A::Float64, A::Float64}, ResultRule::Fixed, F::Float64, NullRule::AnyArg},
      {"ln", FunctionId::Ln, "ln(float64) -> float64", 1, 1, {A::Float64}, ResultRule::Fixed,
       F::Float64, NullRule::AnyArg},
      {"exp", FunctionId::Exp, "exp(float64) -> float64", 1, 1, {A::Float64},
       ResultRule::Fixed, F::Float64, NullRule::AnyArg},
      {"geo_distance_km", FunctionId::GeoDistanceKm,
       "geo_distance_km(float64 lat1, float64 lon1, float64 lat2, float64 lon2) -> float64", 4, 4,
       {A::Float64, A::Float64, A::Float64, A::Float64}, ResultRule::Fixed, F::Float64,
       NullRule::AnyArg},

      // Generic. T is any type; int64 and float64 arguments mix to float64.
      {"least", FunctionId::Least, "least(T, T, ...) -> T", 1, kVariadic, {A::Common},
       ResultRule::Common, F::Int64, NullRule::AnyArg},
      {"greatest", FunctionId::Greatest, "greatest(T, T, ...) -> T", 1, kVariadic, {A::Common},
       ResultRule::Common, F::Int64, NullRule::AnyArg},
      {"coalesce", FunctionId::Coalesce, "coalesce(T, T, ...) -> T", 1, kVariadic,
       {A::Common}, ResultRule::Common, F::Int64, NullRule::AllArgs},
      {"nullif", FunctionId::NullIf, "nullif(T, T) -> T", 2, 2, {A::Common, A::Common},
       ResultRule::Common, F::Int64, NullRule::Always},
      // A NULL condition selects the else branch, as in CASE.
      {"if", FunctionId::If, "if(bool, T, T) -> T", 3, 3, {A::Bool, A::Common, A::Common},
       ResultRule::Common, F::Int64, NullRule::CommonArgs},
      {"hash", FunctionId::Hash, "hash(any) -> int64", 1, 1, {A::Any}, ResultRule::Fixed,
       F::Int64, NullRule::AnyArg},

      // Time.
      {"now", FunctionId::Now, "now() -> timestamp", 0, 0, {}, ResultRule::Fixed, F::Timestamp,
       NullRule::AnyArg},
      {"to_timestamp", FunctionId::ToTimestamp, "to_timestamp(int64 epoch_ms) -> timestamp", 1,
       1, {A::Int64}, ResultRule::Fixed, F::Timestamp, NullRule::AnyArg},
      // Seconds, as in Flink/MySQL FROM_UNIXTIME, but returning a timestamp.
      {"from_unixtime", FunctionId::FromUnixtime,
       "from_unixtime(int64 epoch_seconds) -> timestamp", 1, 1, {A::Int64}, ResultRule::Fixed,
       F::Timestamp, NullRule::AnyArg},
      {"year", FunctionId::Year, "year(timestamp) -> int64", 1, 1, {A::Timestamp},
       ResultRule::Fixed, F::Int64, NullRule::AnyArg},
      {"month", FunctionId::Month, "month(timestamp) -> int64", 1, 1, {A::Timestamp},
       ResultRule::Fixed, F::Int64, NullRule::AnyArg},
      {"day", FunctionId::Day, "day(timestamp) -> int64", 1, 1, {A::Timestamp},
       ResultRule::Fixed, F::Int64, NullRule::AnyArg},
      {"hour", FunctionId::Hour, "hour(timestamp) -> int64", 1, 1, {A::Timestamp},
       ResultRule::Fixed, F::Int64, NullRule::AnyArg},
      {"minute", FunctionId::Minute, "minute(timestamp) -> int64", 1, 1, {A::Timestamp},
       ResultRule::Fixed, F::Int64, NullRule::AnyArg},
      {"second", FunctionId::Second, "second(timestamp) -> int64", 1, 1, {A::Timestamp},
       ResultRule::Fixed, F::Int64, NullRule::AnyArg},
      // The unit must be a string literal ('second', 'minute', 'hour', 'day'); see binder.cpp.
      {"date_trunc", FunctionId::DateTrunc, "date_trunc(string unit, timestamp) -> timestamp",
       2, 2, {A::String, A::Timestamp}, ResultRule::Fixed, F::Timestamp, NullRule::AnyArg},
      {"epoch_ms", FunctionId::EpochMs, "epoch_ms(timestamp) -> int64", 1, 1, {A::Timestamp},
       ResultRule::Fixed, F::Int64, NullRule::AnyArg},
      // ISO-8601 text; NULL when the text does not parse.
      {"parse_timestamp", FunctionId::ParseTimestamp, "parse_timestamp(string) -> timestamp",
       1, 1, {A::String}, ResultRule::Fixed, F::Timestamp, NullRule::Always},
  };
  // clang-format on
  return functions;
}

}  // namespace

const FunctionSpec* find_function(std::string_view lower_name) {
  for (const FunctionSpec& spec : table()) {
    if (spec.name == lower_name) return &spec;
  }
  return nullptr;
}

std::string_view function_name(FunctionId id) {
  for (const FunctionSpec& spec : table()) {
    if (spec.id == id) return spec.name;
  }
  return "?";
}

std::vector<std::string_view> function_names() {
  std::vector<std::string_view> names;
  for (const FunctionSpec& spec : table()) names.push_back(spec.name);
  return names;
}

}  // namespace rivulet::graphs::expr
