#include "operators/builtin_catalog.hpp"

#include <cstdlib>
#include <iostream>
#include <utility>
#include <vector>

#include "operators/absence.hpp"
#include "operators/alert.hpp"
#include "operators/card_transactions.hpp"
#include "operators/clickstream_events.hpp"
#include "operators/datagen.hpp"
#include "operators/dedup.hpp"
#include "operators/file_sink.hpp"
#include "operators/file_source.hpp"
#include "operators/filter.hpp"
#include "operators/join.hpp"
#include "operators/kafka_sink.hpp"
#include "operators/kafka_source.hpp"
#include "operators/key_by.hpp"
#include "operators/map.hpp"
#include "operators/previous.hpp"
#include "operators/project.hpp"
#include "operators/running_stats.hpp"
#include "operators/sensor_readings.hpp"
#include "operators/service_logs.hpp"
#include "operators/top_n.hpp"
#include "operators/window_aggregate.hpp"
#include "operators/window_join.hpp"
#include "runtime/builtin_operators.hpp"

namespace rivulet::operators {
namespace {

// Explicit rather than self-registering static objects: static initialisers in a static library
// are dropped by the linker when nothing references them, and their order is unspecified.
runtime::OperatorRegistry make_builtin_registry() {
  runtime::OperatorRegistry registry;
  struct Builtin {
    graphs::OperatorSpec spec;
    runtime::OperatorFactory factory;
  };
  std::vector<Builtin> builtins;
  builtins.push_back({kafka_source_spec(), kafka_source_factory()});  // sources
  builtins.push_back({datagen_spec(), datagen_factory()});
  builtins.push_back({file_source_spec(), file_source_factory()});
  builtins.push_back({clickstream_events_spec(), clickstream_events_factory()});  // use cases
  builtins.push_back({card_transactions_spec(), card_transactions_factory()});
  builtins.push_back({sensor_readings_spec(), sensor_readings_factory()});
  builtins.push_back({service_logs_spec(), service_logs_factory()});
  builtins.push_back({filter_spec(), filter_factory()});  // transforms
  builtins.push_back({map_spec(), map_factory()});
  builtins.push_back({project_spec(), project_factory()});
  builtins.push_back({dedup_spec(), dedup_factory()});
  builtins.push_back({running_stats_spec(), running_stats_factory()});
  builtins.push_back({previous_spec(), previous_factory()});
  builtins.push_back({key_by_spec(), key_by_factory()});                      // keying
  builtins.push_back({window_aggregate_spec(), window_aggregate_factory()});  // windows, joins
  builtins.push_back({top_n_spec(), top_n_factory()});
  builtins.push_back({window_join_spec(), window_join_factory()});
  builtins.push_back({join_spec(), join_factory()});
  builtins.push_back({alert_spec(), alert_factory()});  // alerts
  builtins.push_back({absence_spec(), absence_factory()});
  builtins.push_back({kafka_sink_spec(), kafka_sink_factory()});  // sinks
  builtins.push_back({file_sink_spec(), file_sink_factory()});
  for (Builtin& builtin : builtins) {
    graphs::Status added = registry.add(std::move(builtin.spec), std::move(builtin.factory));
    if (!added) {
      // Two built-ins with one kind is a programming error caught by any test run.
      std::cerr << "rivulet: " << added.error().message << '\n';
      std::abort();
    }
  }
  return registry;
}

}  // namespace

const runtime::OperatorRegistry& builtin_registry() {
  static const runtime::OperatorRegistry registry = make_builtin_registry();
  return registry;
}

graphs::Catalog builtin_catalog() { return builtin_registry().catalog(); }

}  // namespace rivulet::operators

// The runtime's seam (runtime/builtin_operators.hpp): declared there, defined here.
const rivulet::runtime::OperatorRegistry& rivulet::runtime::builtin_operators() {
  return rivulet::operators::builtin_registry();
}
