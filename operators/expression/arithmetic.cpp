// Unary minus, NOT, and the binary arithmetic operators (+ - * / % ||).
//
// Integer semantics: overflow wraps (two's complement, no UB); integer division and modulo by
// zero give NULL (SQL engines raise an error, but a streaming job must not die on one record);
// INT64_MIN / -1 wraps to INT64_MIN and INT64_MIN % -1 is 0. Float arithmetic is IEEE 754
// (x / 0.0 is ±inf or NaN, % is fmod). Timestamps are int64 milliseconds, so timestamp ± int64
// and timestamp - timestamp are integer arithmetic.
#include <cmath>
#include <cstdint>

#include "operators/expression/kernel.hpp"
#include "operators/expression/vector_loops.hpp"

namespace rivulet::operators::expression {
namespace {

using graphs::expr::BinaryOp;
using graphs::expr::UnaryOp;

std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
std::int64_t wrap_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}
std::int64_t wrap_mul(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}

class NegateKernel final : public Kernel {
 public:
  explicit NegateKernel(KernelPtr operand)
      : Kernel(operand->type()), operand_(std::move(operand)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = operand_->evaluate(batch);
    const std::size_t m = a.rows();
    buffer_.prepare(type(), m, false);
    if (type() == FieldType::Float64) {
      unary_loop(a.floats, buffer_.floats.data(), m, [](double x) { return -x; });
    } else {
      unary_loop(a.ints, buffer_.ints.data(), m, [](std::int64_t x) { return wrap_sub(0, x); });
    }
    View out = buffer_.view(type(), a.size, a.constant, false);
    out.nulls = a.nulls;  // NULL stays NULL; the operand's null bytes outlive this call
    return out;
  }

 private:
  KernelPtr operand_;
  Buffer buffer_;
};

// NOT with three-valued logic: NOT NULL is NULL, so the nulls pass through.
class NotKernel final : public Kernel {
 public:
  explicit NotKernel(KernelPtr operand) : Kernel(FieldType::Bool), operand_(std::move(operand)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = operand_->evaluate(batch);
    const std::size_t m = a.rows();
    buffer_.prepare(FieldType::Bool, m, false);
    unary_loop(a.bools, buffer_.bools.data(), m,
               [](std::uint8_t x) { return static_cast<std::uint8_t>(x ^ 1u); });
    View out = buffer_.view(type(), a.size, a.constant, false);
    out.nulls = a.nulls;
    return out;
  }

 private:
  KernelPtr operand_;
  Buffer buffer_;
};

class IntArithmeticKernel final : public Kernel {
 public:
  IntArithmeticKernel(FieldType type, BinaryOp op, KernelPtr left, KernelPtr right)
      : Kernel(type), op_(op), left_(std::move(left)), right_(std::move(right)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = left_->evaluate(batch);
    const View b = right_->evaluate(batch);
    const Shape shape = shape_of(batch.num_rows(), {&a, &b});
    const std::size_t m = shape.rows();
    bool nullable = union_nulls(shape, {&a, &b}, buffer_.nulls);
    buffer_.prepare(type(), m, false);
    std::int64_t* out = buffer_.ints.data();
    switch (op_) {
      case BinaryOp::Add:
        binary_loop(a.ints, a.constant, b.ints, b.constant, out, m, wrap_add);
        break;
      case BinaryOp::Subtract:
        binary_loop(a.ints, a.constant, b.ints, b.constant, out, m, wrap_sub);
        break;
      case BinaryOp::Multiply:
        binary_loop(a.ints, a.constant, b.ints, b.constant, out, m, wrap_mul);
        break;
      case BinaryOp::Divide:
      case BinaryOp::Modulo:
        nullable = divide(a, b, shape, nullable) || nullable;
        break;
      default:
        break;
    }
    return buffer_.view(type(), shape.size, shape.constant, nullable);
  }

 private:
  // Returns true when some divisor was zero (those rows become NULL).
  bool divide(const View& a, const View& b, const Shape& shape, bool has_nulls) {
    const std::size_t m = shape.rows();
    std::int64_t* out = buffer_.ints.data();
    const bool modulo = op_ == BinaryOp::Modulo;
    // Guarded divisor keeps the loop free of traps; -1 is special-cased (INT64_MIN / -1 traps).
    binary_loop(a.ints, a.constant, b.ints, b.constant, out, m,
                [modulo](std::int64_t x, std::int64_t y) -> std::int64_t {
                  if (y == -1) return modulo ? 0 : wrap_sub(0, x);
                  const std::int64_t d = y == 0 ? 1 : y;
                  return modulo ? x % d : x / d;
                });
    bool zero = false;
    const std::size_t bm = b.rows();
    for (std::size_t i = 0; i < bm && !zero; ++i) zero = b.ints[i] == 0;
    if (!zero) return false;
    if (!has_nulls) buffer_.nulls.assign(m, 0);
    for (std::size_t i = 0; i < m; ++i) {
      if (b.ints[b.constant ? 0 : i] == 0) {
        buffer_.nulls[i] = 1;
        out[i] = 0;
      }
    }
    return true;
  }

  BinaryOp op_;
  KernelPtr left_;
  KernelPtr right_;
  Buffer buffer_;
};

class FloatArithmeticKernel final : public Kernel {
 public:
  FloatArithmeticKernel(BinaryOp op, KernelPtr left, KernelPtr right)
      : Kernel(FieldType::Float64), op_(op), left_(std::move(left)), right_(std::move(right)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = left_->evaluate(batch);
    const View b = right_->evaluate(batch);
    const Shape shape = shape_of(batch.num_rows(), {&a, &b});
    const std::size_t m = shape.rows();
    const bool nullable = union_nulls(shape, {&a, &b}, buffer_.nulls);
    buffer_.prepare(type(), m, false);
    double* out = buffer_.floats.data();
    switch (op_) {
      case BinaryOp::Add:
        binary_loop(a.floats, a.constant, b.floats, b.constant, out, m,
                    [](double x, double y) { return x + y; });
        break;
      case BinaryOp::Subtract:
        binary_loop(a.floats, a.constant, b.floats, b.constant, out, m,
                    [](double x, double y) { return x - y; });
        break;
      case BinaryOp::Multiply:
        binary_loop(a.floats, a.constant, b.floats, b.constant, out, m,
                    [](double x, double y) { return x * y; });
        break;
      case BinaryOp::Divide:
        binary_loop(a.floats, a.constant, b.floats, b.constant, out, m,
                    [](double x, double y) { return x / y; });
        break;
      case BinaryOp::Modulo:
        binary_loop(a.floats, a.constant, b.floats, b.constant, out, m,
                    [](double x, double y) { return std::fmod(x, y); });
        break;
      default:
        break;
    }
    return buffer_.view(type(), shape.size, shape.constant, nullable);
  }

 private:
  BinaryOp op_;
  KernelPtr left_;
  KernelPtr right_;
  Buffer buffer_;
};

// a || b: NULL if either side is.
class ConcatKernel final : public Kernel {
 public:
  ConcatKernel(KernelPtr left, KernelPtr right)
      : Kernel(FieldType::String), left_(std::move(left)), right_(std::move(right)) {}

  View evaluate(const runtime::RecordBatch& batch) override {
    const View a = left_->evaluate(batch);
    const View b = right_->evaluate(batch);
    const Shape shape = shape_of(batch.num_rows(), {&a, &b});
    const std::size_t m = shape.rows();
    const bool nullable = union_nulls(shape, {&a, &b}, buffer_.nulls);
    buffer_.begin_strings(m);
    for (std::size_t i = 0; i < m; ++i) {
      if (nullable && buffer_.nulls[i]) {
        buffer_.append_string({});
        continue;
      }
      const std::string_view x = a.string_at(i);
      const std::string_view y = b.string_at(i);
      buffer_.arena.insert(buffer_.arena.end(), x.begin(), x.end());
      buffer_.append_string(y);
    }
    return buffer_.view(type(), shape.size, shape.constant, nullable);
  }

 private:
  KernelPtr left_;
  KernelPtr right_;
  Buffer buffer_;
};

}  // namespace

KernelPtr make_unary(NodeRef node) {
  KernelPtr operand = compile_node(node.child(0));
  if (node.unary_op == UnaryOp::Not) return std::make_unique<NotKernel>(std::move(operand));
  return std::make_unique<NegateKernel>(std::move(operand));
}

KernelPtr make_arithmetic(NodeRef node) {
  KernelPtr left = compile_node(node.child(0));
  KernelPtr right = compile_node(node.child(1));
  if (node.binary_op == BinaryOp::Concat) {
    return std::make_unique<ConcatKernel>(std::move(left), std::move(right));
  }
  if (node.type.type == FieldType::Float64) {
    return std::make_unique<FloatArithmeticKernel>(node.binary_op, std::move(left),
                                                   std::move(right));
  }
  return std::make_unique<IntArithmeticKernel>(node.type.type, node.binary_op, std::move(left),
                                               std::move(right));
}

}  // namespace rivulet::operators::expression
