#include "operators/filter.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graphs/expr/ast.hpp"
#include "operators/expression/evaluator.hpp"
#include "operators/parameter_reader.hpp"
#include "operators/spec_builder.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators {

graphs::OperatorSpec filter_spec() {
  using namespace spec;  // NOLINT(google-build-using-namespace): a spec file is a declaration
  return Operator("filter", "transform",
                  "Keeps the records for which a boolean predicate is true. Records for which it "
                  "is false or NULL are dropped, as with SQL WHERE.")
      .inputs({input("in", "Records to filter.")})
      .outputs({output("out", same_as_input("in"), "The records that passed, unchanged.")})
      .parameters({
          required_expression("predicate",
                              "Boolean expression over the input fields, e.g. "
                              "\"amount > 1000 AND country <> 'US'\".")
              .over("in")
              .result("bool"),
      });
}

namespace {

// Selects the rows where the predicate is TRUE. The common cases cost no copy: a batch that
// passes whole is re-emitted as the same pointer, one that passes no row emits nothing; only a
// partial selection gathers the surviving rows, column by column.
class FilterOperator final : public runtime::Operator {
 public:
  explicit FilterOperator(std::unique_ptr<expression::Evaluator> predicate)
      : predicate_(std::move(predicate)) {}

  void process(std::size_t /*input*/, const runtime::BatchPtr& batch,
               runtime::Collector& out) override {
    const std::size_t n = batch->num_rows();
    if (n == 0) return;
    predicate_->select(*batch, rows_);
    if (rows_.empty()) return;
    if (rows_.size() == n) {
      out.emit(batch);
      return;
    }
    runtime::BatchBuilder builder(batch->schema(), rows_.size());
    builder.append_rows(*batch, rows_);
    out.emit(builder.finish(false));
  }

 private:
  std::unique_ptr<expression::Evaluator> predicate_;
  std::vector<std::uint32_t> rows_;  // selection vector, reused across batches
};

graphs::Result<std::unique_ptr<runtime::Operator>> make_filter(
    const runtime::OperatorBuildContext& context) {
  const ParameterReader params(context);
  if (context.input_schemas.empty()) return params.error("predicate", "the input has no schema");
  auto checked = params.checked_expression("predicate", context.input_schemas[0]);
  if (!checked) return checked.error();
  const graphs::expr::Type& type = checked->type;
  if (type.type != graphs::FieldType::Bool && !type.is_null_literal) {
    // The column of the expression's top node (an operator's own column, a call's name), as
    // the checker reports its errors.
    const graphs::expr::CheckError wrong_type{checked->tree->column,
                                              "the predicate has type " +
                                                  std::string(graphs::expr::type_name(type.type)) +
                                                  ", but bool is required"};
    return params.error("predicate", wrong_type.to_string());
  }
  auto evaluator = expression::Evaluator::compile(checked->tree);
  if (!evaluator) return params.error("predicate", evaluator.error().message);
  return std::unique_ptr<runtime::Operator>(
      std::make_unique<FilterOperator>(std::move(*evaluator)));
}

}  // namespace

runtime::OperatorFactory filter_factory() { return runtime::TransformFactory(make_filter); }

}  // namespace rivulet::operators
