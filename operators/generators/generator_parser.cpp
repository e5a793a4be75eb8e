#include "operators/generators/generator_parser.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "operators/generators/value_generators.hpp"

namespace rivulet::operators::generators {
namespace {

using graphs::Error;
using graphs::FieldType;

using Made = graphs::Result<std::unique_ptr<FieldGenerator>>;

// make_unique plus the upcast, which Result's converting constructor cannot do implicitly.
template <class T, class... Args>
Made made(Args&&... args) {
  return std::unique_ptr<FieldGenerator>(std::make_unique<T>(std::forward<Args>(args)...));
}

// 'text' — built by appending: GCC 12 raises a false -Wrestrict on "'" + std::string(...).
std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> to_double(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// "name(a, b)" or "name".
struct Call {
  std::string_view name;
  std::vector<std::string_view> args;
};

graphs::Result<Call> parse_call(std::string_view text) {
  Call call;
  const auto open = text.find('(');
  if (open == std::string_view::npos) {
    call.name = trim(text);
  } else {
    if (text.back() != ')') return Error{quoted(text) + " lacks its closing ')'"};
    call.name = trim(text.substr(0, open));
    std::string_view inner = text.substr(open + 1, text.size() - open - 2);
    if (!trim(inner).empty()) {
      std::size_t start = 0;
      for (;;) {
        const auto comma = inner.find(',', start);
        call.args.push_back(trim(inner.substr(start, comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    }
  }
  if (call.name.empty()) return Error{quoted(text) + " names no generator"};
  return call;
}

std::string type_name(FieldType type) { return graphs::to_string(type); }

Error wrong_type(std::string_view generator, const graphs::Field& field, const char* accepted) {
  return Error{std::string(generator) + " needs " + accepted + " field, '" + field.name + "' is " +
               type_name(field.type)};
}

Error wrong_arity(const Call& call, const char* expected) {
  return Error{std::string(call.name) + " takes " + expected + ", got " +
               std::to_string(call.args.size())};
}

graphs::Result<double> number_arg(const Call& call, std::size_t i) {
  if (auto v = to_double(call.args[i])) return *v;
  return Error{std::string(call.name) + ": '" + std::string(call.args[i]) + "' is not a number"};
}

graphs::Result<double> probability_arg(const Call& call, std::size_t i) {
  auto p = number_arg(call, i);
  if (p.ok() && (*p < 0 || *p > 1)) {
    return Error{std::string(call.name) + ": probability " + std::string(call.args[i]) +
                 " is not between 0 and 1"};
  }
  return p;
}

graphs::Result<Scalar> parse_scalar(std::string_view text, const graphs::Field& field) {
  switch (field.type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      if (auto v = to_int(text)) return Scalar{*v};
      break;
    case FieldType::Float64:
      if (auto v = to_double(text)) return Scalar{*v};
      break;
    case FieldType::Bool:
      if (text == "true") return Scalar{true};
      if (text == "false") return Scalar{false};
      break;
    case FieldType::String:
      return Scalar{std::string(text)};
  }
  return Error{quoted(text) + " is not a " + type_name(field.type) + " value for '" +
               field.name + "'"};
}

bool is_integral(FieldType t) { return t == FieldType::Int64 || t == FieldType::Timestamp; }
bool is_numeric(FieldType t) { return is_integral(t) || t == FieldType::Float64; }

graphs::Result<std::unique_ptr<FieldGenerator>> make_uniform(const Call& call,
                                                             const graphs::Field& field) {
  if (!is_numeric(field.type))
    return wrong_type("uniform", field, "an int64, float64 or timestamp");
  if (call.args.size() != 2) return wrong_arity(call, "2 arguments (lo, hi)");
  auto lo = number_arg(call, 0);
  if (!lo) return lo.error();
  auto hi = number_arg(call, 1);
  if (!hi) return hi.error();
  if (*hi < *lo) return Error{"uniform: hi " + std::string(call.args[1]) + " is below lo"};
  if (field.type == FieldType::Float64) return made<UniformReal>(*lo, *hi);
  return made<UniformInt>(static_cast<std::int64_t>(std::ceil(*lo)),
                          static_cast<std::int64_t>(std::floor(*hi)));
}

graphs::Result<std::unique_ptr<FieldGenerator>> make_gaussian(const Call& call,
                                                              const graphs::Field& field,
                                                              bool log_normal) {
  if (!is_numeric(field.type)) {
    return wrong_type(call.name, field, "an int64, float64 or timestamp");
  }
  if (call.args.size() != 2) {
    return wrong_arity(call, log_normal ? "2 arguments (mu, sigma)" : "2 arguments (mean, stddev)");
  }
  auto mean = number_arg(call, 0);
  if (!mean) return mean.error();
  auto stddev = number_arg(call, 1);
  if (!stddev) return stddev.error();
  if (*stddev < 0) return Error{std::string(call.name) + ": the spread must not be negative"};
  return made<Gaussian>(*mean, *stddev, log_normal, is_integral(field.type));
}

// key, key(cardinality=N, zipf=S, prefix=P): options by name, so they combine in any order.
graphs::Result<std::unique_ptr<FieldGenerator>> make_key(const Call& call,
                                                         const graphs::Field& field,
                                                         std::uint64_t cardinality) {
  if (field.type != FieldType::Int64 && field.type != FieldType::String) {
    return wrong_type("key", field, "an int64 or string");
  }
  std::optional<double> zipf;
  std::string prefix = "key-";
  for (std::string_view arg : call.args) {
    const auto eq = arg.find('=');
    const std::string_view name = trim(arg.substr(0, eq));
    const std::string_view value = eq == std::string_view::npos ? "" : trim(arg.substr(eq + 1));
    if (name == "cardinality") {
      auto n = to_int(value);
      if (!n || *n < 1) return Error{"key: cardinality '" + std::string(value) + "' must be >= 1"};
      cardinality = static_cast<std::uint64_t>(*n);
    } else if (name == "zipf") {
      zipf = to_double(value);
      if (!zipf || *zipf <= 0) {
        return Error{"key: zipf exponent '" + std::string(value) + "' must be a number > 0"};
      }
    } else if (name == "prefix") {
      if (field.type != FieldType::String) return Error{"key: prefix needs a string field"};
      prefix = std::string(value);
    } else {
      return Error{"key: unknown option '" + std::string(arg) +
                   "' (options: cardinality=N, zipf=S, prefix=P)"};
    }
  }
  return made<KeyGenerator>(cardinality, zipf, std::move(prefix), field.type == FieldType::String);
}

graphs::Result<std::unique_ptr<FieldGenerator>> make_listed(const Call& call,
                                                            const graphs::Field& field) {
  if (call.args.empty()) return wrong_arity(call, "at least one value");
  if (call.name == "const" && call.args.size() != 1) return wrong_arity(call, "1 value");
  std::vector<Scalar> values;
  for (std::string_view arg : call.args) {
    auto v = parse_scalar(arg, field);
    if (!v) return Error{std::string(call.name) + ": " + v.error().message};
    values.push_back(std::move(*v));
  }
  if (call.name == "const") return made<Constant>(std::move(values.front()));
  return made<Choice>(std::move(values));
}

graphs::Result<std::unique_ptr<FieldGenerator>> make_generator(const Call& call,
                                                               const graphs::Field& field,
                                                               std::uint64_t key_cardinality) {
  const std::string_view name = call.name;
  if (name == "uniform") return make_uniform(call, field);
  if (name == "normal") return make_gaussian(call, field, false);
  if (name == "lognormal") return make_gaussian(call, field, true);
  if (name == "key") return make_key(call, field, key_cardinality);
  if (name == "choice" || name == "const") return make_listed(call, field);
  if (name == "sequence") {
    if (field.type == FieldType::Bool) return wrong_type("sequence", field, "a non-bool");
    if (call.args.size() > 1) return wrong_arity(call, "at most 1 argument (start)");
    std::int64_t start = 0;
    if (call.args.size() == 1) {
      auto s = to_int(call.args[0]);
      if (!s) return Error{"sequence: start '" + std::string(call.args[0]) + "' is not an integer"};
      start = *s;
    }
    return made<Sequence>(field.type, start);
  }
  if (name == "bool") {
    if (field.type != FieldType::Bool) return wrong_type("bool", field, "a bool");
    if (call.args.size() > 1) return wrong_arity(call, "at most 1 argument (p)");
    double p = 0.5;
    if (call.args.size() == 1) {
      auto parsed = probability_arg(call, 0);
      if (!parsed) return parsed.error();
      p = *parsed;
    }
    return made<BoolGenerator>(p);
  }
  if (name == "word") {
    if (field.type != FieldType::String) return wrong_type("word", field, "a string");
    std::int64_t length = 8;
    if (call.args.size() > 1) return wrong_arity(call, "at most 1 argument (length)");
    if (call.args.size() == 1) {
      auto n = to_int(call.args[0]);
      if (!n || *n < 1 || *n > 64) return Error{"word: length must be an integer from 1 to 64"};
      length = *n;
    }
    return made<Word>(static_cast<std::size_t>(length));
  }
  if (name == "event_time") {
    if (!is_integral(field.type)) return wrong_type("event_time", field, "a timestamp or int64");
    if (!call.args.empty()) return wrong_arity(call, "no arguments");
    return made<EventTime>();
  }
  return Error{"unknown generator '" + std::string(name) +
               "' (known: key, sequence, uniform, normal, lognormal, choice, const, bool, word, "
               "event_time, null(p) before one of them)"};
}

}  // namespace

graphs::Result<FieldHint> split_field_hint(std::string_view item) {
  const auto eq = item.find('=');
  if (eq == std::string_view::npos) {
    return Error{quoted(item) + " is not of the form field=generator"};
  }
  FieldHint hint{std::string(trim(item.substr(0, eq))), std::string(trim(item.substr(eq + 1)))};
  if (hint.field.empty()) return Error{quoted(item) + " names no field"};
  if (hint.generator.empty()) return Error{quoted(item) + " names no generator"};
  return hint;
}

graphs::Result<std::unique_ptr<FieldGenerator>> parse_generator(std::string_view text,
                                                                const graphs::Field& field,
                                                                std::uint64_t key_cardinality) {
  text = trim(text);
  std::optional<double> p_null;
  if (text.starts_with("null(")) {
    const auto close = text.find(')');
    if (close == std::string_view::npos) return Error{"null( lacks its closing ')'"};
    auto call = parse_call(text.substr(0, close + 1));
    if (!call) return call.error();
    if (call->args.size() != 1) return wrong_arity(*call, "1 argument (p)");
    auto p = probability_arg(*call, 0);
    if (!p) return p.error();
    if (!field.nullable) {
      return Error{"null(p) needs a nullable field, '" + field.name + "' is not nullable"};
    }
    p_null = *p;
    text = trim(text.substr(close + 1));
  }
  std::unique_ptr<FieldGenerator> inner;
  if (text.empty()) {
    if (!p_null) return Error{"no generator given"};
    inner = default_generator(field);  // "f=null(0.2)": nulls, else the type's default
  } else {
    auto call = parse_call(text);
    if (!call) return call.error();
    auto made = make_generator(*call, field, key_cardinality);
    if (!made) return made.error();
    inner = std::move(*made);
  }
  if (p_null) return made<Nullable>(*p_null, std::move(inner));
  return inner;
}

std::unique_ptr<FieldGenerator> default_generator(const graphs::Field& field) {
  switch (field.type) {
    case FieldType::Int64:
      return std::make_unique<UniformInt>(0, 1000);
    case FieldType::Float64:
      return std::make_unique<UniformReal>(0.0, 1.0);
    case FieldType::Bool:
      return std::make_unique<BoolGenerator>(0.5);
    case FieldType::String:
      return std::make_unique<Word>(8);
    case FieldType::Timestamp:
      return std::make_unique<EventTime>();
  }
  return std::make_unique<UniformInt>(0, 1000);
}

}  // namespace rivulet::operators::generators
