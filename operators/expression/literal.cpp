// Literals (and constant subtrees folded at compile time): one value, viewed as constant, so
// `amount > 100` never materialises a column of 100s.
#include <string>

#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {
namespace {

class LiteralKernel final : public Kernel {
 public:
  explicit LiteralKernel(Scalar value) : Kernel(value.type), value_(std::move(value)) {
    buffer_.prepare(type(), 1, true);
    const auto& v = value_.value;
    buffer_.nulls[0] = value_.is_null() ? 1 : 0;
    switch (type()) {
      case FieldType::Int64:
      case FieldType::Timestamp:
        if (auto* i = std::get_if<std::int64_t>(&v)) buffer_.ints[0] = *i;
        if (auto* d = std::get_if<double>(&v)) buffer_.ints[0] = static_cast<std::int64_t>(*d);
        break;
      case FieldType::Float64:
        if (auto* d = std::get_if<double>(&v)) buffer_.floats[0] = *d;
        if (auto* i = std::get_if<std::int64_t>(&v)) buffer_.floats[0] = static_cast<double>(*i);
        break;
      case FieldType::Bool:
        if (auto* b = std::get_if<bool>(&v)) buffer_.bools[0] = *b ? 1 : 0;
        break;
      case FieldType::String:
        buffer_.begin_strings(1);
        if (auto* s = std::get_if<std::string>(&v)) {
          buffer_.append_string(*s);
        } else {
          buffer_.append_string({});
        }
        break;
    }
  }

  View evaluate(const runtime::RecordBatch& batch) override {
    return buffer_.view(type(), batch.num_rows(), true, value_.is_null());
  }
  const Scalar* literal() const override { return &value_; }

 private:
  Scalar value_;
  Buffer buffer_;
};

}  // namespace

KernelPtr make_literal(Scalar value) { return std::make_unique<LiteralKernel>(std::move(value)); }

}  // namespace rivulet::operators::expression
