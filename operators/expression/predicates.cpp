// IS [NOT] NULL, [NOT] IN (...), [NOT] BETWEEN ... AND ... — SQL semantics:
//   x IN (a, b)   is x = a OR x = b with three-valued logic: TRUE on a match, else NULL if x or
//                 any item is NULL, else FALSE; NOT IN negates that (NULL stays NULL).
//   x BETWEEN a AND b  is x >= a AND x <= b (three-valued), so 5 BETWEEN 6 AND NULL is FALSE.
#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {
namespace {

class IsNullKernel final : public Kernel {
 public:
  IsNullKernel(KernelPtr operand, bool negated)
      : Kernel(FieldType::Bool), operand_(std::move(operand)), negated_(negated) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = operand_->evaluate(batch);
    const std::size_t m = a.rows();
    buffer_.prepare(FieldType::Bool, m, false);
    const std::uint8_t yes = negated_ ? 0 : 1;
    for (std::size_t i = 0; i < m; ++i) {
      buffer_.bools[i] = a.is_null(i) ? yes : static_cast<std::uint8_t>(yes ^ 1u);
    }
    return buffer_.view(FieldType::Bool, a.size, a.constant, false);
  }

 private:
  KernelPtr operand_;
  bool negated_;
  Buffer buffer_;
};

bool equal_at(const View& a, std::size_t i, const View& b, std::size_t j) {
  switch (a.type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      return a.ints[a.at(i)] == b.ints[b.at(j)];
    case FieldType::Float64:
      return a.floats[a.at(i)] == b.floats[b.at(j)];
    case FieldType::Bool:
      return a.bools[a.at(i)] == b.bools[b.at(j)];
    case FieldType::String:
      return a.string_at(i) == b.string_at(j);
  }
  return false;
}

// a <= b with IEEE semantics for floats (NaN is never <=), so BETWEEN matches >= and <=.
bool less_equal_at(const View& a, std::size_t i, const View& b, std::size_t j) {
  switch (a.type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      return a.ints[a.at(i)] <= b.ints[b.at(j)];
    case FieldType::Float64:
      return a.floats[a.at(i)] <= b.floats[b.at(j)];
    case FieldType::Bool:
      return a.bools[a.at(i)] <= b.bools[b.at(j)];
    case FieldType::String:
      return a.string_at(i) <= b.string_at(j);
  }
  return false;
}

class InKernel final : public Kernel {
 public:
  InKernel(std::vector<KernelPtr> children, bool negated)
      : Kernel(FieldType::Bool), children_(std::move(children)), negated_(negated) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    views_.clear();
    for (auto& child : children_) views_.push_back(child->evaluate(batch));
    const Shape shape = shape_of(batch.num_rows(), views_);
    const std::size_t m = shape.rows();
    buffer_.prepare(FieldType::Bool, m, true);
    bool any_null = false;
    const View& x = views_[0];
    for (std::size_t i = 0; i < m; ++i) {
      std::uint8_t null = x.is_null(i);
      bool match = false;
      if (!null) {
        for (std::size_t k = 1; k < views_.size() && !match; ++k) {
          const View& item = views_[k];
          if (item.is_null(i)) {
            null = 1;
          } else {
            match = equal_at(x, i, item, i);
          }
        }
        if (match) null = 0;
      }
      buffer_.bools[i] = static_cast<std::uint8_t>(match != negated_) & !null;
      buffer_.nulls[i] = null;
      any_null = any_null || null;
    }
    return buffer_.view(FieldType::Bool, shape.size, shape.constant, any_null);
  }

 private:
  std::vector<KernelPtr> children_;
  bool negated_;
  std::vector<View> views_;
  Buffer buffer_;
};

class BetweenKernel final : public Kernel {
 public:
  BetweenKernel(KernelPtr operand, KernelPtr low, KernelPtr high, bool negated)
      : Kernel(FieldType::Bool),
        operand_(std::move(operand)),
        low_(std::move(low)),
        high_(std::move(high)),
        negated_(negated) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View x = operand_->evaluate(batch);
    const View lo = low_->evaluate(batch);
    const View hi = high_->evaluate(batch);
    const Shape shape = shape_of(batch.num_rows(), {&x, &lo, &hi});
    const std::size_t m = shape.rows();
    buffer_.prepare(FieldType::Bool, m, true);
    bool any_null = false;
    for (std::size_t i = 0; i < m; ++i) {
      const bool xn = x.is_null(i);
      // Each comparison: 0 false, 1 true, 2 unknown.
      const int ge = (xn || lo.is_null(i)) ? 2 : (less_equal_at(lo, i, x, i) ? 1 : 0);
      const int le = (xn || hi.is_null(i)) ? 2 : (less_equal_at(x, i, hi, i) ? 1 : 0);
      const int both = (ge == 0 || le == 0) ? 0 : (ge == 2 || le == 2) ? 2 : 1;
      const bool null = both == 2;
      buffer_.nulls[i] = null;
      buffer_.bools[i] = !null && ((both == 1) != negated_);
      any_null = any_null || null;
    }
    return buffer_.view(FieldType::Bool, shape.size, shape.constant, any_null);
  }

 private:
  KernelPtr operand_;
  KernelPtr low_;
  KernelPtr high_;
  bool negated_;
  Buffer buffer_;
};

}  // namespace

KernelPtr make_is_null(NodeRef node) {
  return std::make_unique<IsNullKernel>(compile_node(node.child(0)), node.negated);
}

KernelPtr make_in(NodeRef node) {
  std::vector<KernelPtr> children;
  for (const auto& child : node.children) children.push_back(compile_node(*child));
  return std::make_unique<InKernel>(std::move(children), node.negated);
}

KernelPtr make_between(NodeRef node) {
  return std::make_unique<BetweenKernel>(compile_node(node.child(0)), compile_node(node.child(1)),
                                         compile_node(node.child(2)), node.negated);
}

}  // namespace rivulet::operators::expression
