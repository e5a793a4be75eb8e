#pragma once
// The runtime operator behind map and project: applies a Projection to every batch. The two
// kinds differ only in how their factories lay out the output columns.

#include <memory>

#include "operators/expression/projection.hpp"
#include "runtime/operator.hpp"

namespace rivulet::operators::expression {

class ProjectionOperator final : public runtime::Operator {
 public:
  ProjectionOperator(std::string node_id, std::unique_ptr<Projection> projection)
      : node_id_(std::move(node_id)), projection_(std::move(projection)) {}

  // Adopts the runtime's output schema pointer, after checking it is the schema the factory
  // derived from the expressions (a mismatch means the plan and the graph disagree).
  graphs::Status open(const runtime::OperatorContext& context) override;
  void process(std::size_t input, const runtime::BatchPtr& batch, runtime::Collector& out) override;

 private:
  std::string node_id_;
  std::unique_ptr<Projection> projection_;
};

}  // namespace rivulet::operators::expression
