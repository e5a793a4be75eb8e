#include "operators/registry.hpp"

#include <utility>

namespace rivulet::operators {

graphs::Status OperatorRegistry::add(graphs::OperatorSpec spec) {
  if (spec.kind.empty()) {
    return graphs::Error{"cannot register an operator without a kind"};
  }
  if (find(spec.kind) != nullptr) {
    return graphs::Error{"operator kind '" + spec.kind + "' is already registered"};
  }
  entries_.push_back(Entry{std::move(spec)});
  return graphs::Ok{};
}

const graphs::OperatorSpec* OperatorRegistry::find(std::string_view kind) const {
  for (const Entry& entry : entries_) {
    if (entry.spec.kind == kind) return &entry.spec;
  }
  return nullptr;
}

graphs::Catalog OperatorRegistry::catalog() const {
  graphs::Catalog catalog;
  catalog.operators.reserve(entries_.size());
  for (const Entry& entry : entries_) catalog.operators.push_back(entry.spec);
  return catalog;
}

}  // namespace rivulet::operators
