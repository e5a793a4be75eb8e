#pragma once
// Runs a use-case generator (operators/scenarios/) the way a job does, through its factory, on
// a hand-driven clock, and gives its events back as plain structs for the tests' checks.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../source_test_support.hpp"
#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"
#include "operators/scenarios/scenario_source.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators::testing {

// One emitted row: every field as text (numbers in their shortest form) by field name.
struct Event {
  std::map<std::string, std::string> fields;
  std::int64_t time_ms = 0;
  const std::string& operator[](const std::string& name) const { return fields.at(name); }
  double number(const std::string& name) const { return std::stod(fields.at(name)); }
};

class Scenario {
 public:
  Scenario(graphs::OperatorSpec spec, runtime::OperatorFactory factory)
      : spec_(std::move(spec)), factory_(std::move(factory)) {
    node.id = "gen";
    node.kind = spec_.kind;
    set("speedup", 0.0);
    set("start_time", std::int64_t{1'700'000'000'000});
  }
  Scenario& set(const std::string& name, graphs::Value value) {
    node.set_parameter(name, std::move(value));
    return *this;
  }
  // An instance built by the kind's factory (parameters checked as a job would).
  graphs::Result<std::unique_ptr<runtime::SourceOperator>> build(
      std::uint32_t subtask = 0, std::uint32_t parallelism = 1) const;
  // Polls a bounded instance until it ends; port 0 events, port 1 malformed payloads.
  CapturingCollector run(std::uint32_t subtask = 0, std::uint32_t parallelism = 1) const;

  graphs::Node node;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();

 private:
  graphs::OperatorSpec spec_;
  runtime::OperatorFactory factory_;
};

std::vector<Event> events_of(const CapturingCollector& out, std::size_t port = 0);
std::vector<std::string> payloads_of(const CapturingCollector& out);

}  // namespace rivulet::operators::testing
