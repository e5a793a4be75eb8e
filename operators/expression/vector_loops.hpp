#pragma once
// Loop skeletons shared by kernels: the constant/vector combinations of two inputs get their own
// loop each, so the common "column op literal" case is a tight loop the compiler vectorises
// instead of a per-row branch on constness.

#include <cstddef>

#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {

// out[i] = op(a[i], b[i]) over shape.rows(), honouring constant inputs.
template <class A, class B, class Out, class Op>
void binary_loop(const A* a, bool a_const, const B* b, bool b_const, Out* out, std::size_t m,
                 Op op) {
  if (!a_const && !b_const) {
    for (std::size_t i = 0; i < m; ++i) out[i] = op(a[i], b[i]);
  } else if (a_const && !b_const) {
    const A x = a[0];
    for (std::size_t i = 0; i < m; ++i) out[i] = op(x, b[i]);
  } else if (!a_const && b_const) {
    const B y = b[0];
    for (std::size_t i = 0; i < m; ++i) out[i] = op(a[i], y);
  } else if (m > 0) {
    out[0] = op(a[0], b[0]);
  }
}

template <class A, class Out, class Op>
void unary_loop(const A* a, Out* out, std::size_t m, Op op) {
  for (std::size_t i = 0; i < m; ++i) out[i] = op(a[i]);
}

}  // namespace rivulet::operators::expression
