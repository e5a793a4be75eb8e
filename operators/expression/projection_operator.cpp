#include "operators/expression/projection_operator.hpp"

namespace rivulet::operators::expression {

graphs::Status ProjectionOperator::open(const runtime::OperatorContext& context) {
  if (context.output_schemas.empty() || !context.output_schemas[0]) return graphs::Ok{};
  if (*context.output_schemas[0] != *projection_->output_schema()) {
    return graphs::Error{"node '" + node_id_ +
                         "': the planned output schema differs from the one its expressions "
                         "produce"};
  }
  projection_->use_schema(context.output_schemas[0]);
  return graphs::Ok{};
}

void ProjectionOperator::process(std::size_t /*input*/, const runtime::BatchPtr& batch,
                                 runtime::Collector& out) {
  if (batch->num_rows() == 0) return;
  out.emit(projection_->apply(*batch));
}

}  // namespace rivulet::operators::expression
