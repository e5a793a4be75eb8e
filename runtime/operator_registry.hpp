#pragma once
// The registry of operator kinds: each kind's catalog spec and (with the runtime) the factory
// that instantiates it. The catalog the validator and editor see is exactly what is registered
// here, so a spec and its implementation can never be registered apart.

#include <string>
#include <string_view>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/result.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::runtime {

class OperatorRegistry {
 public:
  // Registers a kind with its factory. Fails (and changes nothing) for an empty or already
  // registered kind, so that two operators can never silently shadow each other.
  [[nodiscard]] graphs::Status add(graphs::OperatorSpec spec, OperatorFactory factory = {});

  // The factory of `kind`, or null when the kind is unknown or has no implementation.
  const OperatorFactory* factory(std::string_view kind) const;

  // The registered spec of `kind`, or null.
  const graphs::OperatorSpec* find(std::string_view kind) const;

  // All registered specs in registration order (stable, so exported catalogs diff cleanly).
  graphs::Catalog catalog() const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    graphs::OperatorSpec spec;
    OperatorFactory factory;
  };
  std::vector<Entry> entries_;  // a handful of kinds: a linear search beats a map here
};

}  // namespace rivulet::runtime
