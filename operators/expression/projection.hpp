#pragma once
// Builds output batches whose columns are either input columns passed through or expressions
// evaluated over the input batch: the common engine of map (input fields plus computed ones)
// and project (only the listed items). Output schema and column sources are resolved once at
// build time; per batch, each expression is evaluated column-wise and the output is assembled
// with one typed copy per value.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graphs/expr/check.hpp"
#include "graphs/result.hpp"
#include "operators/expression/evaluator.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::expression {

class Projection {
 public:
  // One output column: an input column (pass-through) or a compiled expression.
  struct Source {
    std::size_t input_column = 0;
    std::unique_ptr<Evaluator> evaluator;  // null: pass input_column through
  };

  // `output` must list one field per source, with the sources' types.
  Projection(runtime::SchemaPtr output, std::vector<Source> sources);

  // Compiles `expression`, or passes the input column through when it is a bare field reference
  // (no evaluation, no intermediate vector).
  static graphs::Result<Source> source_for(const graphs::expr::CheckedExpression& expression);

  const runtime::SchemaPtr& output_schema() const { return output_; }
  // The output schema object the runtime hands the operator at open (equal content): batches
  // then share the pointer the downstream tasks know.
  void use_schema(runtime::SchemaPtr schema) { output_ = std::move(schema); }

  runtime::BatchPtr apply(const runtime::RecordBatch& input);

 private:
  runtime::SchemaPtr output_;
  std::vector<Source> sources_;
  std::vector<Vector> computed_;  // one per source, reused across batches
};

}  // namespace rivulet::operators::expression
