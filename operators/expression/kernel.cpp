#include "operators/expression/kernel.hpp"

#include <algorithm>
#include <cstring>

namespace rivulet::operators::expression {

void Buffer::prepare(FieldType type, std::size_t rows, bool nullable) {
  switch (type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      ints.resize(rows);
      break;
    case FieldType::Float64:
      floats.resize(rows);
      break;
    case FieldType::Bool:
      bools.resize(rows);
      break;
    case FieldType::String:
      begin_strings(rows);
      break;
  }
  if (nullable) nulls.assign(rows, 0);
}

View Buffer::view(FieldType type, std::size_t size, bool constant, bool nullable) const {
  View v;
  v.type = type;
  v.size = size;
  v.constant = constant;
  v.ints = ints.data();
  v.floats = floats.data();
  v.bools = bools.data();
  v.offsets = offsets.data();
  v.arena = arena.data();
  v.nulls = nullable ? nulls.data() : nullptr;
  return v;
}

void Buffer::begin_strings(std::size_t rows) {
  offsets.clear();
  offsets.reserve(rows + 1);
  offsets.push_back(0);
  arena.clear();
}

void Buffer::append_string(std::string_view text) {
  arena.insert(arena.end(), text.begin(), text.end());
  offsets.push_back(static_cast<std::uint32_t>(arena.size()));
}

void Kernel::select(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows) {
  const View v = evaluate(batch);
  const std::size_t n = batch.num_rows();
  rows.resize(n);
  if (v.constant) {
    const bool pass = !v.is_null(0) && v.bools[0] != 0;
    if (!pass) {
      rows.clear();
    } else {
      for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<std::uint32_t>(i);
    }
    return;
  }
  // Branch-free compaction: always write, advance only on TRUE.
  std::size_t k = 0;
  if (v.nulls == nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      rows[k] = static_cast<std::uint32_t>(i);
      k += v.bools[i] != 0;
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      rows[k] = static_cast<std::uint32_t>(i);
      k += (v.bools[i] != 0) & (v.nulls[i] == 0);
    }
  }
  rows.resize(k);
}

void Kernel::refine(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows) {
  if (rows.empty()) return;
  const View v = evaluate(batch);
  std::size_t k = 0;
  for (std::uint32_t r : rows) {
    rows[k] = r;
    k += !v.is_null(r) && v.bools[v.at(r)] != 0;
  }
  rows.resize(k);
}

Shape shape_of(std::size_t batch_rows, std::initializer_list<const View*> inputs) {
  Shape s{batch_rows, true};
  for (const View* v : inputs) s.constant = s.constant && v->constant;
  return s;
}

Shape shape_of(std::size_t batch_rows, const std::vector<View>& inputs) {
  Shape s{batch_rows, true};
  for (const View& v : inputs) s.constant = s.constant && v.constant;
  return s;
}

namespace {

template <class Range, class Get>
bool union_nulls_impl(const Shape& shape, const Range& inputs, Get get,
                      std::vector<std::uint8_t>& out) {
  bool any = false;
  for (const auto& item : inputs) any = any || get(item).nulls != nullptr;
  if (!any) return false;
  const std::size_t m = shape.rows();
  out.assign(m, 0);
  for (const auto& item : inputs) {
    const View& v = get(item);
    if (v.nulls == nullptr) continue;
    if (v.constant) {
      if (v.nulls[0]) std::fill(out.begin(), out.end(), 1);
    } else {
      for (std::size_t i = 0; i < m; ++i) out[i] |= v.nulls[i];
    }
  }
  return true;
}

}  // namespace

bool union_nulls(const Shape& shape, std::initializer_list<const View*> inputs,
                 std::vector<std::uint8_t>& out) {
  return union_nulls_impl(
      shape, inputs, [](const View* v) -> const View& { return *v; }, out);
}

bool union_nulls(const Shape& shape, const std::vector<View>& inputs,
                 std::vector<std::uint8_t>& out) {
  return union_nulls_impl(
      shape, inputs, [](const View& v) -> const View& { return v; }, out);
}

int compare_values(const View& a, std::size_t row_a, const View& b, std::size_t row_b) {
  const std::size_t i = a.at(row_a);
  const std::size_t j = b.at(row_b);
  switch (a.type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      return (a.ints[i] > b.ints[j]) - (a.ints[i] < b.ints[j]);
    case FieldType::Float64:
      return (a.floats[i] > b.floats[j]) - (a.floats[i] < b.floats[j]);
    case FieldType::Bool:
      return (a.bools[i] > b.bools[j]) - (a.bools[i] < b.bools[j]);
    case FieldType::String: {
      const int c = a.string_at(row_a).compare(b.string_at(row_b));
      return (c > 0) - (c < 0);
    }
  }
  return 0;
}

}  // namespace rivulet::operators::expression
