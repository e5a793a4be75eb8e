// The built-in catalog is a contract read by the validator, the editor and `rivulet catalog
// export`: these tests hold every spec to the rules those readers rely on, so a new operator
// with a typo'd port name or an out-of-range default fails here rather than in a user's graph.

#include "graphs/catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>

#include "graphs/catalog_io.hpp"
#include "operators/builtin_catalog.hpp"
#include "runtime/operator_registry.hpp"

namespace rivulet::operators {
namespace {

using graphs::OperatorSpec;
using graphs::ParameterSpec;
using graphs::ParameterType;
using graphs::PortKind;
using graphs::PortSpec;
using graphs::SchemaRule;
using graphs::SchemaRuleKind;

// Stricter than the validator's value_fits: a float parameter's default is written as a float.
bool default_fits(ParameterType type, const graphs::Value& value) {
  switch (type) {
    case ParameterType::Bool:
      return std::holds_alternative<bool>(value);
    case ParameterType::Int:
      return std::holds_alternative<std::int64_t>(value);
    case ParameterType::Float:
      return std::holds_alternative<double>(value);
    case ParameterType::String:
    case ParameterType::Enum:
      return std::holds_alternative<std::string>(value);
    case ParameterType::Duration:
      return std::holds_alternative<graphs::Duration>(value);
    case ParameterType::StringList:
    case ParameterType::FieldList:
    case ParameterType::ExpressionList:
    case ParameterType::AggregateList:
      return std::holds_alternative<graphs::StringList>(value);
    case ParameterType::Expression:
      return std::holds_alternative<graphs::Expression>(value);
    case ParameterType::Schema:
      return std::holds_alternative<graphs::Schema>(value);
  }
  return false;
}

// The numeric value that minimum/maximum bound, if the parameter has one.
std::optional<double> numeric(const graphs::Value& value) {
  if (auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(&value)) return *d;
  if (auto* t = std::get_if<graphs::Duration>(&value)) return static_cast<double>(t->ms);
  return std::nullopt;
}

bool ranged(ParameterType type) {
  return type == ParameterType::Int || type == ParameterType::Float ||
         type == ParameterType::Duration;
}

bool checked_against_input(ParameterType type) {
  return type == ParameterType::FieldList || type == ParameterType::Expression ||
         type == ParameterType::ExpressionList || type == ParameterType::AggregateList;
}

const graphs::Catalog& catalog() {
  static const graphs::Catalog built = builtin_catalog();
  return built;
}

TEST(BuiltinCatalog, HasTheDocumentedKindsInAStableOrder) {
  std::vector<std::string> kinds;
  for (const auto& spec : catalog().operators) kinds.push_back(spec.kind);
  // docs/operators.md and the editor palette follow this order; change them together.
  const std::vector<std::string> expected = {"kafka_source",
                                             "datagen",
                                             "file_source",
                                             "clickstream_events",
                                             "card_transactions",
                                             "sensor_readings",
                                             "service_logs",
                                             "filter",
                                             "map",
                                             "project",
                                             "dedup",
                                             "running_stats",
                                             "previous",
                                             "key_by",
                                             "window_aggregate",
                                             "top_n",
                                             "window_join",
                                             "join",
                                             "alert",
                                             "absence",
                                             "kafka_sink",
                                             "file_sink"};
  EXPECT_EQ(kinds, expected);
  EXPECT_EQ(catalog(), builtin_catalog()) << "the catalog must not change between calls";
  EXPECT_EQ(catalog().format_version, graphs::kCurrentCatalogVersion);
}

TEST(BuiltinCatalog, KindsAreUniqueAndDescribed) {
  const std::set<std::string> categories = {"source", "transform", "keying", "window",
                                            "join",   "alert",     "sink"};
  std::set<std::string> seen;
  for (const auto& spec : catalog().operators) {
    SCOPED_TRACE(spec.kind);
    EXPECT_FALSE(spec.kind.empty());
    EXPECT_TRUE(seen.insert(spec.kind).second) << "duplicate kind";
    EXPECT_TRUE(categories.count(spec.category)) << "category '" << spec.category << "'";
    // The first sentence is the one-line summary shown in palettes and `catalog list`.
    auto end = spec.description.find(". ");
    std::string summary = spec.description.substr(0, end);
    EXPECT_FALSE(summary.empty());
    EXPECT_LE(summary.size(), 90u) << summary;
    EXPECT_EQ(spec.category == "source", spec.inputs.empty()) << "only sources lack inputs";
    EXPECT_EQ(spec.category == "sink", spec.outputs.empty()) << "only sinks lack outputs";
  }
}

TEST(BuiltinCatalog, PortsAreNamedDescribedAndUnique) {
  for (const auto& spec : catalog().operators) {
    for (const auto* ports : {&spec.inputs, &spec.outputs}) {
      std::set<std::string> names;
      for (const auto& port : *ports) {
        SCOPED_TRACE(spec.kind + "." + port.name);
        EXPECT_FALSE(port.name.empty());
        EXPECT_TRUE(names.insert(port.name).second) << "duplicate port";
        EXPECT_FALSE(port.description.empty());
      }
    }
    for (const auto& port : spec.inputs) {
      SCOPED_TRACE(spec.kind + "." + port.name);
      EXPECT_TRUE(port.required) << "no built-in has optional inputs yet";
      EXPECT_EQ(port.schema.kind, SchemaRuleKind::None) << "inputs do not derive schemas";
    }
  }
}

TEST(BuiltinCatalog, EveryParameterIsDocumentedAndWellFormed) {
  for (const auto& spec : catalog().operators) {
    std::set<std::string> names;
    for (const ParameterSpec& p : spec.parameters) {
      SCOPED_TRACE(spec.kind + ".parameters." + p.name);
      EXPECT_FALSE(p.name.empty());
      EXPECT_TRUE(names.insert(p.name).second) << "duplicate parameter";
      EXPECT_GE(p.documentation.size(), 10u) << "undocumented";

      // Exactly one of: required, or optional with a default the editor can pre-fill.
      EXPECT_NE(p.required, p.default_value.has_value()) << "required xor default";

      if (p.minimum && p.maximum) {
        EXPECT_LE(*p.minimum, *p.maximum);
      }
      if (!ranged(p.type)) {
        EXPECT_FALSE(p.minimum || p.maximum) << "range on a non-number";
      }

      if (p.type == ParameterType::Enum) {
        EXPECT_GE(p.allowed_values.size(), 2u);
        EXPECT_EQ(std::set<std::string>(p.allowed_values.begin(), p.allowed_values.end()).size(),
                  p.allowed_values.size());
      } else {
        EXPECT_TRUE(p.allowed_values.empty()) << "allowed values on a non-enum";
      }

      if (!p.input_port.empty()) {
        EXPECT_NE(spec.input(p.input_port), nullptr) << p.input_port;
      }
      if (checked_against_input(p.type) && !spec.inputs.empty()) {
        EXPECT_FALSE(p.input_port.empty()) << "field/expression parameter not tied to an input";
      }
      if (!p.result_type.empty()) {
        EXPECT_EQ(p.type, ParameterType::Expression);
        graphs::FieldType type;
        EXPECT_TRUE(graphs::parse_field_type(p.result_type, type)) << p.result_type;
      }

      if (!p.default_value) continue;
      const graphs::Value& value = *p.default_value;
      EXPECT_TRUE(default_fits(p.type, value))
          << "default holds variant " << value.index() << " for a " << to_string(p.type);
      if (auto n = numeric(value)) {
        if (p.minimum) {
          EXPECT_GE(*n, *p.minimum) << "default below minimum";
        }
        if (p.maximum) {
          EXPECT_LE(*n, *p.maximum) << "default above maximum";
        }
      }
      if (p.type == ParameterType::Enum && std::holds_alternative<std::string>(value)) {
        const auto& text = std::get<std::string>(value);
        EXPECT_NE(std::find(p.allowed_values.begin(), p.allowed_values.end(), text),
                  p.allowed_values.end())
            << "default '" << text << "' is not an allowed value";
      }
    }
  }
}

// A rule's port must be an input, its parameters must exist with the type the rule reads.
void expect_rule_resolves(const OperatorSpec& spec, const SchemaRule& rule) {
  auto expect_input = [&](const std::string& port) {
    EXPECT_NE(spec.input(port), nullptr) << "rule names unknown input '" << port << "'";
  };
  auto expect_parameter = [&](const std::string& name, ParameterType type) {
    const ParameterSpec* p = spec.parameter(name);
    ASSERT_NE(p, nullptr) << "rule names unknown parameter '" << name << "'";
    EXPECT_EQ(p->type, type) << "rule parameter '" << name << "' has the wrong type";
    EXPECT_TRUE(p->required) << "a schema rule must not depend on an absent parameter";
  };
  auto expect_fields = [&](const graphs::Schema& fields) {
    EXPECT_FALSE(fields.empty());
    std::set<std::string> names;
    for (const auto& f : fields) EXPECT_TRUE(names.insert(f.name).second) << f.name;
  };
  switch (rule.kind) {
    case SchemaRuleKind::None:
      ADD_FAILURE() << "output without a schema rule";
      break;
    case SchemaRuleKind::SameAsInput:
      expect_input(rule.port);
      break;
    case SchemaRuleKind::FromParameter:
      expect_parameter(rule.parameter, ParameterType::Schema);
      break;
    case SchemaRuleKind::Projection:
      expect_parameter(rule.parameter, ParameterType::ExpressionList);
      break;
    case SchemaRuleKind::ExtendInput:
      expect_input(rule.port);
      expect_parameter(rule.parameter, ParameterType::ExpressionList);
      break;
    case SchemaRuleKind::WindowAggregate:
      expect_input(rule.port);
      if (rule.keys_parameter.empty()) {
        const PortSpec* in = spec.input(rule.port);
        if (in) {
          EXPECT_EQ(in->kind, PortKind::Keyed) << "keys come from a keyed input";
        }
      } else {
        expect_parameter(rule.keys_parameter, ParameterType::FieldList);
      }
      expect_parameter(rule.parameter, ParameterType::AggregateList);
      break;
    case SchemaRuleKind::Join:
      expect_input(rule.port);
      expect_input(rule.right_port);
      EXPECT_NE(rule.port, rule.right_port);
      break;
    case SchemaRuleKind::Fixed:
      expect_fields(rule.fields);
      break;
    case SchemaRuleKind::AppendFixed:
      expect_input(rule.port);
      expect_fields(rule.fields);
      break;
  }
}

TEST(BuiltinCatalog, SchemaRulesReferenceExistingPortsAndParameters) {
  for (const auto& spec : catalog().operators) {
    for (const auto& port : spec.outputs) {
      SCOPED_TRACE(spec.kind + ".outputs." + port.name);
      expect_rule_resolves(spec, port.schema);
    }
  }
}

TEST(BuiltinCatalog, KeyedOutputsKnowTheirKeys) {
  bool keying_seen = false;
  for (const auto& spec : catalog().operators) {
    for (const auto& port : spec.outputs) {
      SCOPED_TRACE(spec.kind + ".outputs." + port.name);
      if (port.kind != PortKind::Keyed) {
        EXPECT_TRUE(port.keyed_by.empty()) << "only a keyed output is keyed by a parameter";
        continue;
      }
      if (!port.keyed_by.empty()) {
        // Keyed by a required field list of the operator's own (key_by's "keys").
        keying_seen = true;
        const ParameterSpec* keys = spec.parameter(port.keyed_by);
        ASSERT_NE(keys, nullptr) << port.keyed_by;
        EXPECT_EQ(keys->type, ParameterType::FieldList);
        EXPECT_TRUE(keys->required);
        continue;
      }
      // Any other keyed output must keep the records (and so the keys) of a keyed input: the
      // validator carries the input's keys over only for these rules.
      const auto kind = port.schema.kind;
      EXPECT_TRUE(kind == SchemaRuleKind::SameAsInput || kind == SchemaRuleKind::ExtendInput ||
                  kind == SchemaRuleKind::AppendFixed);
      const PortSpec* in = spec.input(port.schema.port);
      ASSERT_NE(in, nullptr);
      EXPECT_EQ(in->kind, PortKind::Keyed);
    }
  }
  EXPECT_TRUE(keying_seen) << "key_by declares what its output is keyed by";
  const graphs::OperatorSpec* key_by = catalog().find("key_by");
  ASSERT_NE(key_by, nullptr);
  EXPECT_EQ(key_by->outputs.at(0).keyed_by, "keys");
}

TEST(BuiltinCatalog, StatefulOperatorsAreMarked) {
  // These keep state across records (offsets, windows, seen keys, transactions): the runtime
  // snapshots exactly the operators marked stateful.
  for (const char* kind : {"kafka_source", "datagen", "file_source", "window_aggregate",
                           "window_join", "join", "dedup", "top_n", "alert", "kafka_sink"}) {
    ASSERT_NE(catalog().find(kind), nullptr) << kind;
    EXPECT_TRUE(catalog().find(kind)->stateful) << kind;
  }
  for (const char* kind : {"filter", "map", "project", "key_by"}) {
    ASSERT_NE(catalog().find(kind), nullptr) << kind;
    EXPECT_FALSE(catalog().find(kind)->stateful) << kind;
  }
}

// The editor learns operators only from the exported file: nothing may be lost on the way.
TEST(BuiltinCatalog, RoundTripsThroughBothFileFormats) {
  for (auto format : {graphs::GraphFormat::Binary, graphs::GraphFormat::Json}) {
    SCOPED_TRACE(format == graphs::GraphFormat::Json ? "json" : "binary");
    auto bytes = graphs::encode_catalog(catalog(), format);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto decoded = graphs::decode_catalog(*bytes, format);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    ASSERT_EQ(decoded->operators.size(), catalog().operators.size());
    for (std::size_t i = 0; i < catalog().operators.size(); ++i) {
      // Per operator first, so a failure names the spec that did not survive.
      EXPECT_EQ(decoded->operators[i], catalog().operators[i]) << catalog().operators[i].kind;
    }
    EXPECT_EQ(*decoded, catalog());
  }
}

// docs/operators.md is written by hand from the specs: catch the drift when a spec changes.
TEST(BuiltinCatalog, ReferenceDocumentsEveryOperatorAndParameter) {
  std::ifstream file(std::string(RIVULET_SOURCE_DIR) + "/docs/operators.md");
  ASSERT_TRUE(file) << "docs/operators.md is missing";
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  for (const auto& spec : catalog().operators) {
    const std::size_t start = doc.find("\n## " + spec.kind + "\n");
    ASSERT_NE(start, std::string::npos) << "no section '## " << spec.kind << "'";
    const std::string section = doc.substr(start, doc.find("\n## ", start + 1) - start);
    for (const auto& p : spec.parameters) {
      const std::size_t row = section.find("| `" + p.name + "` |");
      EXPECT_NE(row, std::string::npos)
          << spec.kind << ": parameter '" << p.name << "' is not in its table";
      if (row == std::string::npos || p.applies_when.parameter.empty()) continue;
      // A conditional parameter's row says when it applies: "(when window=sliding)".
      const std::string line = section.substr(row, section.find('\n', row) - row);
      EXPECT_NE(line.find("(when " + p.applies_when.parameter + "=" + p.applies_when.values[0]),
                std::string::npos)
          << spec.kind << ": the row of '" << p.name << "' does not say when it applies";
    }
    for (const auto* ports : {&spec.inputs, &spec.outputs}) {
      for (const auto& port : *ports) {
        EXPECT_NE(section.find("| `" + port.name + "` |"), std::string::npos)
            << spec.kind << ": port '" << port.name << "' is not in its table";
      }
    }
  }
}

TEST(OperatorRegistry, RefusesEmptyAndDuplicateKinds) {
  runtime::OperatorRegistry registry;
  OperatorSpec a;
  a.kind = "a";
  EXPECT_TRUE(registry.add(a).ok());
  graphs::Status again = registry.add(a);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("'a' is already registered"), std::string::npos);
  EXPECT_FALSE(registry.add(OperatorSpec{}).ok());
  EXPECT_EQ(registry.size(), 1u);
}

// keyed_by must name a field-list parameter of the operator, on a keyed output: the planner
// and the validator read the key fields from it.
TEST(OperatorRegistry, RefusesAKeyedByThatNamesNoFieldList) {
  runtime::OperatorRegistry registry;
  auto spec_keyed_by = [](std::string kind, std::string keyed_by, ParameterType type,
                          PortKind port_kind = PortKind::Keyed) {
    OperatorSpec spec;
    spec.kind = std::move(kind);
    PortSpec out;
    out.name = "out";
    out.kind = port_kind;
    out.keyed_by = std::move(keyed_by);
    spec.outputs.push_back(out);
    ParameterSpec keys;
    keys.name = "keys";
    keys.type = type;
    spec.parameters.push_back(keys);
    return spec;
  };
  EXPECT_TRUE(registry.add(spec_keyed_by("good", "keys", ParameterType::FieldList)).ok());
  for (const OperatorSpec& bad :
       {spec_keyed_by("missing", "nope", ParameterType::FieldList),
        spec_keyed_by("wrong_type", "keys", ParameterType::String),
        spec_keyed_by("unkeyed_port", "keys", ParameterType::FieldList, PortKind::Records)}) {
    graphs::Status added = registry.add(bad);
    ASSERT_FALSE(added.ok()) << bad.kind;
    EXPECT_NE(added.error().message.find("operator '" + bad.kind + "', output 'out'"),
              std::string::npos)
        << added.error().message;
  }
  EXPECT_EQ(registry.size(), 1u);
}

// A parameter's condition must name another enum/bool/string parameter of the operator and
// values it can take: otherwise the editor would hide the parameter for good.
TEST(OperatorRegistry, RefusesAConditionThatCannotHold) {
  auto spec_with = [](std::string kind, graphs::ParameterCondition condition) {
    OperatorSpec spec;
    spec.kind = std::move(kind);
    ParameterSpec window;
    window.name = "window";
    window.type = ParameterType::Enum;
    window.allowed_values = {"tumbling", "sliding"};
    window.default_value = graphs::Value(std::string("tumbling"));
    ParameterSpec slide;
    slide.name = "slide";
    slide.type = ParameterType::Duration;
    slide.default_value = graphs::Value(graphs::Duration{1000});
    slide.applies_when = std::move(condition);
    spec.parameters = {window, slide};
    return spec;
  };
  runtime::OperatorRegistry registry;
  EXPECT_TRUE(registry.add(spec_with("fine", {"window", {"sliding"}})).ok());
  graphs::Status unknown = registry.add(spec_with("unknown", {"mode", {"sliding"}}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message,
            "operator 'unknown', parameter 'slide': applies_when must name another parameter of "
            "'unknown' ('mode' is not one)");
  graphs::Status value = registry.add(spec_with("value", {"window", {"hopping"}}));
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().message,
            "operator 'value', parameter 'slide': applies_when lists 'hopping', which 'window' "
            "cannot take");
  EXPECT_FALSE(registry.add(spec_with("itself", {"slide", {"true"}})).ok());
  EXPECT_EQ(registry.size(), 1u);
}

TEST(OperatorRegistry, FindsByKindAndKeepsRegistrationOrder) {
  runtime::OperatorRegistry registry;
  for (const char* kind : {"zeta", "alpha", "mid"}) {
    OperatorSpec spec;
    spec.kind = kind;
    ASSERT_TRUE(registry.add(spec).ok());
  }
  ASSERT_NE(registry.find("alpha"), nullptr);
  EXPECT_EQ(registry.find("alpha")->kind, "alpha");
  EXPECT_EQ(registry.find("beta"), nullptr);
  graphs::Catalog c = registry.catalog();
  ASSERT_EQ(c.operators.size(), 3u);
  EXPECT_EQ(c.operators[0].kind, "zeta");
  EXPECT_EQ(c.operators[2].kind, "mid");
}

TEST(OperatorRegistry, BuiltinRegistryMatchesBuiltinCatalog) {
  EXPECT_EQ(builtin_registry().catalog(), catalog());
  ASSERT_NE(builtin_registry().find("window_aggregate"), nullptr);
  EXPECT_EQ(builtin_registry().find("window_aggregate")->kind, "window_aggregate");
  EXPECT_EQ(builtin_registry().find("no_such_kind"), nullptr);
}

}  // namespace
}  // namespace rivulet::operators
