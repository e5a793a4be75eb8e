// = <> < <= > >= over int64, timestamp, float64 (IEEE: NaN compares false), bool and string
// (bytewise, i.e. by code point for UTF-8). NULL on either side gives NULL.
//
// Fast path: a field compared with a literal (`amount > 100`, `country <> 'US'`) reads the
// column and its validity bitmap directly, and as a filter predicate writes the selection
// vector without materialising a bool column at all.
#include <string_view>
#include <type_traits>

#include "operators/expression/kernel.hpp"
#include "operators/expression/vector_loops.hpp"

namespace rivulet::operators::expression {
namespace {

using graphs::expr::BinaryOp;
using graphs::expr::NodeKind;

template <BinaryOp Op>
struct Compare {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    if constexpr (Op == BinaryOp::Equal) return a == b;
    if constexpr (Op == BinaryOp::NotEqual) return a != b;
    if constexpr (Op == BinaryOp::Less) return a < b;
    if constexpr (Op == BinaryOp::LessEqual) return a <= b;
    if constexpr (Op == BinaryOp::Greater) return a > b;
    if constexpr (Op == BinaryOp::GreaterEqual) return a >= b;
    return false;
  }
};

// Typed access to a column's values by row: numbers and bools by pointer, strings by offsets.
template <class T>
struct ColumnValues;
template <>
struct ColumnValues<std::int64_t> {
  const std::int64_t* p;
  explicit ColumnValues(const runtime::Column& c) : p(c.int64s().data()) {}
  std::int64_t operator[](std::size_t i) const { return p[i]; }
};
template <>
struct ColumnValues<double> {
  const double* p;
  explicit ColumnValues(const runtime::Column& c) : p(c.float64s().data()) {}
  double operator[](std::size_t i) const { return p[i]; }
};
template <>
struct ColumnValues<std::uint8_t> {
  const std::uint8_t* p;
  explicit ColumnValues(const runtime::Column& c) : p(c.bools().data()) {}
  std::uint8_t operator[](std::size_t i) const { return p[i]; }
};
template <>
struct ColumnValues<std::string_view> {
  const std::uint32_t* off;
  const char* arena;
  explicit ColumnValues(const runtime::Column& c)
      : off(c.string_offsets().data()), arena(c.string_arena().data()) {}
  std::string_view operator[](std::size_t i) const { return {arena + off[i], off[i + 1] - off[i]}; }
};

template <class T>
T scalar_as(const Scalar& s) {
  if constexpr (std::is_same_v<T, std::int64_t>) {
    if (auto* d = std::get_if<double>(&s.value)) return static_cast<std::int64_t>(*d);
    return std::get<std::int64_t>(s.value);
  } else if constexpr (std::is_same_v<T, double>) {
    if (auto* i = std::get_if<std::int64_t>(&s.value)) return static_cast<double>(*i);
    return std::get<double>(s.value);
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return std::get<bool>(s.value) ? 1 : 0;
  } else {
    return std::string_view(std::get<std::string>(s.value));
  }
}

inline bool valid_bit(const std::uint64_t* words, std::size_t row) {
  return ((words[row >> 6] >> (row & 63)) & 1u) != 0;
}

template <class T, BinaryOp Op>
class ColumnLiteralKernel final : public Kernel {
 public:
  ColumnLiteralKernel(std::size_t column, Scalar literal)
      : Kernel(FieldType::Bool), column_(column), literal_(std::move(literal)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const runtime::Column& c = batch.column(column_);
    const std::size_t n = batch.num_rows();
    const ColumnValues<T> values(c);
    const T lit = scalar_as<T>(literal_);
    const Compare<Op> cmp;
    buffer_.prepare(FieldType::Bool, n, false);
    std::uint8_t* out = buffer_.bools.data();
    for (std::size_t i = 0; i < n; ++i) out[i] = cmp(values[i], lit) ? 1 : 0;
    bool nullable = false;
    if (!c.validity().empty()) {
      buffer_.nulls.resize(n);
      const std::uint64_t* words = c.validity().data();
      for (std::size_t i = 0; i < n; ++i) {
        const bool null = !valid_bit(words, i);
        buffer_.nulls[i] = null ? 1 : 0;
        nullable = nullable || null;
      }
    }
    return buffer_.view(FieldType::Bool, n, false, nullable);
  }

  void select(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows) override {
    const runtime::Column& c = batch.column(column_);
    const std::size_t n = batch.num_rows();
    const ColumnValues<T> values(c);
    const T lit = scalar_as<T>(literal_);
    const Compare<Op> cmp;
    rows.resize(n);
    std::uint32_t* out = rows.data();
    std::size_t k = 0;
    if (c.validity().empty()) {
      for (std::size_t i = 0; i < n; ++i) {
        out[k] = static_cast<std::uint32_t>(i);
        k += cmp(values[i], lit);
      }
    } else {
      const std::uint64_t* words = c.validity().data();
      for (std::size_t i = 0; i < n; ++i) {
        out[k] = static_cast<std::uint32_t>(i);
        k += cmp(values[i], lit) & valid_bit(words, i);
      }
    }
    rows.resize(k);
  }

  void refine(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows) override {
    const runtime::Column& c = batch.column(column_);
    const ColumnValues<T> values(c);
    const T lit = scalar_as<T>(literal_);
    const Compare<Op> cmp;
    std::size_t k = 0;
    const std::uint64_t* words = c.validity().empty() ? nullptr : c.validity().data();
    for (std::uint32_t r : rows) {
      rows[k] = r;
      k += cmp(values[r], lit) & (words == nullptr || valid_bit(words, r));
    }
    rows.resize(k);
  }

 private:
  std::size_t column_;
  Scalar literal_;
  Buffer buffer_;
};

// Both sides evaluated: any combination of columns, expressions and constants.
template <class T, BinaryOp Op>
class ComparisonKernel final : public Kernel {
 public:
  ComparisonKernel(KernelPtr left, KernelPtr right)
      : Kernel(FieldType::Bool), left_(std::move(left)), right_(std::move(right)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = left_->evaluate(batch);
    const View b = right_->evaluate(batch);
    const Shape shape = shape_of(batch.num_rows(), {&a, &b});
    const std::size_t m = shape.rows();
    const bool nullable = union_nulls(shape, {&a, &b}, buffer_.nulls);
    buffer_.prepare(FieldType::Bool, m, false);
    std::uint8_t* out = buffer_.bools.data();
    const Compare<Op> cmp;
    auto op = [cmp](auto x, auto y) -> std::uint8_t { return cmp(x, y) ? 1 : 0; };
    if constexpr (std::is_same_v<T, std::int64_t>) {
      binary_loop(a.ints, a.constant, b.ints, b.constant, out, m, op);
    } else if constexpr (std::is_same_v<T, double>) {
      binary_loop(a.floats, a.constant, b.floats, b.constant, out, m, op);
    } else if constexpr (std::is_same_v<T, std::uint8_t>) {
      binary_loop(a.bools, a.constant, b.bools, b.constant, out, m, op);
    } else {
      for (std::size_t i = 0; i < m; ++i) out[i] = op(a.string_at(i), b.string_at(i));
    }
    return buffer_.view(FieldType::Bool, shape.size, shape.constant, nullable);
  }

 private:
  KernelPtr left_;
  KernelPtr right_;
  Buffer buffer_;
};

template <template <class, BinaryOp> class K, class T, class... Args>
KernelPtr for_op(BinaryOp op, Args&&... args) {
  switch (op) {
    case BinaryOp::Equal:
      return std::make_unique<K<T, BinaryOp::Equal>>(std::forward<Args>(args)...);
    case BinaryOp::NotEqual:
      return std::make_unique<K<T, BinaryOp::NotEqual>>(std::forward<Args>(args)...);
    case BinaryOp::Less:
      return std::make_unique<K<T, BinaryOp::Less>>(std::forward<Args>(args)...);
    case BinaryOp::LessEqual:
      return std::make_unique<K<T, BinaryOp::LessEqual>>(std::forward<Args>(args)...);
    case BinaryOp::Greater:
      return std::make_unique<K<T, BinaryOp::Greater>>(std::forward<Args>(args)...);
    case BinaryOp::GreaterEqual:
      return std::make_unique<K<T, BinaryOp::GreaterEqual>>(std::forward<Args>(args)...);
    default:
      return nullptr;
  }
}

template <template <class, BinaryOp> class K, class... Args>
KernelPtr for_type(FieldType type, BinaryOp op, Args&&... args) {
  switch (type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      return for_op<K, std::int64_t>(op, std::forward<Args>(args)...);
    case FieldType::Float64:
      return for_op<K, double>(op, std::forward<Args>(args)...);
    case FieldType::Bool:
      return for_op<K, std::uint8_t>(op, std::forward<Args>(args)...);
    case FieldType::String:
      return for_op<K, std::string_view>(op, std::forward<Args>(args)...);
  }
  return nullptr;
}

// `literal op field` is `field flipped(op) literal`.
BinaryOp flipped(BinaryOp op) {
  switch (op) {
    case BinaryOp::Less:
      return BinaryOp::Greater;
    case BinaryOp::LessEqual:
      return BinaryOp::GreaterEqual;
    case BinaryOp::Greater:
      return BinaryOp::Less;
    case BinaryOp::GreaterEqual:
      return BinaryOp::LessEqual;
    default:
      return op;
  }
}

}  // namespace

KernelPtr make_comparison(NodeRef node) {
  const FieldType operand_type = node.child(0).type.type;
  KernelPtr left = compile_node(node.child(0));
  KernelPtr right = compile_node(node.child(1));
  auto usable = [](const KernelPtr& k) { return k->literal() && !k->literal()->is_null(); };
  if (node.child(0).kind == NodeKind::Field && usable(right)) {
    return for_type<ColumnLiteralKernel>(operand_type, node.binary_op, node.child(0).field_index,
                                         *right->literal());
  }
  if (node.child(1).kind == NodeKind::Field && usable(left)) {
    return for_type<ColumnLiteralKernel>(operand_type, flipped(node.binary_op),
                                         node.child(1).field_index, *left->literal());
  }
  return for_type<ComparisonKernel>(operand_type, node.binary_op, std::move(left),
                                    std::move(right));
}

}  // namespace rivulet::operators::expression
