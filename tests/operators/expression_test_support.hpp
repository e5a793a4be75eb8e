#pragma once
// Helpers for the expression and stateless-operator tests: batches from literal rows, and
// expression evaluation to plain cells that tests compare with hand-computed expectations.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "graphs/expr/check.hpp"
#include "operators/expression/evaluator.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/operator.hpp"
#include "runtime/operator_factory.hpp"

namespace rivulet::operators::testing {

// One value of a row: NULL, bool, int64 (also timestamps), float64 or string.
using Cell = std::variant<std::monostate, bool, std::int64_t, double, std::string>;
inline const Cell N{};  // NULL
using Row = std::vector<Cell>;

inline bool same_cell(const Cell& a, const Cell& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    return (std::isnan(*x) && std::isnan(y)) || *x == y;
  }
  return a == b;
}

inline std::string cell_text(const Cell& c) {
  struct {
    std::string operator()(std::monostate) const { return "NULL"; }
    std::string operator()(bool b) const { return b ? "TRUE" : "FALSE"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return std::to_string(d) + "(f)"; }
    std::string operator()(const std::string& s) const { return "'" + s + "'"; }
  } visitor;
  return std::visit(visitor, c);
}

inline std::string row_text(const Row& row) {
  std::string out = "[";
  for (std::size_t i = 0; i < row.size(); ++i) out += (i ? ", " : "") + cell_text(row[i]);
  return out + "]";
}

inline runtime::BatchPtr make_batch(const runtime::SchemaPtr& schema, const std::vector<Row>& rows,
                                    std::int64_t first_event_time = 0) {
  runtime::BatchBuilder builder(schema, rows.size());
  std::int64_t event_time = first_event_time;
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const Cell& cell = row[c];
      if (std::holds_alternative<std::monostate>(cell)) {
        EXPECT_TRUE(builder.append_null(c)) << "NULL in non-nullable column " << c;
      } else if (const auto* b = std::get_if<bool>(&cell)) {
        builder.append_bool(c, *b);
      } else if (const auto* i = std::get_if<std::int64_t>(&cell)) {
        builder.append_int64(c, *i);
      } else if (const auto* d = std::get_if<double>(&cell)) {
        builder.append_float64(c, *d);
      } else {
        builder.append_string(c, std::get<std::string>(cell));
      }
    }
    builder.end_row(event_time++);
  }
  return builder.finish();
}

inline Cell cell_at(const expression::Vector& v, std::size_t row) {
  if (v.is_null(row)) return N;
  switch (v.type) {
    case graphs::FieldType::Int64:
    case graphs::FieldType::Timestamp:
      return v.ints[row];
    case graphs::FieldType::Float64:
      return v.floats[row];
    case graphs::FieldType::Bool:
      return v.bools[row] != 0;
    case graphs::FieldType::String:
      return std::string(v.string_at(row));
  }
  return N;
}

inline Cell cell_at(const runtime::RecordBatch& batch, std::size_t column, std::size_t row) {
  const runtime::Column& c = batch.column(column);
  if (c.is_null(row)) return N;
  switch (c.type()) {
    case graphs::FieldType::Int64:
    case graphs::FieldType::Timestamp:
      return c.int64s()[row];
    case graphs::FieldType::Float64:
      return c.float64s()[row];
    case graphs::FieldType::Bool:
      return c.bools()[row] != 0;
    case graphs::FieldType::String:
      return std::string(c.string_at(row));
  }
  return N;
}

inline std::vector<Row> batch_rows(const runtime::RecordBatch& batch) {
  std::vector<Row> rows(batch.num_rows());
  for (std::size_t r = 0; r < batch.num_rows(); ++r) {
    for (std::size_t c = 0; c < batch.num_columns(); ++c) rows[r].push_back(cell_at(batch, c, r));
  }
  return rows;
}

// Checks and compiles `text` against `schema`; fails the test (and returns null) on errors.
inline std::unique_ptr<expression::Evaluator> compile(const std::string& text,
                                                      const graphs::Schema& schema) {
  auto checked = graphs::expr::check_expression(text, schema);
  if (!checked.ok()) {
    ADD_FAILURE() << text << ": " << checked.error.to_string();
    return nullptr;
  }
  auto evaluator = expression::Evaluator::compile(checked.value->tree);
  if (!evaluator) {
    ADD_FAILURE() << text << ": " << evaluator.error().message;
    return nullptr;
  }
  return std::move(*evaluator);
}

inline std::vector<Cell> evaluate(const std::string& text, const runtime::RecordBatch& batch) {
  auto evaluator = compile(text, *batch.schema());
  if (!evaluator) return {};
  expression::Vector out;
  evaluator->evaluate(batch, out);
  EXPECT_EQ(out.size, batch.num_rows()) << text;
  std::vector<Cell> cells;
  for (std::size_t i = 0; i < out.size; ++i) cells.push_back(cell_at(out, i));
  return cells;
}

// Keeps every emitted batch (by port) for inspection.
class CollectingCollector final : public runtime::Collector {
 public:
  void emit(std::size_t port, runtime::BatchPtr batch) override {
    ports.push_back(port);
    batches.push_back(std::move(batch));
  }
  using runtime::Collector::emit;
  bool has_capacity() const override { return true; }

  std::vector<std::size_t> ports;
  std::vector<runtime::BatchPtr> batches;
};

// Builds an operator of `spec`'s kind through `factory`, as the planner would.
struct BuiltOperator {
  std::unique_ptr<runtime::Operator> op;
  std::string error;  // non-empty when the factory failed
};

inline BuiltOperator build_operator(const runtime::OperatorFactory& factory,
                                    const graphs::OperatorSpec& spec, const graphs::Node& node,
                                    const graphs::Schema& input,
                                    std::vector<graphs::Schema> outputs = {}) {
  runtime::OperatorBuildContext context{node, spec, {input}, std::move(outputs), {{}}, 0, 1, ""};
  const auto* transform = std::get_if<runtime::TransformFactory>(&factory);
  if (transform == nullptr) return {nullptr, "not a transform factory"};
  auto built = (*transform)(context);
  if (!built) return {nullptr, built.error().message};
  return {std::move(*built), ""};
}

inline graphs::Node node_with(std::string id, std::string kind, std::string parameter,
                              graphs::Value value) {
  graphs::Node node;
  node.id = std::move(id);
  node.kind = std::move(kind);
  node.parameters.push_back({std::move(parameter), std::move(value)});
  return node;
}

}  // namespace rivulet::operators::testing
