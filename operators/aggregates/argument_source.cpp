#include "operators/aggregates/argument_source.hpp"

namespace rivulet::operators::aggregates {

graphs::Result<std::unique_ptr<ArgumentSource>> ArgumentSource::bind(
    graphs::expr::NodePtr argument) {
  auto source = std::make_unique<ArgumentSource>();
  if (!argument) return source;
  source->has_argument_ = true;
  source->type_ = argument->type.type;
  if (argument->kind == graphs::expr::NodeKind::Field) {
    source->is_field_ = true;
    source->field_index_ = argument->field_index;
    return source;
  }
  auto evaluator = expression::Evaluator::compile(std::move(argument));
  if (!evaluator) return evaluator.error();
  source->evaluator_ = std::move(*evaluator);
  return source;
}

ArgumentView ArgumentSource::view(const runtime::RecordBatch& batch) {
  ArgumentView v;
  v.type = type_;
  if (!has_argument_) return v;
  if (is_field_) {
    const runtime::Column& c = batch.column(field_index_);
    v.ints = c.int64s().data();
    v.floats = c.float64s().data();
    v.bools = c.bools().data();
    v.offsets = c.string_offsets().data();
    v.arena = c.string_arena().data();
    v.validity = c.validity().empty() ? nullptr : c.validity().data();
    return v;
  }
  evaluator_->evaluate(batch, values_);
  v.ints = values_.ints.data();
  v.floats = values_.floats.data();
  v.bools = values_.bools.data();
  v.offsets = values_.offsets.data();
  v.arena = values_.arena.data();
  v.nulls = values_.nulls.empty() ? nullptr : values_.nulls.data();
  return v;
}

}  // namespace rivulet::operators::aggregates
