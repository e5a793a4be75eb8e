#include "runtime/operator_registry.hpp"

#include <utility>

#include "graphs/parameter_conditions.hpp"

namespace rivulet::runtime {

graphs::Status OperatorRegistry::add(graphs::OperatorSpec spec, OperatorFactory factory) {
  if (spec.kind.empty()) {
    return graphs::Error{"cannot register an operator without a kind"};
  }
  if (find(spec.kind) != nullptr) {
    return graphs::Error{"operator kind '" + spec.kind + "' is already registered"};
  }
  // A keyed output keyed by a parameter: the validator and the planner read the key fields
  // from it, so it must be a field list of this operator, on a keyed port.
  for (const graphs::PortSpec& port : spec.outputs) {
    if (port.keyed_by.empty()) continue;
    const graphs::ParameterSpec* keys = spec.parameter(port.keyed_by);
    if (port.kind != graphs::PortKind::Keyed || keys == nullptr ||
        keys->type != graphs::ParameterType::FieldList) {
      return graphs::Error{"operator '" + spec.kind + "', output '" + port.name +
                           "': keyed_by must name a field-list parameter of the operator on a "
                           "keyed output ('" +
                           port.keyed_by + "' is not one)"};
    }
  }
  // A condition naming nothing would hide a parameter in the editor for good.
  for (const graphs::ParameterSpec& parameter : spec.parameters) {
    if (auto problem = graphs::condition_problem(spec, parameter)) {
      return graphs::Error{"operator '" + spec.kind + "', " + *problem};
    }
  }
  entries_.push_back(Entry{std::move(spec), std::move(factory)});
  return graphs::Ok{};
}

const graphs::OperatorSpec* OperatorRegistry::find(std::string_view kind) const {
  for (const Entry& entry : entries_) {
    if (entry.spec.kind == kind) return &entry.spec;
  }
  return nullptr;
}

const OperatorFactory* OperatorRegistry::factory(std::string_view kind) const {
  for (const Entry& entry : entries_) {
    if (entry.spec.kind == kind) {
      return std::holds_alternative<std::monostate>(entry.factory) ? nullptr : &entry.factory;
    }
  }
  return nullptr;
}

graphs::Catalog OperatorRegistry::catalog() const {
  graphs::Catalog catalog;
  catalog.operators.reserve(entries_.size());
  for (const Entry& entry : entries_) catalog.operators.push_back(entry.spec);
  return catalog;
}

}  // namespace rivulet::runtime
