#include "operators/parameter_reader.hpp"

#include <utility>
#include <variant>

#include "graphs/parameter_conditions.hpp"

namespace rivulet::operators {

graphs::Error ParameterReader::error(std::string_view parameter, std::string_view message) const {
  return graphs::Error{"node '" + node_.id + "', parameter '" + std::string(parameter) +
                       "': " + std::string(message)};
}

graphs::Error ParameterReader::ill_typed(std::string_view name, std::string_view expected) const {
  return error(name, "expected " + std::string(expected) + " value");
}

bool ParameterReader::is_set(std::string_view name) const {
  return node_.parameter(std::string(name)) != nullptr;
}

graphs::Result<const graphs::Value*> ParameterReader::lookup(std::string_view name) const {
  const std::string key(name);
  const graphs::ParameterSpec* declared = spec_.parameter(key);
  // A setting of a parameter that does not apply (slide for a tumbling window) is ignored, as
  // the validator warns: the operator sees the default, never a value it would refuse.
  const bool applies =
      declared == nullptr || graphs::parameter_applies(spec_, *declared, node_.parameters);
  if (const graphs::Value* own = node_.parameter(key); own && applies) return own;
  if (declared == nullptr) {
    return error(name, "operator kind '" + spec_.kind + "' declares no such parameter");
  }
  if (!declared->default_value) return error(name, "required parameter is missing");
  return &*declared->default_value;
}

graphs::Result<std::string> ParameterReader::string(std::string_view name) const {
  auto value = lookup(name);
  if (!value) return value.error();
  if (const auto* text = std::get_if<std::string>(*value)) return *text;
  return ill_typed(name, "a string");
}

graphs::Result<std::int64_t> ParameterReader::integer(std::string_view name) const {
  auto value = lookup(name);
  if (!value) return value.error();
  if (const auto* number = std::get_if<std::int64_t>(*value)) return *number;
  return ill_typed(name, "an integer");
}

graphs::Result<double> ParameterReader::floating(std::string_view name) const {
  auto value = lookup(name);
  if (!value) return value.error();
  if (const auto* number = std::get_if<double>(*value)) return *number;
  if (const auto* number = std::get_if<std::int64_t>(*value)) return static_cast<double>(*number);
  return ill_typed(name, "a number");
}

graphs::Result<bool> ParameterReader::boolean(std::string_view name) const {
  auto value = lookup(name);
  if (!value) return value.error();
  if (const auto* flag = std::get_if<bool>(*value)) return *flag;
  return ill_typed(name, "a boolean");
}

graphs::Result<std::int64_t> ParameterReader::duration_ms(std::string_view name) const {
  auto value = lookup(name);
  if (!value) return value.error();
  if (const auto* duration = std::get_if<graphs::Duration>(*value)) return duration->ms;
  return ill_typed(name, "a duration");
}

graphs::Result<std::vector<std::string>> ParameterReader::string_list(std::string_view name) const {
  auto value = lookup(name);
  if (!value) return value.error();
  if (const auto* list = std::get_if<graphs::StringList>(*value)) return *list;
  return ill_typed(name, "a list");
}

graphs::Result<std::string> ParameterReader::expression(std::string_view name) const {
  auto value = lookup(name);
  if (!value) return value.error();
  if (const auto* expr = std::get_if<graphs::Expression>(*value)) return expr->text;
  return ill_typed(name, "an expression");
}

graphs::Result<graphs::Schema> ParameterReader::schema(std::string_view name) const {
  auto value = lookup(name);
  if (!value) return value.error();
  if (const auto* fields = std::get_if<graphs::Schema>(*value)) return *fields;
  return ill_typed(name, "a schema");
}

graphs::Result<graphs::expr::CheckedExpression> ParameterReader::checked_expression(
    std::string_view name, const graphs::Schema& input) const {
  auto text = expression(name);
  if (!text) return text.error();
  auto checked = graphs::expr::check_expression(*text, input);
  if (!checked.ok()) return error(name, checked.error.to_string());
  return std::move(*checked.value);
}

graphs::Result<std::vector<graphs::expr::NamedExpression>> ParameterReader::checked_expression_list(
    std::string_view name, const graphs::Schema& input) const {
  auto items = string_list(name);
  if (!items) return items.error();
  std::vector<graphs::expr::NamedExpression> out;
  out.reserve(items->size());
  for (const std::string& item : *items) {
    auto checked = graphs::expr::check_named_expression(item, input);
    if (!checked.ok()) {
      // The column is relative to the item, so quote the item the column points into.
      return error(name, "in '" + item + "': " + checked.error.to_string());
    }
    out.push_back(std::move(*checked.value));
  }
  return out;
}

}  // namespace rivulet::operators
