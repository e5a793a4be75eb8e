#include "runtime/parameter_overrides.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>

namespace rivulet::runtime {
namespace {

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool parse_int(const std::string& text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && !text.empty();
}

bool parse_double(const std::string& text, double& out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// "1500", "500ms", "5s", "1m30s", "2h", "1d".
bool parse_duration(const std::string& text, std::int64_t& ms) {
  if (parse_int(text, ms)) return ms >= 0;
  ms = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::size_t digits = i;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
      ++digits;
    }
    if (digits == i) return false;
    std::int64_t number = 0;
    if (!parse_int(text.substr(i, digits - i), number)) return false;
    std::size_t unit_end = digits;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) {
      ++unit_end;
    }
    const std::string unit = text.substr(digits, unit_end - digits);
    std::int64_t scale = 0;
    if (unit == "ms") scale = 1;
    if (unit == "s") scale = 1000;
    if (unit == "m" || unit == "min") scale = 60'000;
    if (unit == "h") scale = 3'600'000;
    if (unit == "d") scale = 86'400'000;
    if (scale == 0) return false;
    if (number > std::numeric_limits<std::int64_t>::max() / scale - ms / scale) return false;
    ms += number * scale;
    i = unit_end;
    any = true;
  }
  return any;
}

// Commas split items except inside parentheses or quotes ("sum(a, b) AS s, 'x,y'").
graphs::StringList split_list(const std::string& text) {
  graphs::StringList items;
  if (trim(text).empty()) return items;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      items.push_back(trim(current));
      current.clear();
      continue;
    }
    current += c;
  }
  items.push_back(trim(current));
  return items;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "'" : ", '") + item + "'";
  return out;
}

}  // namespace

graphs::Result<ParameterOverride> parse_override(const std::string& argument) {
  const std::size_t equals = argument.find('=');
  const std::size_t dot =
      equals == std::string::npos ? std::string::npos : argument.rfind('.', equals);
  if (equals == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 == equals) {
    return graphs::Error{"--set '" + argument + "': expected NODE.PARAM=VALUE"};
  }
  return ParameterOverride{argument.substr(0, dot), argument.substr(dot + 1, equals - dot - 1),
                           argument.substr(equals + 1)};
}

graphs::Result<graphs::Value> parse_parameter_value(const graphs::ParameterSpec& spec,
                                                    const std::string& text) {
  using graphs::ParameterType;
  const std::string value = trim(text);
  auto bad = [&](const std::string& expected) {
    return graphs::Error{"expected " + expected + ", got '" + text + "'"};
  };
  switch (spec.type) {
    case ParameterType::Bool: {
      const std::string v = lower(value);
      if (v == "true" || v == "1" || v == "yes" || v == "on") return graphs::Value{true};
      if (v == "false" || v == "0" || v == "no" || v == "off") return graphs::Value{false};
      return bad("true or false");
    }
    case ParameterType::Int: {
      std::int64_t n = 0;
      if (!parse_int(value, n)) return bad("an integer");
      return graphs::Value{n};
    }
    case ParameterType::Float: {
      double d = 0;
      if (!parse_double(value, d)) return bad("a number");
      return graphs::Value{d};
    }
    case ParameterType::String:
      return graphs::Value{text};
    case ParameterType::Enum:
      if (!spec.allowed_values.empty() &&
          std::find(spec.allowed_values.begin(), spec.allowed_values.end(), value) ==
              spec.allowed_values.end()) {
        return bad("one of " + join(spec.allowed_values));
      }
      return graphs::Value{value};
    case ParameterType::Duration: {
      std::int64_t ms = 0;
      if (!parse_duration(value, ms)) return bad("a duration such as 500ms, 5s, 1m30s or 2h");
      return graphs::Value{graphs::Duration{ms}};
    }
    case ParameterType::StringList:
    case ParameterType::FieldList:
    case ParameterType::ExpressionList:
    case ParameterType::AggregateList:
      return graphs::Value{split_list(text)};
    case ParameterType::Expression:
      return graphs::Value{graphs::Expression{text}};
    case ParameterType::Schema:
      return graphs::Error{"schema parameters cannot be set on the command line; edit the graph"};
  }
  return bad("a value");
}

graphs::Status apply_overrides(std::vector<graphs::Graph>& graphs,
                               const std::vector<ParameterOverride>& overrides,
                               const graphs::Catalog& catalog) {
  for (const ParameterOverride& o : overrides) {
    const std::string where = "--set " + o.node + "." + o.parameter;
    graphs::Node* target = nullptr;
    std::vector<std::string> graphs_with_node;
    for (graphs::Graph& graph : graphs) {
      if (graphs::Node* node = graph.node(o.node)) {
        target = node;
        graphs_with_node.push_back(graph.name);
      }
    }
    if (!target) return graphs::Error{where + ": no node '" + o.node + "' in the graph"};
    if (graphs_with_node.size() > 1) {
      return graphs::Error{where + ": node '" + o.node + "' is in several graphs (" +
                           join(graphs_with_node) + ")"};
    }
    const graphs::OperatorSpec* spec = catalog.find(target->kind);
    if (!spec) {
      return graphs::Error{where + ": node '" + o.node + "' has unknown kind '" + target->kind +
                           "'"};
    }
    const graphs::ParameterSpec* parameter = spec->parameter(o.parameter);
    if (!parameter) {
      std::vector<std::string> names;
      for (const auto& p : spec->parameters) names.push_back(p.name);
      return graphs::Error{where + ": node '" + o.node + "' (" + target->kind +
                           ") has no parameter '" + o.parameter + "'" +
                           (names.empty() ? "" : "; its parameters are " + join(names))};
    }
    auto value = parse_parameter_value(*parameter, o.text);
    if (!value) {
      return graphs::Error{where + ": parameter '" + o.parameter + "' of node '" + o.node +
                           "': " + value.error().message};
    }
    target->set_parameter(o.parameter, std::move(value).value());
  }
  return graphs::Ok{};
}

}  // namespace rivulet::runtime
