#pragma once
// The compiled form of an expression: a tree of typed vector kernels. Each kernel evaluates one
// node for a whole batch (one virtual call per node per batch) and hands its parent a borrowed
// View of the result, so field references read the batch's columns in place and literals stay
// one value ("constant") instead of being broadcast into a column.
//
// Internal to operators/expression: operators use Evaluator (evaluator.hpp).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "graphs/expr/ast.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::expression {

using graphs::FieldType;

// A kernel's result for one batch, borrowed from the kernel or the batch: valid until the
// kernel evaluates again. A constant view holds one value (index 0) that stands for every row;
// its arrays have length 1 whatever `size` is.
struct View {
  FieldType type = FieldType::Int64;
  std::size_t size = 0;
  bool constant = false;
  const std::int64_t* ints = nullptr;
  const double* floats = nullptr;
  const std::uint8_t* bools = nullptr;
  const std::uint32_t* offsets = nullptr;
  const char* arena = nullptr;
  const std::uint8_t* nulls = nullptr;  // null: no NULLs; else one byte per row, 1 = NULL

  std::size_t at(std::size_t row) const { return constant ? 0 : row; }
  bool has_nulls() const { return nulls != nullptr; }
  bool is_null(std::size_t row) const { return nulls != nullptr && nulls[at(row)] != 0; }
  // Rows a kernel computes for this input: 1 when constant.
  std::size_t rows() const { return constant ? 1 : size; }
  std::string_view string_at(std::size_t row) const {
    const std::size_t r = at(row);
    return {arena + offsets[r], offsets[r + 1] - offsets[r]};
  }
};

// Result storage owned by a kernel and reused batch after batch (no allocation once warm).
struct Buffer {
  std::vector<std::int64_t> ints;
  std::vector<double> floats;
  std::vector<std::uint8_t> bools;
  std::vector<std::uint32_t> offsets;
  std::vector<char> arena;
  std::vector<std::uint8_t> nulls;

  // Sizes the value vector of `type` (and nulls when `nullable`) for `rows` results.
  void prepare(FieldType type, std::size_t rows, bool nullable);
  // A view of what was computed; `nullable` false (or no NULL set) drops the null bytes.
  View view(FieldType type, std::size_t size, bool constant, bool nullable) const;

  // Strings are appended row by row: begin_strings, then append_string per row.
  void begin_strings(std::size_t rows);
  void append_string(std::string_view text);
};

// A literal's value (also the result of folding a constant subtree at compile time).
struct Scalar {
  FieldType type = FieldType::Int64;
  graphs::expr::LiteralValue value;  // monostate = NULL
  bool is_null() const { return std::holds_alternative<std::monostate>(value); }
};

class Kernel {
 public:
  explicit Kernel(FieldType type) : type_(type) {}
  virtual ~Kernel() = default;
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  FieldType type() const { return type_; }
  virtual View evaluate(const runtime::RecordBatch& batch) = 0;
  // Bool kernels: the rows where the result is TRUE, ascending. The default evaluates every
  // row; comparisons with a literal and AND/OR override it to work on selection vectors.
  virtual void select(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows);
  // Keeps the rows of `rows` (ascending) where the result is TRUE.
  virtual void refine(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows);
  // A literal kernel's value, so parents can pick literal fast paths.
  virtual const Scalar* literal() const { return nullptr; }

 private:
  FieldType type_;
};

using KernelPtr = std::unique_ptr<Kernel>;
using NodeRef = const graphs::expr::Node&;

// The compiler's recursion (compiler.cpp): every kernel family compiles its children with it.
// Folds constant subtrees into literals. Throws std::invalid_argument for a tree it cannot
// compile (a node kind or function without a kernel); Evaluator::compile turns that into an
// Error.
KernelPtr compile_node(NodeRef node);

// Kernel families, one file each.
KernelPtr make_field(NodeRef node);       // field.cpp
KernelPtr make_literal(Scalar value);     // literal.cpp
KernelPtr make_unary(NodeRef node);       // arithmetic.cpp
KernelPtr make_arithmetic(NodeRef node);  // arithmetic.cpp
KernelPtr make_comparison(NodeRef node);  // comparison.cpp
KernelPtr make_logical(NodeRef node);     // logical.cpp (AND/OR)
KernelPtr make_is_null(NodeRef node);     // predicates.cpp
KernelPtr make_in(NodeRef node);          // predicates.cpp
KernelPtr make_between(NodeRef node);     // predicates.cpp
KernelPtr make_like(NodeRef node);        // like.cpp
KernelPtr make_case(NodeRef node);        // conditional.cpp
KernelPtr make_cast(NodeRef node);        // cast.cpp
// Function calls, by family; each returns null for ids of other families.
KernelPtr make_conditional_call(NodeRef node);  // conditional.cpp: if, coalesce, nullif, ...
KernelPtr make_string_call(NodeRef node, std::vector<KernelPtr> args);  // string_functions.cpp
KernelPtr make_math_call(NodeRef node, std::vector<KernelPtr> args);    // math_functions.cpp
KernelPtr make_time_call(NodeRef node, std::vector<KernelPtr> args);    // time_functions.cpp

// Helpers shared by the kernel files (kernel.cpp).

// Output shape for inputs: one row when every input is constant (the kernel then produces a
// constant), else the batch's rows.
struct Shape {
  std::size_t size = 0;
  bool constant = true;
  std::size_t rows() const { return constant ? 1 : size; }
};
Shape shape_of(std::size_t batch_rows, std::initializer_list<const View*> inputs);
Shape shape_of(std::size_t batch_rows, const std::vector<View>& inputs);

// out[i] = 1 when any input is NULL at i, for i < shape.rows(). Returns false (and leaves `out`
// alone) when no input has NULLs, so callers skip validity work entirely.
bool union_nulls(const Shape& shape, std::initializer_list<const View*> inputs,
                 std::vector<std::uint8_t>& out);
bool union_nulls(const Shape& shape, const std::vector<View>& inputs,
                 std::vector<std::uint8_t>& out);

// Three-way comparison of two rows' values of the same type (NULLs not considered).
int compare_values(const View& a, std::size_t row_a, const View& b, std::size_t row_b);

}  // namespace rivulet::operators::expression
