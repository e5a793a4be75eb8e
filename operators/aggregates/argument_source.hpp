#pragma once
// Where an aggregate's argument values come from, batch by batch. A bare field reference reads
// the batch's column in place (no copy, the common case: sum(amount)); any other expression
// goes through the shared columnar evaluator (operators/expression), once per batch; count(*)
// has no argument at all.

#include <memory>

#include "graphs/expr/ast.hpp"
#include "graphs/result.hpp"
#include "operators/aggregates/accumulator.hpp"
#include "operators/expression/evaluator.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::aggregates {

class ArgumentSource {
 public:
  // `argument` may be null (count(*)).
  static graphs::Result<std::unique_ptr<ArgumentSource>> bind(graphs::expr::NodePtr argument);

  bool empty() const { return !has_argument_; }
  FieldType type() const { return type_; }
  // The argument values of every row of `batch`; valid until the next call or the batch dies.
  ArgumentView view(const runtime::RecordBatch& batch);

 private:
  bool has_argument_ = false;
  FieldType type_ = FieldType::Int64;
  bool is_field_ = false;
  std::size_t field_index_ = 0;
  std::unique_ptr<expression::Evaluator> evaluator_;
  expression::Vector values_;
};

}  // namespace rivulet::operators::aggregates
