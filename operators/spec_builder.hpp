#pragma once
// Small helpers so that each operator's spec reads as a declaration (name, type, default, range,
// documentation) instead of a page of struct assignments. Header-only: they only fill in
// graphs::OperatorSpec values, nothing here survives into the catalog except the data.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "graphs/catalog.hpp"
#include "graphs/graph.hpp"

namespace rivulet::operators::spec {

using graphs::FieldType;
using graphs::ParameterType;

// ---- values -------------------------------------------------------------------------------

inline graphs::Duration milliseconds(std::int64_t ms) { return graphs::Duration{ms}; }
inline graphs::Duration seconds(std::int64_t s) { return graphs::Duration{s * 1000}; }
inline graphs::Duration minutes(std::int64_t m) { return graphs::Duration{m * 60 * 1000}; }
inline graphs::Duration hours(std::int64_t h) { return graphs::Duration{h * 60 * 60 * 1000}; }

inline graphs::Field field(std::string name, FieldType type, bool nullable = false) {
  return graphs::Field{std::move(name), type, nullable};
}

// ---- parameters ---------------------------------------------------------------------------

// A parameter under construction; converts to graphs::ParameterSpec where a spec is expected.
// Modifiers chain on temporaries: integer("n", 10, "...").min(1).max(10000).
class Param {
 public:
  Param(std::string name, ParameterType type, std::string documentation) {
    spec_.name = std::move(name);
    spec_.type = type;
    spec_.documentation = std::move(documentation);
  }

  Param& required() {
    spec_.required = true;
    return *this;
  }
  Param& default_value(graphs::Value value) {
    spec_.default_value = std::move(value);
    return *this;
  }
  Param& allowed(std::vector<std::string> values) {
    spec_.allowed_values = std::move(values);
    return *this;
  }
  Param& min(double minimum) {
    spec_.minimum = minimum;
    return *this;
  }
  Param& max(double maximum) {
    spec_.maximum = maximum;
    return *this;
  }
  // Expression and field parameters are checked against this input port's schema.
  Param& over(std::string input_port) {
    spec_.input_port = std::move(input_port);
    return *this;
  }
  // Expression parameters: the result type the expression must have ("bool").
  Param& result(std::string type) {
    spec_.result_type = std::move(type);
    return *this;
  }

  // "key=value" list parameters: the keys a graph may set, and those whose value is a file
  // path confined to a directory the node configures.
  Param& keys(std::vector<std::string> allowed, std::vector<std::string> paths = {}) {
    spec_.allowed_keys = std::move(allowed);
    spec_.path_keys = std::move(paths);
    return *this;
  }

  // The parameter applies only while `parameter` (an enum, bool or string parameter of the same
  // operator) has one of `values`: .when("window", {"sliding"}). Elsewhere the editor hides it
  // and the validator ignores it (graphs/parameter_conditions.hpp).
  Param& when(std::string parameter, std::vector<std::string> values) {
    spec_.applies_when = graphs::ParameterCondition{std::move(parameter), std::move(values)};
    return *this;
  }

  operator graphs::ParameterSpec() const { return spec_; }  // NOLINT(google-explicit-constructor)

 private:
  graphs::ParameterSpec spec_;
};

// One function per kind of parameter. Optional scalars always carry a default (the editor
// pre-fills it and the runtime never has to invent one); required ones never do.
inline Param boolean(std::string name, bool fallback, std::string doc) {
  Param p(std::move(name), ParameterType::Bool, std::move(doc));
  p.default_value(fallback);
  return p;
}
inline Param integer(std::string name, std::int64_t fallback, std::string doc) {
  Param p(std::move(name), ParameterType::Int, std::move(doc));
  p.default_value(fallback);
  return p;
}
inline Param floating(std::string name, double fallback, std::string doc) {
  Param p(std::move(name), ParameterType::Float, std::move(doc));
  p.default_value(fallback);
  return p;
}
inline Param text(std::string name, std::string fallback, std::string doc) {
  Param p(std::move(name), ParameterType::String, std::move(doc));
  p.default_value(std::move(fallback));
  return p;
}
inline Param required_text(std::string name, std::string doc) {
  Param p(std::move(name), ParameterType::String, std::move(doc));
  p.required();
  return p;
}
inline Param duration(std::string name, graphs::Duration fallback, std::string doc) {
  Param p(std::move(name), ParameterType::Duration, std::move(doc));
  p.default_value(fallback);
  return p;
}
// Durations the user must always choose (a join's window size): no default.
inline Param required_duration(std::string name, std::string doc) {
  Param p(std::move(name), ParameterType::Duration, std::move(doc));
  p.required();
  return p;
}
// Enum values travel as strings; the default must be one of `values`.
inline Param enumeration(std::string name, std::vector<std::string> values, std::string fallback,
                         std::string doc) {
  Param p(std::move(name), ParameterType::Enum, std::move(doc));
  p.allowed(std::move(values));
  p.default_value(std::move(fallback));
  return p;
}
// stringList / fieldList / expressionList / aggregateList: optional ones default to empty.
inline Param list(std::string name, ParameterType type, std::string doc) {
  Param p(std::move(name), type, std::move(doc));
  p.default_value(graphs::StringList{});
  return p;
}
inline Param required_list(std::string name, ParameterType type, std::string doc) {
  Param p(std::move(name), type, std::move(doc));
  p.required();
  return p;
}
inline Param required_schema(std::string name, std::string doc) {
  Param p(std::move(name), ParameterType::Schema, std::move(doc));
  p.required();
  return p;
}
inline Param required_expression(std::string name, std::string doc) {
  Param p(std::move(name), ParameterType::Expression, std::move(doc));
  p.required();
  return p;
}

// ---- schema rules -------------------------------------------------------------------------

inline graphs::SchemaRule same_as_input(std::string port) {
  graphs::SchemaRule r;
  r.kind = graphs::SchemaRuleKind::SameAsInput;
  r.port = std::move(port);
  return r;
}
inline graphs::SchemaRule from_parameter(std::string parameter) {
  graphs::SchemaRule r;
  r.kind = graphs::SchemaRuleKind::FromParameter;
  r.parameter = std::move(parameter);
  return r;
}
inline graphs::SchemaRule projection(std::string expressions) {
  graphs::SchemaRule r;
  r.kind = graphs::SchemaRuleKind::Projection;
  r.parameter = std::move(expressions);
  return r;
}
inline graphs::SchemaRule extend_input(std::string port, std::string expressions) {
  graphs::SchemaRule r;
  r.kind = graphs::SchemaRuleKind::ExtendInput;
  r.port = std::move(port);
  r.parameter = std::move(expressions);
  return r;
}
// keys == "": the keys of the keyed input port.
inline graphs::SchemaRule window_aggregate(std::string port, std::string keys,
                                           std::string aggregates) {
  graphs::SchemaRule r;
  r.kind = graphs::SchemaRuleKind::WindowAggregate;
  r.port = std::move(port);
  r.keys_parameter = std::move(keys);
  r.parameter = std::move(aggregates);
  return r;
}
// `outer_parameter` = `outer_value` (e.g. join_type = left) makes the right fields nullable.
inline graphs::SchemaRule join(std::string left, std::string right,
                               std::string outer_parameter = {}, std::string outer_value = {}) {
  graphs::SchemaRule r;
  r.kind = graphs::SchemaRuleKind::Join;
  r.port = std::move(left);
  r.right_port = std::move(right);
  r.right_nullable_parameter = std::move(outer_parameter);
  r.right_nullable_value = std::move(outer_value);
  return r;
}
inline graphs::SchemaRule fixed(graphs::Schema fields) {
  graphs::SchemaRule r;
  r.kind = graphs::SchemaRuleKind::Fixed;
  r.fields = std::move(fields);
  return r;
}
inline graphs::SchemaRule append_fixed(std::string port, graphs::Schema fields) {
  graphs::SchemaRule r;
  r.kind = graphs::SchemaRuleKind::AppendFixed;
  r.port = std::move(port);
  r.fields = std::move(fields);
  return r;
}

// ---- ports --------------------------------------------------------------------------------

inline graphs::PortSpec input(std::string name, std::string doc) {
  return graphs::PortSpec{std::move(name), graphs::PortKind::Records, true, std::move(doc), {}};
}
// Accepts only the output of a keying operator (key_by).
inline graphs::PortSpec keyed_input(std::string name, std::string doc) {
  return graphs::PortSpec{std::move(name), graphs::PortKind::Keyed, true, std::move(doc), {}};
}
// Output ports are never "required": a side output may stay unconnected.
inline graphs::PortSpec output(std::string name, graphs::SchemaRule rule, std::string doc) {
  return graphs::PortSpec{std::move(name), graphs::PortKind::Records, false, std::move(doc),
                          std::move(rule)};
}
// An output that stays partitioned like its keyed input (the validator keeps the input's keys
// while the key fields survive in the output schema); a keying operator uses keying_output.
inline graphs::PortSpec keyed_output(std::string name, graphs::SchemaRule rule, std::string doc) {
  return graphs::PortSpec{std::move(name), graphs::PortKind::Keyed, false, std::move(doc),
                          std::move(rule)};
}

// A keying operator's output (key_by): keyed by the fields of its FieldList parameter
// `parameter` (PortSpec::keyed_by); every edge out of it is hash-partitioned on them.
inline graphs::PortSpec keying_output(std::string name, graphs::SchemaRule rule, std::string doc,
                                      std::string parameter) {
  graphs::PortSpec port{std::move(name), graphs::PortKind::Keyed, false, std::move(doc),
                        std::move(rule)};
  port.keyed_by = std::move(parameter);
  return port;
}

// An output whose records the operator counts and drops when nothing is connected to it (dead
// letters, late records): `what` names them for the validator's warning.
inline graphs::PortSpec dropping_output(std::string name, graphs::SchemaRule rule, std::string doc,
                                        std::string what) {
  graphs::PortSpec port = output(std::move(name), std::move(rule), std::move(doc));
  port.dropped_when_unconnected = std::move(what);
  return port;
}

// ---- operators ----------------------------------------------------------------------------

// Fluent builder for the operator itself; ports and parameters keep their declaration order,
// which is the order the editor shows them in.
class Operator {
 public:
  Operator(std::string kind, std::string category, std::string description) {
    spec_.kind = std::move(kind);
    spec_.category = std::move(category);
    spec_.description = std::move(description);
  }

  Operator& stateful() {
    spec_.stateful = true;
    return *this;
  }
  Operator& partition_state() {
    spec_.stateful = true;
    spec_.partition_state = true;
    return *this;
  }
  Operator& max_parallelism(std::uint32_t n) {
    spec_.max_parallelism = n;
    return *this;
  }
  Operator& inputs(std::initializer_list<graphs::PortSpec> ports) {
    spec_.inputs.insert(spec_.inputs.end(), ports);
    return *this;
  }
  Operator& outputs(std::initializer_list<graphs::PortSpec> ports) {
    spec_.outputs.insert(spec_.outputs.end(), ports);
    return *this;
  }
  Operator& parameters(std::initializer_list<graphs::ParameterSpec> params) {
    spec_.parameters.insert(spec_.parameters.end(), params);
    return *this;
  }

  graphs::OperatorSpec build() const { return spec_; }
  operator graphs::OperatorSpec() const { return spec_; }  // NOLINT(google-explicit-constructor)

 private:
  graphs::OperatorSpec spec_;
};

}  // namespace rivulet::operators::spec
