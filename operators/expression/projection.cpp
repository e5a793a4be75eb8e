#include "operators/expression/projection.hpp"

#include "graphs/expr/ast.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::expression {

Projection::Projection(runtime::SchemaPtr output, std::vector<Source> sources)
    : output_(std::move(output)), sources_(std::move(sources)), computed_(sources_.size()) {}

graphs::Result<Projection::Source> Projection::source_for(
    const graphs::expr::CheckedExpression& expression) {
  const graphs::expr::Node& tree = *expression.tree;
  if (tree.kind == graphs::expr::NodeKind::Field) return Source{tree.field_index, nullptr};
  auto evaluator = Evaluator::compile(expression.tree);
  if (!evaluator) return evaluator.error();
  return Source{0, std::move(*evaluator)};
}

namespace {

// Where one output column's values come from in the current batch, as raw pointers, so the
// per-value work below is one switch on `kind` and one append.
struct ColumnPlan {
  enum Kind : std::uint8_t { Int, Float, Bool, String } kind = Int;
  const std::int64_t* ints = nullptr;
  const double* floats = nullptr;
  const std::uint8_t* bools = nullptr;
  const std::uint32_t* offsets = nullptr;
  const char* arena = nullptr;
  const std::uint64_t* validity = nullptr;  // pass-through columns with NULLs
  const std::uint8_t* nulls = nullptr;      // computed vectors with NULLs
};

ColumnPlan::Kind kind_of(graphs::FieldType type) {
  switch (type) {
    case graphs::FieldType::Float64:
      return ColumnPlan::Float;
    case graphs::FieldType::Bool:
      return ColumnPlan::Bool;
    case graphs::FieldType::String:
      return ColumnPlan::String;
    default:
      return ColumnPlan::Int;
  }
}

}  // namespace

runtime::BatchPtr Projection::apply(const runtime::RecordBatch& input) {
  const std::size_t n = input.num_rows();
  const std::size_t width = sources_.size();
  std::vector<ColumnPlan> plan(width);
  for (std::size_t c = 0; c < width; ++c) {
    ColumnPlan& p = plan[c];
    p.kind = kind_of((*output_)[c].type);
    if (sources_[c].evaluator) {
      Vector& v = computed_[c];
      sources_[c].evaluator->evaluate(input, v);
      p.ints = v.ints.data();
      p.floats = v.floats.data();
      p.bools = v.bools.data();
      p.offsets = v.offsets.data();
      p.arena = v.arena.data();
      p.nulls = v.nulls.empty() ? nullptr : v.nulls.data();
    } else {
      const runtime::Column& col = input.column(sources_[c].input_column);
      p.ints = col.int64s().data();
      p.floats = col.float64s().data();
      p.bools = col.bools().data();
      p.offsets = col.string_offsets().data();
      p.arena = col.string_arena().data();
      p.validity = col.validity().empty() ? nullptr : col.validity().data();
    }
  }
  // The batch builder appends row by row (it has no column-at-a-time entry point), so each
  // value costs one switch and one append; everything else was resolved above.
  runtime::BatchBuilder builder(output_, n);
  const std::int64_t* event_times = input.event_times().data();
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < width; ++c) {
      const ColumnPlan& p = plan[c];
      bool null = false;
      if (p.validity != nullptr) null = ((p.validity[r >> 6] >> (r & 63)) & 1u) == 0;
      if (p.nulls != nullptr) null = p.nulls[r] != 0;
      // A NULL in a field the checker typed non-nullable (only integer '/' and '%' by zero can
      // produce one) is written as the type's zero value — the Vector holds 0 / '' there — since
      // the column has no validity to record it.
      if (null && builder.append_null(c)) continue;
      switch (p.kind) {
        case ColumnPlan::Int:
          builder.append_int64(c, p.ints[r]);
          break;
        case ColumnPlan::Float:
          builder.append_float64(c, p.floats[r]);
          break;
        case ColumnPlan::Bool:
          builder.append_bool(c, p.bools[r] != 0);
          break;
        case ColumnPlan::String:
          builder.append_string(c, {p.arena + p.offsets[r], p.offsets[r + 1] - p.offsets[r]});
          break;
      }
    }
    builder.end_row(event_times[r]);
  }
  return builder.finish(false);
}

}  // namespace rivulet::operators::expression
