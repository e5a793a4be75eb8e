#pragma once
// Field references are resolved against a schema once (plan/open time) and then used as column
// indices on every batch: no per-record lookup by name.

#include <cstddef>
#include <string_view>
#include <vector>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"

namespace rivulet::runtime {

struct FieldRef {
  std::size_t index = 0;
  graphs::FieldType type = graphs::FieldType::Int64;
  bool nullable = false;
};

graphs::Result<FieldRef> resolve_field(const graphs::Schema& schema, std::string_view name);
// As above, and fails with a readable message when the field does not have `expected` type.
graphs::Result<FieldRef> resolve_field(const graphs::Schema& schema, std::string_view name,
                                       graphs::FieldType expected);
graphs::Result<std::vector<std::size_t>> resolve_fields(const graphs::Schema& schema,
                                                        const std::vector<std::string>& names);

}  // namespace rivulet::runtime
