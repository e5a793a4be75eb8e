// [NOT] LIKE: a literal pattern is compiled once (like_pattern.hpp); otherwise each row's
// pattern is matched as is. NULL text or pattern gives NULL.
#include <optional>
#include <string>

#include "operators/expression/kernel.hpp"
#include "operators/expression/like_pattern.hpp"

namespace rivulet::operators::expression {
namespace {

class LikeKernel final : public Kernel {
 public:
  LikeKernel(KernelPtr text, KernelPtr pattern, bool negated)
      : Kernel(FieldType::Bool),
        text_(std::move(text)),
        pattern_(std::move(pattern)),
        negated_(negated) {
    if (const Scalar* lit = pattern_->literal(); lit && !lit->is_null()) {
      compiled_.emplace(std::get<std::string>(lit->value));
    }
  }

  View evaluate(const runtime::RecordBatch& batch) override {
    const View t = text_->evaluate(batch);
    const View p = pattern_->evaluate(batch);
    const Shape shape = shape_of(batch.num_rows(), {&t, &p});
    const std::size_t m = shape.rows();
    const bool nullable = union_nulls(shape, {&t, &p}, buffer_.nulls);
    buffer_.prepare(FieldType::Bool, m, false);
    std::uint8_t* out = buffer_.bools.data();
    if (compiled_) {
      for (std::size_t i = 0; i < m; ++i) out[i] = compiled_->matches(t.string_at(i)) != negated_;
    } else {
      for (std::size_t i = 0; i < m; ++i) {
        out[i] = like_match(t.string_at(i), p.string_at(i)) != negated_;
      }
    }
    return buffer_.view(FieldType::Bool, shape.size, shape.constant, nullable);
  }

 private:
  KernelPtr text_;
  KernelPtr pattern_;
  bool negated_;
  std::optional<LikePattern> compiled_;
  Buffer buffer_;
};

}  // namespace

KernelPtr make_like(NodeRef node) {
  return std::make_unique<LikeKernel>(compile_node(node.child(0)), compile_node(node.child(1)),
                                      node.negated);
}

}  // namespace rivulet::operators::expression
