#pragma once
// The operator catalog model: what each operator kind accepts. Operators register specs in code
// (operators/), `rivulet catalog export` writes them (catalog.capnp), the validator and editor
// read them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graphs/graph.hpp"

namespace rivulet::graphs {

inline constexpr std::uint32_t kCurrentCatalogVersion = 1;

enum class PortKind { Records, Keyed };

enum class ParameterType {
  Bool,
  Int,
  Float,
  String,
  Enum,
  Duration,
  StringList,
  FieldList,
  Expression,
  ExpressionList,
  AggregateList,
  Schema
};

enum class SchemaRuleKind {
  None,
  SameAsInput,
  FromParameter,
  Projection,
  ExtendInput,
  WindowAggregate,
  Join,
  Fixed,
  AppendFixed
};

// How an output port's schema is derived; which members matter depends on `kind`
// (see SchemaRule in catalog.capnp).
struct SchemaRule {
  SchemaRuleKind kind = SchemaRuleKind::None;
  std::string port;            // SameAsInput, ExtendInput, WindowAggregate, AppendFixed; Join: left
  std::string right_port;      // Join
  std::string parameter;       // FromParameter, Projection, ExtendInput (expressions),
                               // WindowAggregate (aggregates)
  std::string keys_parameter;  // WindowAggregate
  Schema fields;               // Fixed, AppendFixed
  // Join: the right fields become nullable when this parameter has this value (outer joins).
  std::string right_nullable_parameter;
  std::string right_nullable_value;
  bool operator==(const SchemaRule&) const = default;
};

struct PortSpec {
  std::string name;
  PortKind kind = PortKind::Records;
  bool required = true;
  std::string description;
  SchemaRule schema;
  // Outputs only. Non-empty: what the operator counts and drops when this output is not
  // connected (e.g. "records that do not decode"); the validator warns about it.
  std::string dropped_when_unconnected = {};  // (initialized: ports are aggregate-built)
  // Keyed outputs only. Non-empty: the output is keyed by the fields this FieldList parameter
  // names (a keying operator such as key_by; the planner hash-partitions every edge out of it on
  // them, a forward edge included). Empty: a keyed output keeps the keys of its keyed input
  // while they survive in its schema.
  std::string keyed_by = {};
  bool operator==(const PortSpec&) const = default;
};

// A parameter that matters only for some values of another parameter of the same operator
// (window_aggregate's slide only for window = sliding). Empty `parameter`: it always applies.
// See graphs/parameter_conditions.hpp for the evaluation.
struct ParameterCondition {
  std::string parameter;            // an Enum, Bool or String parameter of the same operator
  std::vector<std::string> values;  // its values (bools as "true" / "false") that enable it
  bool operator==(const ParameterCondition&) const = default;
};

struct ParameterSpec {
  std::string name;
  ParameterType type = ParameterType::String;
  bool required = false;
  std::optional<Value> default_value;
  std::vector<std::string> allowed_values;
  std::optional<double> minimum;
  std::optional<double> maximum;
  std::string documentation;
  std::string input_port;   // Expression / field parameters are checked against this input
  std::string result_type;  // Expression parameters: required result type ("bool"); "" = any
  // "key=value" list parameters (client properties): the keys a graph may set, and the keys
  // whose value is a file path (relative, no ".."; the node resolves it inside a directory it
  // configures). Both empty: any key.
  std::vector<std::string> allowed_keys;
  std::vector<std::string> path_keys;
  ParameterCondition applies_when = {};  // (initialized: tests aggregate-build parameters)
  bool operator==(const ParameterSpec&) const = default;
};

struct OperatorSpec {
  std::string kind;
  std::string category;
  std::string description;
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  std::vector<ParameterSpec> parameters;
  bool stateful = false;
  std::uint32_t max_parallelism = 0;
  // The state is per input partition (a Kafka source's offsets): every instance restores the
  // state of every saved instance and keeps what it is assigned, so a savepoint restores at
  // any parallelism.
  bool partition_state = false;

  const PortSpec* input(const std::string& name) const;
  const PortSpec* output(const std::string& name) const;
  const ParameterSpec* parameter(const std::string& name) const;
  bool operator==(const OperatorSpec&) const = default;
};

struct Catalog {
  std::uint32_t format_version = kCurrentCatalogVersion;
  std::vector<OperatorSpec> operators;

  const OperatorSpec* find(const std::string& kind) const;
  bool operator==(const Catalog&) const = default;
};

const char* to_string(ParameterType type);
const char* to_string(PortKind kind);

}  // namespace rivulet::graphs
