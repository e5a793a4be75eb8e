#include "operators/expression/choice.hpp"

namespace rivulet::operators::expression {

View gather_choice(FieldType type, const Shape& shape, const std::vector<View>& sources,
                   const std::vector<std::int32_t>& choice, Buffer& buffer) {
  const std::size_t m = shape.rows();
  buffer.prepare(type, m, true);
  bool any_null = false;
  for (std::size_t i = 0; i < m; ++i) {
    const std::int32_t c = choice[i];
    const bool null = c == kChooseNull || sources[c].is_null(i);
    buffer.nulls[i] = null ? 1 : 0;
    any_null = any_null || null;
    if (type == FieldType::String) {
      buffer.append_string(null ? std::string_view{} : sources[c].string_at(i));
      continue;
    }
    if (null) continue;
    const View& s = sources[c];
    switch (type) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        buffer.ints[i] = s.ints[s.at(i)];
        break;
      case FieldType::Float64:
        buffer.floats[i] = s.floats[s.at(i)];
        break;
      case FieldType::Bool:
        buffer.bools[i] = s.bools[s.at(i)];
        break;
      case FieldType::String:
        break;
    }
  }
  return buffer.view(type, shape.size, shape.constant, any_null);
}

}  // namespace rivulet::operators::expression
