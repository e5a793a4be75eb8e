#include "graphs/schema_propagation.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "graphs/expr/check.hpp"
#include "graphs/parameter_conditions.hpp"
#include "graphs/parameter_rules.hpp"
#include "graphs/validation_text.hpp"

namespace rivulet::graphs::validation {

namespace {

// What the validator knows about the records on a port or edge.
struct Stream {
  std::optional<Schema> schema;  // nullopt: unknown because of a problem reported elsewhere
  enum class Keying { NotKeyed, Keyed, Unknown } keying = Keying::NotKeyed;
  std::vector<std::string> keys;  // Keyed only

  static Stream unknown() { return Stream{std::nullopt, Keying::Unknown, {}}; }
  bool same_keying(const Stream& other) const {
    return keying == other.keying && keys == other.keys;
  }
};

// The outcome of checking a node's schema-dependent parameters against its inputs. A parameter
// that is absent from `fields` is unknown (ill-typed, failed a check, or its input is unknown).
struct CheckedParameters {
  std::map<std::string, Schema> fields;  // ExpressionList, AggregateList, FieldList results
};

Field to_field(const std::string& name, const expr::Type& type) {
  return Field{name, type.type, type.nullable || type.is_null_literal};
}

const Field* find_field(const Schema& schema, const std::string& name) {
  auto it =
      std::find_if(schema.begin(), schema.end(), [&](const Field& f) { return f.name == name; });
  return it == schema.end() ? nullptr : &*it;
}

class Propagator {
 public:
  explicit Propagator(Context& context) : context_(context) {}

  void run() {
    for (std::size_t index : context_.topological_order) {
      if (context_.specs[index]) visit(context_.graph.nodes[index], *context_.specs[index]);
    }
  }

 private:
  using PortKey = std::pair<std::string, std::string>;

  void visit(const Node& node, const OperatorSpec& spec) {
    std::map<std::string, Stream> inputs;
    for (const auto& port : spec.inputs) inputs[port.name] = gather_input(node, port);
    CheckedParameters checked = check_parameters(node, spec, inputs);
    for (const auto& port : spec.outputs) {
      Stream stream = derive_output(node, spec, port, inputs, checked);
      if (!stream.schema) continue;
      context_.report.output_schemas[{node.id, port.name}] = *stream.schema;
      outputs_[{node.id, port.name}] = std::move(stream);
    }
  }

  // ---- inputs ---------------------------------------------------------------------------

  // The stream one edge delivers: its source port's stream, re-keyed by its partitioning.
  Stream edge_stream(std::size_t index, const PortSpec& to_port) {
    const Edge& edge = context_.graph.edges[index];
    auto upstream = outputs_.find({edge.from.node, edge.from.port});
    if (upstream == outputs_.end()) return Stream::unknown();
    Stream stream = upstream->second;
    context_.report.edge_schemas[index] = *stream.schema;
    const Partitioning& partitioning = edge.partitioning;
    if (partitioning.kind == PartitioningKind::Hash) {
      stream.keying = Stream::Keying::Keyed;
      stream.keys = partitioning.key_fields;
      if (partitioning.key_fields.empty()) stream.keying = Stream::Keying::Unknown;
      for (const auto& key : partitioning.key_fields) {
        if (find_field(*stream.schema, key)) continue;
        context_.edge_problem(index, "partitioning",
                              "hash key field '" + key + "' is not in the records " +
                                  describe_schema(*stream.schema));
        stream.keying = Stream::Keying::Unknown;
      }
    } else if (partitioning.kind != PartitioningKind::Forward) {
      stream.keying = Stream::Keying::NotKeyed;
    }
    // An unkeyed stream into a keyed port is reported by check_edges.
    if (to_port.kind == PortKind::Keyed && stream.keying == Stream::Keying::NotKeyed) {
      stream.keying = Stream::Keying::Unknown;
    }
    return stream;
  }

  // Several edges may feed one input port (a union) when they carry identical records.
  Stream gather_input(const Node& node, const PortSpec& port) {
    std::optional<Stream> merged;
    std::optional<std::size_t> first_edge;
    bool unknown = false;
    for (std::size_t i = 0; i < context_.graph.edges.size(); ++i) {
      const Edge& edge = context_.graph.edges[i];
      if (!context_.usable_edge[i] || edge.to != Endpoint{node.id, port.name}) continue;
      Stream stream = edge_stream(i, port);
      if (!stream.schema) unknown = true;
      if (unknown) continue;
      if (!merged) {
        merged = std::move(stream);
        first_edge = i;
        continue;
      }
      if (*stream.schema != *merged->schema) {
        context_.edge_problem(i, "to.port",
                              "input port '" + port.name + "' is also fed by edge " +
                                  std::to_string(*first_edge) +
                                  ", with different records: " + describe_schema(*stream.schema) +
                                  " here, " + describe_schema(*merged->schema) + " there");
        unknown = true;
      } else if (!stream.same_keying(*merged)) {
        if (port.kind == PortKind::Keyed && stream.keying != Stream::Keying::Unknown &&
            merged->keying != Stream::Keying::Unknown) {
          context_.edge_problem(i, "to.port",
                                "input port '" + port.name + "' is also fed by edge " +
                                    std::to_string(*first_edge) + ", keyed by different fields");
        }
        merged->keying =
            port.kind == PortKind::Keyed ? Stream::Keying::Unknown : Stream::Keying::NotKeyed;
        merged->keys.clear();
      }
    }
    if (unknown || !merged) return Stream::unknown();
    return *merged;
  }

  // A string parameter's value on the node, else the spec's default, else "".
  static std::string string_parameter(const Node& node, const OperatorSpec& spec,
                                      const std::string& name) {
    const Value* value = node.parameter(name);
    if (value == nullptr) {
      const ParameterSpec* parameter = spec.parameter(name);
      if (parameter != nullptr && parameter->default_value) value = &*parameter->default_value;
    }
    const auto* text = value ? std::get_if<std::string>(value) : nullptr;
    return text ? *text : std::string();
  }

  // ---- schema-dependent parameters --------------------------------------------------------

  // The input port a parameter is checked against: its declared one, else the port of the
  // schema rule that uses it, else the only input.
  static std::string parameter_port(const OperatorSpec& spec, const ParameterSpec& parameter) {
    if (!parameter.input_port.empty()) return parameter.input_port;
    for (const auto& output : spec.outputs) {
      const SchemaRule& rule = output.schema;
      if (rule.parameter == parameter.name || rule.keys_parameter == parameter.name) {
        return rule.port;
      }
    }
    return spec.inputs.size() == 1 ? spec.inputs.front().name : "";
  }

  CheckedParameters check_parameters(const Node& node, const OperatorSpec& spec,
                                     const std::map<std::string, Stream>& inputs) {
    CheckedParameters checked;
    for (const auto& parameter : spec.parameters) {
      const ParameterType type = parameter.type;
      if (type != ParameterType::Expression && type != ParameterType::ExpressionList &&
          type != ParameterType::AggregateList && type != ParameterType::FieldList) {
        continue;
      }
      if (!parameter_applies(spec, parameter, node.parameters)) continue;  // ignored, warned
      ParameterValue value = effective_value(node, parameter);
      if (value.state == ParameterValue::State::IllTyped) continue;
      auto input = inputs.find(parameter_port(spec, parameter));
      if (input == inputs.end() || !input->second.schema) continue;
      const Schema& schema = *input->second.schema;
      if (type == ParameterType::Expression) {
        if (value.value)
          check_expression(node, parameter, std::get<Expression>(*value.value), schema);
        continue;
      }
      StringList items = value.value ? std::get<StringList>(*value.value) : StringList{};
      std::optional<Schema> result = type == ParameterType::FieldList
                                         ? check_field_list(node, parameter, items, schema)
                                         : check_item_list(node, parameter, items, schema);
      if (result) checked.fields[parameter.name] = std::move(*result);
    }
    return checked;
  }

  void check_expression(const Node& node, const ParameterSpec& parameter,
                        const Expression& expression, const Schema& schema) {
    const std::string field = "parameters." + parameter.name;
    auto result = expr::check_expression(expression.text, schema);
    if (!result.ok()) {
      context_.node_problem(node, field, result.error.to_string());
      return;
    }
    FieldType wanted;
    if (parameter.result_type.empty() || !parse_field_type(parameter.result_type, wanted)) return;
    const expr::Type& type = result.value->type;
    if (!type.is_null_literal && type.type != wanted) {
      context_.node_problem(node, field,
                            "the expression has type " + std::string(to_string(type.type)) +
                                ", but " + parameter.result_type + " is required");
    }
  }

  // An expressionList or aggregateList: the fields it computes, in order.
  std::optional<Schema> check_item_list(const Node& node, const ParameterSpec& parameter,
                                        const StringList& items, const Schema& schema) {
    const std::string field = "parameters." + parameter.name;
    const bool aggregates = parameter.type == ParameterType::AggregateList;
    Schema computed;
    bool ok = true;
    for (const auto& item : items) {
      std::optional<Field> out;
      expr::CheckError error;
      if (aggregates) {
        auto result = expr::check_aggregate(item, schema);
        if (result.ok()) out = to_field(result.value->name, result.value->result);
        error = result.error;
      } else {
        auto result = expr::check_named_expression(item, schema);
        if (result.ok()) out = to_field(result.value->name, result.value->expression.type);
        error = result.error;
      }
      if (!out) {
        context_.node_problem(node, field, "in '" + item + "': " + error.to_string());
        ok = false;
      } else if (find_field(computed, out->name)) {
        context_.node_problem(node, field, "duplicate output name '" + out->name + "'");
        ok = false;
      } else {
        computed.push_back(*out);
      }
    }
    return ok ? std::optional<Schema>(computed) : std::nullopt;
  }

  // A fieldList: the named input fields, in the listed order.
  std::optional<Schema> check_field_list(const Node& node, const ParameterSpec& parameter,
                                         const StringList& names, const Schema& schema) {
    const std::string field = "parameters." + parameter.name;
    Schema selected;
    bool ok = true;
    for (const auto& name : names) {
      const Field* found = find_field(schema, name);
      if (!found) {
        std::string hint = did_you_mean(name, field_names(schema));
        context_.node_problem(
            node, field,
            "unknown field '" + name + "'" +
                (hint.empty() ? "; the input has " + quoted_list(field_names(schema)) : hint));
        ok = false;
      } else if (find_field(selected, name)) {
        context_.node_problem(node, field, "field '" + name + "' is listed twice");
        ok = false;
      } else {
        selected.push_back(*found);
      }
    }
    return ok ? std::optional<Schema>(selected) : std::nullopt;
  }

  // ---- outputs ----------------------------------------------------------------------------

  Stream derive_output(const Node& node, const OperatorSpec& spec, const PortSpec& port,
                       const std::map<std::string, Stream>& inputs,
                       const CheckedParameters& checked) {
    const SchemaRule& rule = port.schema;
    auto input_of = [&](const std::string& name) -> const Stream* {
      auto it = inputs.find(name);
      return it == inputs.end() || !it->second.schema ? nullptr : &it->second;
    };
    auto computed = [&](const std::string& parameter) -> const Schema* {
      auto it = checked.fields.find(parameter);
      return it == checked.fields.end() ? nullptr : &it->second;
    };
    const Stream* input = input_of(rule.port);
    Stream out;
    switch (rule.kind) {
      case SchemaRuleKind::None:
        return Stream::unknown();
      case SchemaRuleKind::SameAsInput:
        if (!input) return Stream::unknown();
        out = *input;
        break;
      case SchemaRuleKind::FromParameter: {
        const ParameterSpec* parameter = spec.parameter(rule.parameter);
        if (!parameter) return Stream::unknown();
        ParameterValue value = effective_value(node, *parameter);
        if (!value.value || !std::holds_alternative<Schema>(*value.value)) return Stream::unknown();
        const Schema& schema = std::get<Schema>(*value.value);
        if (!schema_problems(schema).empty()) return Stream::unknown();  // reported already
        out.schema = schema;
        break;
      }
      case SchemaRuleKind::Projection: {
        const Schema* fields = computed(rule.parameter);
        if (!fields) return Stream::unknown();
        out.schema = *fields;
        break;
      }
      case SchemaRuleKind::ExtendInput: {
        const Schema* fields = computed(rule.parameter);
        if (!input || !fields) return Stream::unknown();
        out = *input;
        for (const Field& field : *fields) {
          auto it = std::find_if(out.schema->begin(), out.schema->end(),
                                 [&](const Field& f) { return f.name == field.name; });
          if (it != out.schema->end()) {
            *it = field;
          } else {
            out.schema->push_back(field);
          }
        }
        break;
      }
      case SchemaRuleKind::WindowAggregate: {
        std::optional<Schema> schema = window_schema(rule, input, computed);
        if (!schema) return Stream::unknown();
        out.schema = std::move(schema);
        break;
      }
      case SchemaRuleKind::Join: {
        const Stream* right = input_of(rule.right_port);
        if (!input || !right) return Stream::unknown();
        out.schema = *input->schema;
        const bool outer = !rule.right_nullable_parameter.empty() &&
                           string_parameter(node, spec, rule.right_nullable_parameter) ==
                               rule.right_nullable_value;
        for (Field field : *right->schema) {
          if (find_field(*input->schema, field.name)) field.name = "right_" + field.name;
          if (outer) field.nullable = true;
          out.schema->push_back(std::move(field));
        }
        break;
      }
      case SchemaRuleKind::Fixed:
        out.schema = rule.fields;
        break;
      case SchemaRuleKind::AppendFixed:
        if (!input) return Stream::unknown();
        out = *input;
        out.schema->insert(out.schema->end(), rule.fields.begin(), rule.fields.end());
        break;
    }
    if (!check_output_names(node, port, *out.schema)) return Stream::unknown();
    set_keying(spec, port, rule, input, computed, out);
    return out;
  }

  // Key fields, window_start, window_end, then the aggregates.
  template <class Computed>
  static std::optional<Schema> window_schema(const SchemaRule& rule, const Stream* input,
                                             const Computed& computed) {
    const Schema* aggregates = computed(rule.parameter);
    if (!input || !aggregates) return std::nullopt;
    Schema schema;
    const Schema* keys = rule.keys_parameter.empty() ? nullptr : computed(rule.keys_parameter);
    if (!rule.keys_parameter.empty() && !keys) return std::nullopt;
    if (keys && !keys->empty()) {
      schema = *keys;
    } else if (input->keying == Stream::Keying::Unknown) {
      return std::nullopt;
    } else {
      // Keys of the keyed input; none (a global window) when the input is not keyed.
      for (const auto& key : input->keys) {
        const Field* field = find_field(*input->schema, key);
        if (!field) return std::nullopt;
        schema.push_back(*field);
      }
    }
    schema.push_back(Field{"window_start", FieldType::Timestamp, false});
    schema.push_back(Field{"window_end", FieldType::Timestamp, false});
    schema.insert(schema.end(), aggregates->begin(), aggregates->end());
    return schema;
  }

  // Computed outputs must still have unique names (a join's "right_x" may meet a left "right_x",
  // an aggregate may be called "window_start").
  bool check_output_names(const Node& node, const PortSpec& port, const Schema& schema) {
    std::set<std::string> names;
    for (const auto& field : schema) {
      if (names.insert(field.name).second) continue;
      const std::string& parameter = port.schema.parameter;
      context_.node_problem(
          node, parameter.empty() ? "outputs." + port.name : "parameters." + parameter,
          "output port '" + port.name + "' would have two fields named '" + field.name + "'");
      return false;
    }
    return true;
  }

  // Records outputs are unkeyed. A keyed output that declares keyed_by (key_by's) is keyed by
  // that field-list parameter; another keyed output keeps its input's keys while they survive
  // in its schema.
  template <class Computed>
  static void set_keying(const OperatorSpec& /*spec*/, const PortSpec& port, const SchemaRule& rule,
                         const Stream* input, const Computed& computed, Stream& out) {
    out.keys.clear();
    out.keying = Stream::Keying::NotKeyed;
    if (port.kind != PortKind::Keyed) return;
    out.keying = Stream::Keying::Unknown;
    if (!port.keyed_by.empty()) {
      if (const Schema* keys = computed(port.keyed_by); keys && !keys->empty()) {
        out.keying = Stream::Keying::Keyed;
        out.keys = field_names(*keys);
      }
      return;
    }
    const bool keeps_input = rule.kind == SchemaRuleKind::SameAsInput ||
                             rule.kind == SchemaRuleKind::ExtendInput ||
                             rule.kind == SchemaRuleKind::AppendFixed;
    if (!keeps_input || !input || input->keying != Stream::Keying::Keyed) return;
    for (const auto& key : input->keys) {
      if (!find_field(*out.schema, key)) return;
    }
    out.keying = Stream::Keying::Keyed;
    out.keys = input->keys;
  }

  Context& context_;
  std::map<PortKey, Stream> outputs_;
};

}  // namespace

void propagate_schemas(Context& context) { Propagator(context).run(); }

}  // namespace rivulet::graphs::validation
