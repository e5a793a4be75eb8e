#include "operators/expression/evaluator.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {
namespace {

// Copies a kernel's view into the caller's Vector (constants broadcast to every row).
void materialize(const View& v, Vector& out) {
  const std::size_t n = v.size;
  out.type = v.type;
  out.size = n;
  out.ints.clear();
  out.floats.clear();
  out.bools.clear();
  out.offsets.clear();
  out.arena.clear();
  switch (v.type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      if (v.constant) {
        out.ints.assign(n, v.ints[0]);
      } else {
        out.ints.assign(v.ints, v.ints + n);
      }
      break;
    case FieldType::Float64:
      if (v.constant) {
        out.floats.assign(n, v.floats[0]);
      } else {
        out.floats.assign(v.floats, v.floats + n);
      }
      break;
    case FieldType::Bool:
      if (v.constant) {
        out.bools.assign(n, v.bools[0]);
      } else {
        out.bools.assign(v.bools, v.bools + n);
      }
      break;
    case FieldType::String:
      out.offsets.reserve(n + 1);
      out.offsets.push_back(0);
      if (v.constant) {
        const std::string_view s = v.string_at(0);
        out.arena.reserve(s.size() * n);
        for (std::size_t i = 0; i < n; ++i) {
          out.arena.insert(out.arena.end(), s.begin(), s.end());
          out.offsets.push_back(static_cast<std::uint32_t>(out.arena.size()));
        }
      } else {
        // Views may start mid-arena (a batch column is rebased to 0 here).
        const std::uint32_t base = v.offsets[0];
        out.arena.assign(v.arena + base, v.arena + v.offsets[n]);
        for (std::size_t i = 1; i <= n; ++i) out.offsets.push_back(v.offsets[i] - base);
      }
      break;
  }
  if (v.nulls == nullptr) {
    out.nulls.clear();
  } else if (v.constant) {
    out.nulls.assign(n, v.nulls[0]);
  } else {
    out.nulls.assign(v.nulls, v.nulls + n);
  }
  // Values under NULL are unspecified in kernels; zero them so the Vector is deterministic.
  if (!out.nulls.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!out.nulls[i]) continue;
      switch (v.type) {
        case FieldType::Int64:
        case FieldType::Timestamp:
          out.ints[i] = 0;
          break;
        case FieldType::Float64:
          out.floats[i] = 0;
          break;
        case FieldType::Bool:
          out.bools[i] = 0;
          break;
        case FieldType::String:
          break;  // gather_choice and the others already write '' under NULL
      }
    }
    if (std::none_of(out.nulls.begin(), out.nulls.end(), [](std::uint8_t b) { return b != 0; })) {
      out.nulls.clear();
    }
  }
}

class CompiledEvaluator final : public Evaluator {
 public:
  explicit CompiledEvaluator(KernelPtr root) : root_(std::move(root)) {}

  graphs::FieldType result_type() const override { return root_->type(); }

  void evaluate(const runtime::RecordBatch& batch, Vector& out) const override {
    materialize(root_->evaluate(batch), out);
  }

  void select(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& rows) const override {
    if (root_->type() != FieldType::Bool) {
      rows.clear();  // only a bare NULL predicate is not bool: it selects nothing
      return;
    }
    root_->select(batch, rows);
  }

 private:
  // Kernels keep per-batch scratch buffers, so evaluation mutates them: an Evaluator belongs to
  // one operator instance, which the runtime calls from one thread at a time.
  KernelPtr root_;
};

}  // namespace

graphs::Result<std::unique_ptr<Evaluator>> Evaluator::compile(
    std::shared_ptr<const graphs::expr::Node> tree) {
  if (!tree) return graphs::Error{"no expression to compile"};
  try {
    return std::unique_ptr<Evaluator>(std::make_unique<CompiledEvaluator>(compile_node(*tree)));
  } catch (const std::exception& e) {
    return graphs::Error{std::string("cannot compile expression: ") + e.what()};
  }
}

}  // namespace rivulet::operators::expression
