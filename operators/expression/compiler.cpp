// Tree -> kernels. Constant subtrees (no field, no now()) are evaluated once here and become
// literals, so `amount > CAST('100' AS int64)` or an implicitly promoted `price * 2` take the
// same literal fast paths as a plain literal.
#include <memory>
#include <stdexcept>
#include <string>

#include "graphs/expr/functions.hpp"
#include "operators/expression/kernel.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::expression {
namespace {

using graphs::expr::BinaryOp;
using graphs::expr::FunctionId;
using graphs::expr::NodeKind;

bool is_constant(NodeRef node) {
  if (node.kind == NodeKind::Field) return false;
  if (node.kind == NodeKind::Call && node.function == FunctionId::Now) return false;
  for (const auto& child : node.children) {
    if (!is_constant(*child)) return false;
  }
  return true;
}

const runtime::RecordBatch& empty_batch() {
  static const runtime::BatchPtr batch =
      runtime::BatchBuilder(std::make_shared<const graphs::Schema>()).finish(false);
  return *batch;
}

Scalar scalar_at_zero(const View& v) {
  Scalar s;
  s.type = v.type;
  if (v.is_null(0)) return s;
  switch (v.type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      s.value = v.ints[0];
      break;
    case FieldType::Float64:
      s.value = v.floats[0];
      break;
    case FieldType::Bool:
      s.value = v.bools[0] != 0;
      break;
    case FieldType::String:
      s.value = std::string(v.string_at(0));
      break;
  }
  return s;
}

KernelPtr compile_call(NodeRef node) {
  if (KernelPtr k = make_conditional_call(node)) return k;
  auto args = [&] {
    std::vector<KernelPtr> out;
    for (const auto& child : node.children) out.push_back(compile_node(*child));
    return out;
  };
  if (KernelPtr k = make_string_call(node, args())) return k;
  if (KernelPtr k = make_math_call(node, args())) return k;
  if (KernelPtr k = make_time_call(node, args())) return k;
  throw std::invalid_argument("no evaluator for function " +
                              std::string(graphs::expr::function_name(node.function)));
}

KernelPtr compile_unfolded(NodeRef node) {
  switch (node.kind) {
    case NodeKind::Literal:
      return make_literal(Scalar{node.type.type, node.value});
    case NodeKind::Field:
      return make_field(node);
    case NodeKind::Unary:
      return make_unary(node);
    case NodeKind::Binary:
      switch (node.binary_op) {
        case BinaryOp::And:
        case BinaryOp::Or:
          return make_logical(node);
        case BinaryOp::Equal:
        case BinaryOp::NotEqual:
        case BinaryOp::Less:
        case BinaryOp::LessEqual:
        case BinaryOp::Greater:
        case BinaryOp::GreaterEqual:
          return make_comparison(node);
        default:
          return make_arithmetic(node);
      }
    case NodeKind::Call:
      return compile_call(node);
    case NodeKind::Case:
      return make_case(node);
    case NodeKind::Cast:
      return make_cast(node);
    case NodeKind::IsNull:
      return make_is_null(node);
    case NodeKind::In:
      return make_in(node);
    case NodeKind::Between:
      return make_between(node);
    case NodeKind::Like:
      return make_like(node);
  }
  throw std::invalid_argument("unknown expression node kind");
}

}  // namespace

KernelPtr compile_node(NodeRef node) {
  KernelPtr kernel = compile_unfolded(node);
  if (node.kind == NodeKind::Literal || !is_constant(node)) return kernel;
  Scalar folded = scalar_at_zero(kernel->evaluate(empty_batch()));
  folded.type = node.type.type;
  return make_literal(std::move(folded));
}

}  // namespace rivulet::operators::expression
