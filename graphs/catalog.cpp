#include "graphs/catalog.hpp"

#include <algorithm>

namespace rivulet::graphs {
namespace {

template <class T>
const T* find_named(const std::vector<T>& items, const std::string& name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const PortSpec* OperatorSpec::input(const std::string& name) const {
  return find_named(inputs, name);
}

const PortSpec* OperatorSpec::output(const std::string& name) const {
  return find_named(outputs, name);
}

const ParameterSpec* OperatorSpec::parameter(const std::string& name) const {
  return find_named(parameters, name);
}

const OperatorSpec* Catalog::find(const std::string& kind) const {
  auto it = std::find_if(operators.begin(), operators.end(),
                         [&](const OperatorSpec& op) { return op.kind == kind; });
  return it == operators.end() ? nullptr : &*it;
}

const char* to_string(ParameterType type) {
  switch (type) {
    case ParameterType::Bool:
      return "bool";
    case ParameterType::Int:
      return "int";
    case ParameterType::Float:
      return "float";
    case ParameterType::String:
      return "string";
    case ParameterType::Enum:
      return "enum";
    case ParameterType::Duration:
      return "duration";
    case ParameterType::StringList:
      return "string_list";
    case ParameterType::FieldList:
      return "field_list";
    case ParameterType::Expression:
      return "expression";
    case ParameterType::ExpressionList:
      return "expression_list";
    case ParameterType::AggregateList:
      return "aggregate_list";
    case ParameterType::Schema:
      return "schema";
  }
  return "unknown";
}

const char* to_string(PortKind kind) {
  switch (kind) {
    case PortKind::Records:
      return "records";
    case PortKind::Keyed:
      return "keyed";
  }
  return "unknown";
}

}  // namespace rivulet::graphs
