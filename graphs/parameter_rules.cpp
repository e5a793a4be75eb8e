#include "graphs/parameter_rules.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <type_traits>

#include "graphs/parameter_conditions.hpp"
#include "graphs/validation_text.hpp"

namespace rivulet::graphs::validation {

namespace {

const char* expected_name(ParameterType type) {
  switch (type) {
    case ParameterType::Bool:
      return "a bool";
    case ParameterType::Int:
      return "an integer";
    case ParameterType::Float:
      return "a number";
    case ParameterType::String:
      return "a string";
    case ParameterType::Enum:
      return "a string";
    case ParameterType::Duration:
      return "a duration";
    case ParameterType::StringList:
      return "a string list";
    case ParameterType::FieldList:
      return "a list of field names";
    case ParameterType::Expression:
      return "an expression";
    case ParameterType::ExpressionList:
      return "a list of expressions";
    case ParameterType::AggregateList:
      return "a list of aggregates";
    case ParameterType::Schema:
      return "a schema";
  }
  return "?";
}

const char* value_name(const Value& value) {
  static constexpr const char* names[] = {"a bool",        "an integer", "a float",
                                          "a string",      "a duration", "a string list",
                                          "an expression", "a schema"};
  static_assert(std::variant_size_v<Value> == std::size(names));
  return names[value.index()];
}

bool is_list(ParameterType type) {
  return type == ParameterType::StringList || type == ParameterType::FieldList ||
         type == ParameterType::ExpressionList || type == ParameterType::AggregateList;
}

// "value 0 is below the minimum 1" / "duration 500 ms is above the maximum 100 ms"
void check_range(Context& context, const Node& node, const ParameterSpec& spec, double value,
                 const std::string& field) {
  const bool duration = spec.type == ParameterType::Duration;
  auto show = [&](double v) { return format_number(v) + (duration ? " ms" : ""); };
  const std::string what = duration ? "duration " : "value ";
  if (spec.minimum && value < *spec.minimum) {
    context.node_problem(node, field,
                         what + show(value) + " is below the minimum " + show(*spec.minimum));
  } else if (spec.maximum && value > *spec.maximum) {
    context.node_problem(node, field,
                         what + show(value) + " is above the maximum " + show(*spec.maximum));
  }
}

bool listed(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// "key=value" items of a parameter whose spec lists the keys a graph may set (client
// properties): an unlisted key may load code or run a command on the node, so it is an error;
// a file key takes a relative path without "..", resolved by the node inside a directory it
// configures.
void check_key_value_items(Context& context, const Node& node, const ParameterSpec& spec,
                           const StringList& items, const std::string& field) {
  std::vector<std::string> known = spec.allowed_keys;
  known.insert(known.end(), spec.path_keys.begin(), spec.path_keys.end());
  for (const std::string& item : items) {
    const std::size_t equals = item.find('=');
    const std::string key(trimmed(std::string_view(item).substr(0, equals)));
    if (equals == std::string::npos || key.empty()) {
      context.node_problem(node, field, "'" + item + "' is not of the form key=value");
      continue;
    }
    const std::string value(trimmed(std::string_view(item).substr(equals + 1)));
    if (listed(spec.path_keys, key)) {
      const bool climbs = value == ".." || value.rfind("../", 0) == 0 ||
                          value.find("/../") != std::string::npos ||
                          (value.size() >= 3 && value.compare(value.size() - 3, 3, "/..") == 0);
      if (value.empty() || value.front() == '/' || climbs) {
        context.node_problem(node, field,
                             "'" + key +
                                 "' names a file: give a path relative to the node's "
                                 "credentials directory (no leading '/', no '..'), not '" +
                                 value + "'");
      }
      continue;
    }
    if (!listed(spec.allowed_keys, key)) {
      context.node_problem(node, field,
                           "property '" + key +
                               "' is not allowed: only plain client settings are (none that "
                               "loads a library or runs a command, none that Rivulet manages)" +
                               did_you_mean(key, known));
    }
  }
}

void check_value(Context& context, const Node& node, const ParameterSpec& spec,
                 const Value& value) {
  const std::string field = "parameters." + spec.name;
  if (!value_fits(spec.type, value)) {
    context.node_problem(
        node, field,
        std::string("expected ") + expected_name(spec.type) + ", got " + value_name(value));
    return;
  }
  switch (spec.type) {
    case ParameterType::Int:
      check_range(context, node, spec, static_cast<double>(std::get<std::int64_t>(value)), field);
      break;
    case ParameterType::Float: {
      const double* d = std::get_if<double>(&value);
      double number = d ? *d : static_cast<double>(std::get<std::int64_t>(value));
      check_range(context, node, spec, number, field);
      break;
    }
    case ParameterType::Duration: {
      const std::int64_t ms = std::get<Duration>(value).ms;
      // A negative duration means nothing to any operator; a catalog can still allow one
      // explicitly with a negative minimum.
      if (ms < 0 && !(spec.minimum && *spec.minimum < 0)) {
        context.node_problem(node, field,
                             "duration " + std::to_string(ms) + " ms must not be negative");
        break;
      }
      check_range(context, node, spec, static_cast<double>(ms), field);
      break;
    }
    case ParameterType::Enum: {
      const auto& text = std::get<std::string>(value);
      const auto& allowed = spec.allowed_values;
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
        context.node_problem(
            node, field,
            "value '" + text + "' is not one of the allowed values " + quoted_list(allowed));
      }
      break;
    }
    case ParameterType::Schema:
      for (const auto& problem : schema_problems(std::get<Schema>(value))) {
        context.node_problem(node, field, problem);
      }
      break;
    default:
      if (is_list(spec.type) && spec.required && std::get<StringList>(value).empty()) {
        context.node_problem(node, field, "the list is empty, but the parameter is required");
      }
      if (spec.type == ParameterType::StringList &&
          !(spec.allowed_keys.empty() && spec.path_keys.empty())) {
        check_key_value_items(context, node, spec, std::get<StringList>(value), field);
      }
      break;
  }
}

void check_node(Context& context, const Node& node, const OperatorSpec& spec) {
  std::vector<std::string> names;
  for (const auto& parameter : spec.parameters) names.push_back(parameter.name);
  std::set<std::string> seen;
  for (const auto& parameter : node.parameters) {
    const std::string field = "parameters." + parameter.name;
    if (!seen.insert(parameter.name).second) {
      context.node_problem(node, field, "parameter '" + parameter.name + "' is set more than once");
      continue;
    }
    const ParameterSpec* parameter_spec = spec.parameter(parameter.name);
    if (parameter_spec) {
      // A parameter that does not apply is ignored by the operator: not checked, but not
      // silently accepted either (the editor drops such settings when it saves).
      if (!parameter_applies(spec, *parameter_spec, node.parameters)) {
        context.node_problem(node, field,
                             "parameter '" + parameter.name + "' is ignored: " +
                                 why_not_applicable(spec, *parameter_spec, node.parameters),
                             Severity::Warning);
        continue;
      }
      check_value(context, node, *parameter_spec, parameter.value);
      continue;
    }
    std::string message = "unknown parameter '" + parameter.name + "'";
    std::string hint = did_you_mean(parameter.name, names);
    if (!hint.empty()) {
      message += hint;
    } else if (names.empty()) {
      message += "; '" + spec.kind + "' takes no parameters";
    } else {
      message += "; '" + spec.kind + "' takes " + quoted_list(names);
    }
    context.node_problem(node, field, message);
  }
  for (const auto& parameter : spec.parameters) {
    if (parameter.required && !seen.count(parameter.name) && !parameter.default_value &&
        parameter_applies(spec, parameter, node.parameters)) {
      context.node_problem(node, "parameters." + parameter.name,
                           "required parameter '" + parameter.name + "' is missing");
    }
  }
}

}  // namespace

bool value_fits(ParameterType type, const Value& value) {
  switch (type) {
    case ParameterType::Bool:
      return std::holds_alternative<bool>(value);
    case ParameterType::Int:
      return std::holds_alternative<std::int64_t>(value);
    case ParameterType::Float:
      return std::holds_alternative<double>(value) || std::holds_alternative<std::int64_t>(value);
    case ParameterType::String:
    case ParameterType::Enum:
      return std::holds_alternative<std::string>(value);
    case ParameterType::Duration:
      return std::holds_alternative<Duration>(value);
    case ParameterType::StringList:
    case ParameterType::FieldList:
    case ParameterType::ExpressionList:
    case ParameterType::AggregateList:
      return std::holds_alternative<StringList>(value);
    case ParameterType::Expression:
      return std::holds_alternative<Expression>(value);
    case ParameterType::Schema:
      return std::holds_alternative<Schema>(value);
  }
  return false;
}

std::vector<std::string> schema_problems(const Schema& schema) {
  std::vector<std::string> problems;
  if (schema.empty()) problems.push_back("the schema has no fields");
  std::set<std::string> names;
  for (std::size_t i = 0; i < schema.size(); ++i) {
    const std::string& name = schema[i].name;
    if (name.empty()) {
      problems.push_back("the field at index " + std::to_string(i) + " has an empty name");
    } else if (!names.insert(name).second) {
      problems.push_back("duplicate field name '" + name + "'");
    }
  }
  return problems;
}

ParameterValue effective_value(const Node& node, const ParameterSpec& spec) {
  const Value* value = node.parameter(spec.name);
  if (!value && spec.default_value) value = &*spec.default_value;
  if (!value) return {};
  if (!value_fits(spec.type, *value)) return {ParameterValue::State::IllTyped, nullptr};
  return {ParameterValue::State::Valid, value};
}

void check_parameters(Context& context) {
  for (std::size_t i = 0; i < context.graph.nodes.size(); ++i) {
    if (context.specs[i]) check_node(context, context.graph.nodes[i], *context.specs[i]);
  }
}

}  // namespace rivulet::graphs::validation
