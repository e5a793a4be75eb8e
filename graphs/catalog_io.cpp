#include "graphs/catalog_io.hpp"

#include "graphs/catalog.capnp.h"
#include "graphs/graph_wire.hpp"
#include "graphs/parameter_conditions.hpp"
#include "graphs/wire_io.hpp"

namespace rivulet::graphs {
namespace {

using wire_convert::canonical;
using wire_convert::str;
using wire_convert::text;
using wire_convert::WireError;

static_assert(wire::CURRENT_CATALOG_VERSION == kCurrentCatalogVersion,
              "catalog.capnp and catalog.hpp disagree about the current catalog version");

constexpr wire_io::DocumentKind kCatalogKind{"catalog", "Rivulet operator catalog",
                                             kCurrentCatalogVersion};

std::string unknown(const char* what, unsigned raw) {
  return std::string("unknown ") + what + " " + std::to_string(raw) +
         " (written by a newer Rivulet, or corrupted)";
}

void set_strings(const std::vector<std::string>& items, capnp::List<capnp::Text>::Builder out) {
  for (unsigned i = 0; i < items.size(); ++i) out.set(i, text(items[i]));
}

// --- schema rules -----------------------------------------------------------------------------

void to_wire(const SchemaRule& rule, wire::SchemaRule::Builder out) {
  switch (rule.kind) {
    case SchemaRuleKind::None:
      out.setNone();
      break;
    case SchemaRuleKind::SameAsInput:
      out.setSameAsInput(text(rule.port));
      break;
    case SchemaRuleKind::FromParameter:
      out.setFromParameter(text(rule.parameter));
      break;
    case SchemaRuleKind::Projection:
      out.setProjection(text(rule.parameter));
      break;
    case SchemaRuleKind::ExtendInput: {
      auto g = out.initExtendInput();
      g.setPort(text(rule.port));
      g.setExpressions(text(rule.parameter));
      break;
    }
    case SchemaRuleKind::WindowAggregate: {
      auto g = out.initWindowAggregate();
      g.setPort(text(rule.port));
      g.setKeys(text(rule.keys_parameter));
      g.setAggregates(text(rule.parameter));
      break;
    }
    case SchemaRuleKind::Join: {
      auto g = out.initJoin();
      g.setLeft(text(rule.port));
      g.setRight(text(rule.right_port));
      g.setRightNullableParameter(text(rule.right_nullable_parameter));
      g.setRightNullableValue(text(rule.right_nullable_value));
      break;
    }
    case SchemaRuleKind::Fixed:
      wire_convert::to_wire(rule.fields, out.initFixed(rule.fields.size()));
      break;
    case SchemaRuleKind::AppendFixed: {
      auto g = out.initAppendFixed();
      g.setPort(text(rule.port));
      wire_convert::to_wire(rule.fields, g.initFields(rule.fields.size()));
      break;
    }
  }
}

SchemaRule from_wire(wire::SchemaRule::Reader in) {
  SchemaRule rule;
  switch (in.which()) {
    case wire::SchemaRule::NONE:
      break;
    case wire::SchemaRule::SAME_AS_INPUT:
      rule.kind = SchemaRuleKind::SameAsInput;
      rule.port = str(in.getSameAsInput());
      break;
    case wire::SchemaRule::FROM_PARAMETER:
      rule.kind = SchemaRuleKind::FromParameter;
      rule.parameter = str(in.getFromParameter());
      break;
    case wire::SchemaRule::PROJECTION:
      rule.kind = SchemaRuleKind::Projection;
      rule.parameter = str(in.getProjection());
      break;
    case wire::SchemaRule::EXTEND_INPUT: {
      auto g = in.getExtendInput();
      rule.kind = SchemaRuleKind::ExtendInput;
      rule.port = str(g.getPort());
      rule.parameter = str(g.getExpressions());
      break;
    }
    case wire::SchemaRule::WINDOW_AGGREGATE: {
      auto g = in.getWindowAggregate();
      rule.kind = SchemaRuleKind::WindowAggregate;
      rule.port = str(g.getPort());
      rule.keys_parameter = str(g.getKeys());
      rule.parameter = str(g.getAggregates());
      break;
    }
    case wire::SchemaRule::JOIN: {
      auto g = in.getJoin();
      rule.kind = SchemaRuleKind::Join;
      rule.port = str(g.getLeft());
      rule.right_port = str(g.getRight());
      rule.right_nullable_parameter = str(g.getRightNullableParameter());
      rule.right_nullable_value = str(g.getRightNullableValue());
      break;
    }
    case wire::SchemaRule::FIXED:
      rule.kind = SchemaRuleKind::Fixed;
      rule.fields = wire_convert::from_wire(in.getFixed());
      break;
    case wire::SchemaRule::APPEND_FIXED: {
      auto g = in.getAppendFixed();
      rule.kind = SchemaRuleKind::AppendFixed;
      rule.port = str(g.getPort());
      rule.fields = wire_convert::from_wire(g.getFields());
      break;
    }
    default:
      throw WireError(unknown("schema rule", static_cast<unsigned>(in.which())));
  }
  return rule;
}

// --- ports and parameters -----------------------------------------------------------------------

void to_wire(const PortSpec& port, wire::PortSpec::Builder out) {
  out.setName(text(port.name));
  out.setKind(port.kind == PortKind::Keyed ? wire::PortKind::KEYED : wire::PortKind::RECORDS);
  out.setRequired(port.required);
  if (!port.description.empty()) out.setDescription(text(port.description));
  if (port.schema.kind != SchemaRuleKind::None) to_wire(port.schema, out.initSchema());
  if (!port.dropped_when_unconnected.empty()) {
    out.setDroppedWhenUnconnected(text(port.dropped_when_unconnected));
  }
  if (!port.keyed_by.empty()) out.setKeyedBy(text(port.keyed_by));
}

PortSpec from_wire(wire::PortSpec::Reader in) {
  PortSpec port;
  port.name = str(in.getName());
  try {
    switch (in.getKind()) {
      case wire::PortKind::RECORDS:
        port.kind = PortKind::Records;
        break;
      case wire::PortKind::KEYED:
        port.kind = PortKind::Keyed;
        break;
      default:
        throw WireError(unknown("port kind", static_cast<unsigned>(in.getKind())));
    }
    port.required = in.getRequired();
    port.description = str(in.getDescription());
    port.schema = from_wire(in.getSchema());
    port.dropped_when_unconnected = str(in.getDroppedWhenUnconnected());
    port.keyed_by = str(in.getKeyedBy());
  } catch (const WireError& e) {
    throw WireError("port '" + port.name + "': " + e.what());
  }
  return port;
}

constexpr ParameterType kParameterTypes[] = {
    ParameterType::Bool,           ParameterType::Int,           ParameterType::Float,
    ParameterType::String,         ParameterType::Enum,          ParameterType::Duration,
    ParameterType::StringList,     ParameterType::FieldList,     ParameterType::Expression,
    ParameterType::ExpressionList, ParameterType::AggregateList, ParameterType::Schema};

// The model enum lists the types in the schema's ordinal order; checked here once.
static_assert(static_cast<int>(ParameterType::Schema) ==
              static_cast<int>(wire::ParameterType::SCHEMA));
static_assert(static_cast<int>(ParameterType::Expression) ==
              static_cast<int>(wire::ParameterType::EXPRESSION));

void to_wire(const ParameterSpec& spec, wire::ParameterSpec::Builder out) {
  out.setName(text(spec.name));
  out.setType(static_cast<wire::ParameterType>(spec.type));
  out.setRequired(spec.required);
  if (spec.default_value) {
    out.setHasDefault(true);
    wire_convert::to_wire(*spec.default_value, out.initDefault());
  }
  if (!spec.allowed_values.empty()) {
    set_strings(spec.allowed_values, out.initAllowedValues(spec.allowed_values.size()));
  }
  if (spec.minimum) {
    out.setHasMinimum(true);
    out.setMinimum(canonical(*spec.minimum));
  }
  if (spec.maximum) {
    out.setHasMaximum(true);
    out.setMaximum(canonical(*spec.maximum));
  }
  if (!spec.documentation.empty()) out.setDocumentation(text(spec.documentation));
  if (!spec.input_port.empty()) out.setInputPort(text(spec.input_port));
  if (!spec.result_type.empty()) out.setResultType(text(spec.result_type));
  if (!spec.allowed_keys.empty()) {
    set_strings(spec.allowed_keys, out.initAllowedKeys(spec.allowed_keys.size()));
  }
  if (!spec.path_keys.empty()) set_strings(spec.path_keys, out.initPathKeys(spec.path_keys.size()));
  if (!spec.applies_when.parameter.empty()) {
    auto condition = out.initAppliesWhen();
    condition.setParameter(text(spec.applies_when.parameter));
    const auto& values = spec.applies_when.values;
    if (!values.empty()) set_strings(values, condition.initValues(values.size()));
  }
}

ParameterSpec from_wire(wire::ParameterSpec::Reader in) {
  ParameterSpec spec;
  spec.name = str(in.getName());
  try {
    auto type = static_cast<unsigned>(in.getType());
    if (type >= std::size(kParameterTypes)) throw WireError(unknown("parameter type", type));
    spec.type = kParameterTypes[type];
    spec.required = in.getRequired();
    if (in.getHasDefault()) spec.default_value = wire_convert::from_wire(in.getDefault());
    for (auto v : in.getAllowedValues()) spec.allowed_values.push_back(str(v));
    if (in.getHasMinimum()) spec.minimum = in.getMinimum();
    if (in.getHasMaximum()) spec.maximum = in.getMaximum();
    spec.documentation = str(in.getDocumentation());
    spec.input_port = str(in.getInputPort());
    spec.result_type = str(in.getResultType());
    for (auto key : in.getAllowedKeys()) spec.allowed_keys.push_back(str(key));
    for (auto key : in.getPathKeys()) spec.path_keys.push_back(str(key));
    if (in.hasAppliesWhen()) {
      auto condition = in.getAppliesWhen();
      spec.applies_when.parameter = str(condition.getParameter());
      for (auto v : condition.getValues()) spec.applies_when.values.push_back(str(v));
    }
  } catch (const WireError& e) {
    throw WireError("parameter '" + spec.name + "': " + e.what());
  }
  return spec;
}

// --- operators and the catalog ------------------------------------------------------------------

void to_wire(const OperatorSpec& op, wire::OperatorSpec::Builder out) {
  out.setKind(text(op.kind));
  if (!op.category.empty()) out.setCategory(text(op.category));
  if (!op.description.empty()) out.setDescription(text(op.description));
  if (!op.inputs.empty()) {
    auto inputs = out.initInputs(op.inputs.size());
    for (unsigned i = 0; i < op.inputs.size(); ++i) to_wire(op.inputs[i], inputs[i]);
  }
  if (!op.outputs.empty()) {
    auto outputs = out.initOutputs(op.outputs.size());
    for (unsigned i = 0; i < op.outputs.size(); ++i) to_wire(op.outputs[i], outputs[i]);
  }
  if (!op.parameters.empty()) {
    auto params = out.initParameters(op.parameters.size());
    for (unsigned i = 0; i < op.parameters.size(); ++i) to_wire(op.parameters[i], params[i]);
  }
  out.setStateful(op.stateful);
  out.setMaxParallelism(op.max_parallelism);
  out.setPartitionState(op.partition_state);
}

OperatorSpec from_wire(wire::OperatorSpec::Reader in) {
  OperatorSpec op;
  op.kind = str(in.getKind());
  try {
    op.category = str(in.getCategory());
    op.description = str(in.getDescription());
    for (auto p : in.getInputs()) op.inputs.push_back(from_wire(p));
    for (auto p : in.getOutputs()) op.outputs.push_back(from_wire(p));
    for (auto p : in.getParameters()) op.parameters.push_back(from_wire(p));
    op.stateful = in.getStateful();
    op.max_parallelism = in.getMaxParallelism();
    op.partition_state = in.getPartitionState();
    // A catalog may come from a node: a condition naming nothing would hide a parameter forever.
    for (const auto& parameter : op.parameters) {
      if (auto problem = condition_problem(op, parameter)) throw WireError(*problem);
    }
  } catch (const WireError& e) {
    throw WireError("operator '" + op.kind + "': " + e.what());
  }
  return op;
}

void to_wire(const Catalog& catalog, wire::Catalog::Builder out) {
  out.setFormatVersion(kCurrentCatalogVersion);
  if (catalog.operators.empty()) return;
  auto ops = out.initOperators(catalog.operators.size());
  for (unsigned i = 0; i < catalog.operators.size(); ++i) to_wire(catalog.operators[i], ops[i]);
}

Catalog from_wire(wire::Catalog::Reader in) {
  Catalog catalog;
  catalog.format_version = in.getFormatVersion();
  for (auto op : in.getOperators()) catalog.operators.push_back(from_wire(op));
  return catalog;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<GraphFormat> catalog_format_for_path(const std::string& path) {
  if (ends_with(path, ".rcatalog")) return GraphFormat::Binary;
  if (ends_with(path, ".json")) return GraphFormat::Json;
  return Error{"catalog file '" + path +
               "' has an unknown extension; use .rcatalog (binary) or .json"};
}

Result<Catalog> decode(std::string_view bytes, GraphFormat format, const std::string& subject) {
  return wire_io::decode_document<wire::Catalog>(
      bytes, format, kCatalogKind, subject,
      [](wire::Catalog::Reader root) { return from_wire(root); });
}

}  // namespace

Result<Catalog> decode_catalog(std::string_view bytes, GraphFormat format) {
  return decode(bytes, format, "");
}

Result<std::string> encode_catalog(const Catalog& catalog, GraphFormat format) {
  return wire_io::encode_document<wire::Catalog>(
      format, kCatalogKind, [&](wire::Catalog::Builder root) { to_wire(catalog, root); });
}

Result<Catalog> load_catalog(const std::string& path) {
  auto format = catalog_format_for_path(path);
  if (!format) return format.error();
  auto bytes = wire_io::read_file(path, "catalog file");
  if (!bytes) return bytes.error();
  return decode(*bytes, *format, "catalog file '" + path + "'");
}

Status save_catalog(const Catalog& catalog, const std::string& path) {
  auto format = catalog_format_for_path(path);
  if (!format) return format.error();
  auto bytes = encode_catalog(catalog, *format);
  if (!bytes) return bytes.error();
  return wire_io::write_file_atomically(path, *bytes, "catalog file");
}

}  // namespace rivulet::graphs
