#pragma once
// How the runtime instantiates an operator kind: each operator file registers a factory next to
// its spec (see builtin_catalog.cpp). The planner calls the factory once per parallel instance,
// after validation, so factories may assume the graph is valid against the spec; whatever the
// catalog cannot express (e.g. "slide only for sliding windows") they check and report as an
// Error naming the parameter.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "runtime/operator.hpp"
#include "runtime/state/operator_state.hpp"

namespace rivulet::runtime {

struct OperatorBuildContext {
  const graphs::Node& node;
  const graphs::OperatorSpec& spec;
  std::vector<graphs::Schema> input_schemas;   // by the spec's input port order
  std::vector<graphs::Schema> output_schemas;  // by the spec's output port order
  // Key fields of each input when it is keyed (empty otherwise), by input port order.
  std::vector<std::vector<std::string>> input_keys;
  std::uint32_t subtask_index = 0;
  std::uint32_t parallelism = 1;
  // The job's default Kafka bootstrap servers (the embedded broker unless --bootstrap).
  std::string bootstrap_servers;
  // The keyed state backend the job chose (graph runtime.stateBackend) and its working
  // directory: stateful operators give each instance its own runtime::state::
  // OperatorStateBackend from it. Default: memory.
  runtime::state::StateBackendOptions state_backend{};
  // File operators' paths must resolve inside this directory (runtime/file_confinement.hpp:
  // a node's or `rivulet run`'s --file-root); empty: not confined (operators built by tests).
  std::string file_root{};
  // Kafka client settings naming a file (ssl.ca.location, ...) resolve inside this directory
  // (operators/kafka/client_properties.hpp); empty: such settings are refused.
  std::string credentials_dir{};
};

using SourceFactory = std::function<graphs::Result<std::unique_ptr<runtime::SourceOperator>>(
    const OperatorBuildContext&)>;
using TransformFactory =
    std::function<graphs::Result<std::unique_ptr<runtime::Operator>>(const OperatorBuildContext&)>;

// Sources have no inputs and run on their own thread; everything else (sinks included) is a
// transform hosted by a task actor. monostate: spec only (no implementation yet).
using OperatorFactory = std::variant<std::monostate, SourceFactory, TransformFactory>;

}  // namespace rivulet::runtime
