#pragma once
// A kernel for functions whose work per row dominates (string functions, calendar fields):
// evaluates the arguments, propagates NULLs, and calls `Fn` once per non-NULL row, inlined (a
// template parameter, not a std::function). Fn(args, row, buffer, out_row) writes the result —
// strings by buffer.append_string, exactly once — and returns false to make the row NULL
// (then it must not have appended anything).

#include <utility>
#include <vector>

#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {

template <class Fn>
class RowwiseKernel final : public Kernel {
 public:
  RowwiseKernel(FieldType type, std::vector<KernelPtr> args, Fn fn)
      : Kernel(type), args_(std::move(args)), fn_(std::move(fn)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    views_.clear();
    for (auto& arg : args_) views_.push_back(arg->evaluate(batch));
    const Shape shape = shape_of(batch.num_rows(), views_);
    const std::size_t m = shape.rows();
    const bool input_nulls = union_nulls(shape, views_, nulls_);
    buffer_.prepare(type(), m, true);
    const bool strings = type() == FieldType::String;
    bool any_null = false;
    for (std::size_t i = 0; i < m; ++i) {
      bool ok = !(input_nulls && nulls_[i]);
      if (ok) ok = fn_(views_, i, buffer_, i);
      if (!ok) {
        buffer_.nulls[i] = 1;
        any_null = true;
        if (strings) buffer_.append_string({});
      }
    }
    return buffer_.view(type(), shape.size, shape.constant, any_null);
  }

 private:
  std::vector<KernelPtr> args_;
  Fn fn_;
  std::vector<View> views_;
  std::vector<std::uint8_t> nulls_;
  Buffer buffer_;
};

template <class Fn>
KernelPtr make_rowwise(FieldType type, std::vector<KernelPtr> args, Fn fn) {
  return std::make_unique<RowwiseKernel<Fn>>(type, std::move(args), std::move(fn));
}

}  // namespace rivulet::operators::expression
