// CASE and the functions that pick one of their arguments per row: if, coalesce, nullif, least,
// greatest. All arguments are evaluated for the whole batch (no per-row short circuit: the
// language has no side effects or errors, so evaluating a branch a row does not take is only
// work, and whole-batch loops are cheaper than per-row branching), then gather_choice builds
// the result.
//
// least/greatest return NULL when any argument is NULL (as the checker types them: nullable if
// any argument is); NaN never wins a comparison.
#include "operators/expression/choice.hpp"
#include "operators/expression/kernel.hpp"

namespace rivulet::operators::expression {
namespace {

using graphs::expr::FunctionId;

bool is_true(const View& v, std::size_t i) { return !v.is_null(i) && v.bools[v.at(i)] != 0; }

bool equal_values(const View& a, const View& b, std::size_t i) {
  switch (a.type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      return a.ints[a.at(i)] == b.ints[b.at(i)];
    case FieldType::Float64:
      return a.floats[a.at(i)] == b.floats[b.at(i)];
    case FieldType::Bool:
      return a.bools[a.at(i)] == b.bools[b.at(i)];
    case FieldType::String:
      return a.string_at(i) == b.string_at(i);
  }
  return false;
}

bool less_values(const View& a, const View& b, std::size_t i) {
  switch (a.type) {
    case FieldType::Int64:
    case FieldType::Timestamp:
      return a.ints[a.at(i)] < b.ints[b.at(i)];
    case FieldType::Float64:
      return a.floats[a.at(i)] < b.floats[b.at(i)];
    case FieldType::Bool:
      return a.bools[a.at(i)] < b.bools[b.at(i)];
    case FieldType::String:
      return a.string_at(i) < b.string_at(i);
  }
  return false;
}

// Evaluates every child, works out choice[] with `Decide`, gathers.
class ChoiceKernel : public Kernel {
 public:
  ChoiceKernel(FieldType type, std::vector<KernelPtr> children)
      : Kernel(type), children_(std::move(children)) {}

  View evaluate(const runtime::RecordBatch& batch) final {
    views_.clear();
    for (auto& child : children_) views_.push_back(child->evaluate(batch));
    const Shape shape = shape_of(batch.num_rows(), views_);
    choice_.resize(shape.rows());
    decide(shape.rows());
    return gather_choice(type(), shape, views_, choice_, buffer_);
  }

 protected:
  virtual void decide(std::size_t rows) = 0;
  const std::vector<View>& views() const { return views_; }
  std::vector<std::int32_t>& choice() { return choice_; }

 private:
  std::vector<KernelPtr> children_;
  std::vector<View> views_;
  std::vector<std::int32_t> choice_;
  Buffer buffer_;
};

// children: when1, then1, ..., [else]
class CaseKernel final : public ChoiceKernel {
 public:
  CaseKernel(FieldType type, std::vector<KernelPtr> children, bool has_else)
      : ChoiceKernel(type, std::move(children)), has_else_(has_else) {}

 private:
  void decide(std::size_t rows) override {
    const auto& v = views();
    const std::size_t branches = (v.size() - (has_else_ ? 1 : 0)) / 2;
    const std::int32_t fallback = has_else_ ? static_cast<std::int32_t>(v.size() - 1) : kChooseNull;
    for (std::size_t i = 0; i < rows; ++i) {
      std::int32_t c = fallback;
      for (std::size_t b = 0; b < branches; ++b) {
        if (is_true(v[2 * b], i)) {
          c = static_cast<std::int32_t>(2 * b + 1);
          break;
        }
      }
      choice()[i] = c;
    }
  }
  bool has_else_;
};

class IfKernel final : public ChoiceKernel {
 public:
  using ChoiceKernel::ChoiceKernel;

 private:
  void decide(std::size_t rows) override {
    for (std::size_t i = 0; i < rows; ++i) choice()[i] = is_true(views()[0], i) ? 1 : 2;
  }
};

class CoalesceKernel final : public ChoiceKernel {
 public:
  using ChoiceKernel::ChoiceKernel;

 private:
  void decide(std::size_t rows) override {
    const auto& v = views();
    for (std::size_t i = 0; i < rows; ++i) {
      std::int32_t c = kChooseNull;
      for (std::size_t k = 0; k < v.size(); ++k) {
        if (!v[k].is_null(i)) {
          c = static_cast<std::int32_t>(k);
          break;
        }
      }
      choice()[i] = c;
    }
  }
};

class NullIfKernel final : public ChoiceKernel {
 public:
  using ChoiceKernel::ChoiceKernel;

 private:
  void decide(std::size_t rows) override {
    const View& a = views()[0];
    const View& b = views()[1];
    for (std::size_t i = 0; i < rows; ++i) {
      const bool same = !a.is_null(i) && !b.is_null(i) && equal_values(a, b, i);
      choice()[i] = same ? kChooseNull : 0;
    }
  }
};

class ExtremeKernel final : public ChoiceKernel {
 public:
  ExtremeKernel(FieldType type, std::vector<KernelPtr> children, bool greatest)
      : ChoiceKernel(type, std::move(children)), greatest_(greatest) {}

 private:
  void decide(std::size_t rows) override {
    const auto& v = views();
    for (std::size_t i = 0; i < rows; ++i) {
      std::int32_t best = 0;
      bool null = v[0].is_null(i);
      for (std::size_t k = 1; k < v.size() && !null; ++k) {
        null = v[k].is_null(i);
        const bool better =
            greatest_ ? less_values(v[best], v[k], i) : less_values(v[k], v[best], i);
        if (better) best = static_cast<std::int32_t>(k);
      }
      choice()[i] = null ? kChooseNull : best;
    }
  }
  bool greatest_;
};

std::vector<KernelPtr> compile_children(NodeRef node) {
  std::vector<KernelPtr> out;
  out.reserve(node.children.size());
  for (const auto& child : node.children) out.push_back(compile_node(*child));
  return out;
}

}  // namespace

KernelPtr make_case(NodeRef node) {
  return std::make_unique<CaseKernel>(node.type.type, compile_children(node), node.has_else);
}

// The conditional functions; null for other ids.
KernelPtr make_conditional_call(NodeRef node) {
  const FieldType type = node.type.type;
  switch (node.function) {
    case FunctionId::If:
      return std::make_unique<IfKernel>(type, compile_children(node));
    case FunctionId::Coalesce:
      return std::make_unique<CoalesceKernel>(type, compile_children(node));
    case FunctionId::NullIf:
      return std::make_unique<NullIfKernel>(type, compile_children(node));
    case FunctionId::Least:
      return std::make_unique<ExtremeKernel>(type, compile_children(node), false);
    case FunctionId::Greatest:
      return std::make_unique<ExtremeKernel>(type, compile_children(node), true);
    default:
      return nullptr;
  }
}

}  // namespace rivulet::operators::expression
