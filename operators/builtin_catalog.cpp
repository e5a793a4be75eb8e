#include "operators/builtin_catalog.hpp"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "operators/alert.hpp"
#include "operators/datagen.hpp"
#include "operators/dedup.hpp"
#include "operators/file_sink.hpp"
#include "operators/file_source.hpp"
#include "operators/filter.hpp"
#include "operators/kafka_sink.hpp"
#include "operators/kafka_source.hpp"
#include "operators/key_by.hpp"
#include "operators/map.hpp"
#include "operators/project.hpp"
#include "operators/top_n.hpp"
#include "operators/window_aggregate.hpp"
#include "operators/window_join.hpp"

namespace rivulet::operators {
namespace {

// Explicit rather than self-registering static objects: static initialisers in a static library
// are dropped by the linker when nothing references them, and their order is unspecified.
OperatorRegistry make_builtin_registry() {
  OperatorRegistry registry;
  for (graphs::OperatorSpec spec : {
           kafka_source_spec(), datagen_spec(), file_source_spec(),    // sources
           filter_spec(), map_spec(), project_spec(), dedup_spec(),    // transforms
           key_by_spec(),                                              // keying
           window_aggregate_spec(), top_n_spec(), window_join_spec(),  // windows, joins
           alert_spec(),                                               // alerts
           kafka_sink_spec(), file_sink_spec(),                        // sinks
       }) {
    graphs::Status added = registry.add(std::move(spec));
    if (!added) {
      // Two built-ins with one kind is a programming error caught by any test run.
      std::cerr << "rivulet: " << added.error().message << '\n';
      std::abort();
    }
  }
  return registry;
}

}  // namespace

const OperatorRegistry& builtin_registry() {
  static const OperatorRegistry registry = make_builtin_registry();
  return registry;
}

graphs::Catalog builtin_catalog() { return builtin_registry().catalog(); }

}  // namespace rivulet::operators
