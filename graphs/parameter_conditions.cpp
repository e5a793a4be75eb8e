#include "graphs/parameter_conditions.hpp"

#include <algorithm>

namespace rivulet::graphs {

namespace {

const Value* setting(const std::vector<Parameter>& settings, const std::string& name) {
  for (const auto& p : settings) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

// The controlling value as the text conditions list; nullopt for values of other types
// (reported as ill-typed by the validator; the dependent parameter then does not apply).
std::optional<std::string> condition_text(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return std::nullopt;
}

std::optional<std::string> controlling_text(const ParameterSpec& controller,
                                            const std::vector<Parameter>& settings) {
  const Value* value = setting(settings, controller.name);
  if (!value && controller.default_value) value = &*controller.default_value;
  if (!value) return std::nullopt;
  return condition_text(*value);
}

bool listed(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string quoted_values(const std::vector<std::string>& values) {
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += i + 1 == values.size() ? " or " : ", ";
    text += "'" + values[i] + "'";
  }
  return text;
}

// The first parameter on the chain of conditions from `parameter` that does not apply, or null.
// Chains are at most as long as the operator has parameters (the registry refuses cycles; a
// catalog read from a file is checked by condition_problem before use).
const ParameterSpec* first_blocking(const OperatorSpec& op, const ParameterSpec& parameter,
                                    const std::vector<Parameter>& settings) {
  const ParameterSpec* current = &parameter;
  for (std::size_t depth = 0; depth <= op.parameters.size(); ++depth) {
    const ParameterCondition& condition = current->applies_when;
    if (condition.parameter.empty()) return nullptr;
    const ParameterSpec* controller = op.parameter(condition.parameter);
    if (!controller) return nullptr;  // a malformed catalog: never hide what cannot be shown why
    auto value = controlling_text(*controller, settings);
    if (!value || !listed(condition.values, *value)) return current;
    current = controller;
  }
  return nullptr;
}

}  // namespace

bool parameter_applies(const OperatorSpec& op, const ParameterSpec& parameter,
                       const std::vector<Parameter>& settings) {
  return first_blocking(op, parameter, settings) == nullptr;
}

std::string why_not_applicable(const OperatorSpec& op, const ParameterSpec& parameter,
                               const std::vector<Parameter>& settings) {
  const ParameterSpec* blocked = first_blocking(op, parameter, settings);
  if (!blocked) return {};
  const ParameterCondition& condition = blocked->applies_when;
  const ParameterSpec* controller = op.parameter(condition.parameter);
  std::string text =
      "it applies only when " + condition.parameter + " is " + quoted_values(condition.values);
  if (blocked != &parameter) text = "it needs '" + blocked->name + "', and " + text;
  auto value = controller ? controlling_text(*controller, settings) : std::nullopt;
  text += value ? " (" + condition.parameter + " is '" + *value + "')"
                : " (" + condition.parameter + " is not set)";
  return text;
}

std::vector<Parameter> without_inapplicable(const OperatorSpec& op,
                                            std::vector<Parameter> settings) {
  const std::vector<Parameter> all = settings;
  std::erase_if(settings, [&](const Parameter& p) {
    const ParameterSpec* spec = op.parameter(p.name);
    return spec && !parameter_applies(op, *spec, all);
  });
  return settings;
}

std::optional<std::string> condition_problem(const OperatorSpec& op,
                                             const ParameterSpec& parameter) {
  const ParameterCondition& condition = parameter.applies_when;
  if (condition.parameter.empty()) return std::nullopt;
  const std::string where = "parameter '" + parameter.name + "': applies_when ";
  const ParameterSpec* controller = op.parameter(condition.parameter);
  if (!controller || controller == &parameter) {
    return where + "must name another parameter of '" + op.kind + "' ('" + condition.parameter +
           "' is not one)";
  }
  if (controller->type != ParameterType::Enum && controller->type != ParameterType::Bool &&
      controller->type != ParameterType::String) {
    return where + "names '" + controller->name + "', which is " + to_string(controller->type) +
           " (only enum, bool and string parameters can control others)";
  }
  if (condition.values.empty()) return where + "lists no values of '" + controller->name + "'";
  for (const std::string& value : condition.values) {
    const bool fits =
        controller->type == ParameterType::Bool
            ? value == "true" || value == "false"
            : controller->type != ParameterType::Enum || listed(controller->allowed_values, value);
    if (!fits) {
      return where + "lists '" + value + "', which '" + controller->name + "' cannot take";
    }
  }
  // Follow the chain: it must end within as many steps as there are parameters.
  const ParameterSpec* current = controller;
  for (std::size_t depth = 0; !current->applies_when.parameter.empty(); ++depth) {
    if (depth >= op.parameters.size() || current == &parameter) {
      return where + "is part of a cycle of conditions";
    }
    current = op.parameter(current->applies_when.parameter);
    if (!current) break;  // reported on that parameter
  }
  return std::nullopt;
}

}  // namespace rivulet::graphs
