#include "runtime/operator_registry.hpp"

#include <utility>

namespace rivulet::runtime {

graphs::Status OperatorRegistry::add(graphs::OperatorSpec spec, OperatorFactory factory) {
  if (spec.kind.empty()) {
    return graphs::Error{"cannot register an operator without a kind"};
  }
  if (find(spec.kind) != nullptr) {
    return graphs::Error{"operator kind '" + spec.kind + "' is already registered"};
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
