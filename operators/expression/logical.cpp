// AND / OR with SQL three-valued logic:
//   FALSE AND x = FALSE, TRUE AND TRUE = TRUE, otherwise NULL;
//   TRUE OR x = TRUE,   FALSE OR FALSE = FALSE, otherwise NULL.
// As filter predicates they work on selection vectors: AND narrows the left side's selection
// with the right side (which then only looks at surviving rows), OR merges two selections. Only
// TRUE selects a row, which is exactly what both identities preserve.
#include <algorithm>
#include <iterator>

#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {
namespace {

using graphs::expr::BinaryOp;

class LogicalKernel final : public Kernel {
 public:
  LogicalKernel(bool is_and, KernelPtr left, KernelPtr right)
      : Kernel(FieldType::Bool), and_(is_and), left_(std::move(left)), right_(std::move(right)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = left_->evaluate(batch);
    const View b = right_->evaluate(batch);
    const Shape shape = shape_of(batch.num_rows(), {&a, &b});
    const std::size_t m = shape.rows();
    buffer_.prepare(FieldType::Bool, m, false);
    std::uint8_t* out = buffer_.bools.data();
    if (!a.has_nulls() && !b.has_nulls()) {
      // Two-valued: a plain byte-wise and/or.
      for (std::size_t i = 0; i < m; ++i) {
        const std::uint8_t x = a.bools[a.at(i)];
        const std::uint8_t y = b.bools[b.at(i)];
        out[i] = and_ ? (x & y) : (x | y);
      }
      return buffer_.view(FieldType::Bool, shape.size, shape.constant, false);
    }
    buffer_.nulls.resize(m);
    bool any_null = false;
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint8_t an = a.is_null(i);
      const std::uint8_t bn = b.is_null(i);
      const std::uint8_t x = a.bools[a.at(i)] & !an;  // TRUE and known
      const std::uint8_t y = b.bools[b.at(i)] & !bn;
      std::uint8_t value;
      std::uint8_t null;
      if (and_) {
        const std::uint8_t a_false = !an & !x;
        const std::uint8_t b_false = !bn & !y;
        value = x & y;
        null = static_cast<std::uint8_t>((a_false | b_false) == 0) & (an | bn);
      } else {
        value = x | y;
        null = static_cast<std::uint8_t>(value == 0) & (an | bn);
      }
      out[i] = value;
      buffer_.nulls[i] = null;
      any_null = any_null || null;
    }
    return buffer_.view(FieldType::Bool, shape.size, shape.constant, any_null);
  }

  void select(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows) override {
    left_->select(batch, rows);
    if (and_) {
      right_->refine(batch, rows);
      return;
    }
    if (rows.size() == batch.num_rows()) return;  // every row already TRUE
    right_->select(batch, other_);
    merge(rows);
  }

  void refine(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows) override {
    if (and_) {
      left_->refine(batch, rows);
      right_->refine(batch, rows);
      return;
    }
    other_ = rows;
    left_->refine(batch, rows);
    right_->refine(batch, other_);
    merge(rows);
  }

 private:
  // rows = rows ∪ other_, both ascending.
  void merge(std::vector<std::uint32_t>& rows) {
    merged_.clear();
    std::set_union(rows.begin(), rows.end(), other_.begin(), other_.end(),
                   std::back_inserter(merged_));
    rows.swap(merged_);
  }

  bool and_;
  KernelPtr left_;
  KernelPtr right_;
  Buffer buffer_;
  std::vector<std::uint32_t> other_;
  std::vector<std::uint32_t> merged_;
};

}  // namespace

KernelPtr make_logical(NodeRef node) {
  return std::make_unique<LogicalKernel>(node.binary_op == BinaryOp::And,
                                         compile_node(node.child(0)), compile_node(node.child(1)));
}

}  // namespace rivulet::operators::expression
