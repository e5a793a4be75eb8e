#include "runtime/field_ref.hpp"

#include <string>

namespace rivulet::runtime {
namespace {

// Local on purpose: keeps this file independent of graphs' .cpp files.
const char* type_name(graphs::FieldType type) {
  switch (type) {
    case graphs::FieldType::Int64:
      return "int64";
    case graphs::FieldType::Float64:
      return "float64";
    case graphs::FieldType::Bool:
      return "bool";
    case graphs::FieldType::String:
      return "string";
    case graphs::FieldType::Timestamp:
      return "timestamp";
  }
  return "?";
}

}  // namespace

graphs::Result<FieldRef> resolve_field(const graphs::Schema& schema, std::string_view name) {
  for (std::size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name == name) return FieldRef{i, schema[i].type, schema[i].nullable};
  }
  std::string known;
  for (const graphs::Field& f : schema) known += (known.empty() ? "" : ", ") + f.name;
  return graphs::Error{"unknown field '" + std::string(name) + "' (the schema has: " + known + ")"};
}

graphs::Result<FieldRef> resolve_field(const graphs::Schema& schema, std::string_view name,
                                       graphs::FieldType expected) {
  auto ref = resolve_field(schema, name);
  if (!ref) return ref;
  if (ref->type != expected) {
    return graphs::Error{"field '" + std::string(name) + "' is " + type_name(ref->type) +
                         ", expected " + type_name(expected)};
  }
  return ref;
}

graphs::Result<std::vector<std::size_t>> resolve_fields(const graphs::Schema& schema,
                                                        const std::vector<std::string>& names) {
  std::vector<std::size_t> out;
  out.reserve(names.size());
  for (const std::string& n : names) {
    auto ref = resolve_field(schema, n);
    if (!ref) return ref.error();
    out.push_back(ref->index);
  }
  return out;
}

}  // namespace rivulet::runtime
