#include "keyed_test_support.hpp"

#include <algorithm>
#include <charconv>

namespace rivulet::operators::testing {

std::string row_text(const runtime::RecordBatch& batch, std::size_t row) {
  std::string s;
  for (std::size_t c = 0; c < batch.num_columns(); ++c) {
    if (c) s += '|';
    const runtime::Column& col = batch.column(c);
    if (col.is_null(row)) {
      s += "NULL";
      continue;
    }
    switch (col.type()) {
      case graphs::FieldType::Int64:
      case graphs::FieldType::Timestamp:
        s += std::to_string(col.int64s()[row]);
        break;
      case graphs::FieldType::Float64: {
        char buf[32];
        s.append(buf, std::to_chars(buf, buf + sizeof buf, col.float64s()[row]).ptr);
        break;
      }
      case graphs::FieldType::Bool:
        s += col.bools()[row] ? "true" : "false";
        break;
      case graphs::FieldType::String:
        s += col.string_at(row);
        break;
    }
  }
  s += '@';
  s += std::to_string(batch.event_times()[row]);
  return s;
}

std::vector<std::string> CollectingCollector::rows(std::size_t port) const {
  std::vector<std::string> out;
  auto it = batches.find(port);
  if (it == batches.end()) return out;
  for (const auto& b : it->second) {
    for (std::size_t r = 0; r < b->num_rows(); ++r) out.push_back(row_text(*b, r));
  }
  return out;
}

std::vector<std::string> CollectingCollector::sorted_rows(std::size_t port) const {
  auto out = rows(port);
  std::sort(out.begin(), out.end());
  return out;
}

Built build(const runtime::OperatorFactory& factory, const graphs::OperatorSpec& spec,
            const graphs::Node& node, std::vector<graphs::Schema> inputs,
            std::vector<graphs::Schema> outputs, std::vector<std::vector<std::string>> keys) {
  Built built =
      build(factory, spec, node, std::move(inputs), std::move(outputs), std::move(keys), {}, false);
  if (!built.op) return built;
  runtime::OperatorContext op_context;
  op_context.task_name = node.id + "#0";
  auto status = built.op->open(op_context);
  if (!status) return {nullptr, status.error().message};
  return built;
}

Built build(const runtime::OperatorFactory& factory, const graphs::OperatorSpec& spec,
            const graphs::Node& node, std::vector<graphs::Schema> inputs,
            std::vector<graphs::Schema> outputs, std::vector<std::vector<std::string>> keys,
            runtime::state::StateBackendOptions backend, bool open) {
  const std::vector<graphs::Schema> input_copy = inputs;
  runtime::OperatorBuildContext context{
      node, spec, std::move(inputs), std::move(outputs), std::move(keys), 0, 1, {}};
  context.state_backend = std::move(backend);
  const auto* make = std::get_if<runtime::TransformFactory>(&factory);
  if (!make) return {nullptr, "not a transform factory"};
  auto result = (*make)(context);
  if (!result) return {nullptr, result.error().message};
  if (open) {
    auto status = open_operator(**result, node, input_copy);
    if (!status) return {nullptr, status.error().message};
  }
  return {std::move(*result), {}};
}

graphs::Status open_operator(runtime::Operator& op, const graphs::Node& node,
                             std::vector<graphs::Schema> inputs) {
  runtime::OperatorContext op_context;
  op_context.task_name = node.id + "#0";
  for (auto& schema : inputs) {
    op_context.input_schemas.push_back(std::make_shared<const graphs::Schema>(std::move(schema)));
  }
  return op.open(op_context);
}

runtime::BatchPtr make_rows(const runtime::SchemaPtr& schema,
                            const std::vector<std::vector<std::string>>& rows,
                            const std::vector<std::int64_t>& times) {
  runtime::BatchBuilder b(schema, rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < schema->size(); ++c) {
      const std::string& cell = rows[r][c];
      if (cell == "NULL") {
        EXPECT_TRUE(b.append_null(c)) << "column " << c << " is not nullable";
        continue;
      }
      switch ((*schema)[c].type) {
        case graphs::FieldType::Int64:
        case graphs::FieldType::Timestamp:
          b.append_int64(c, std::stoll(cell));
          break;
        case graphs::FieldType::Float64:
          b.append_float64(c, std::stod(cell));
          break;
        case graphs::FieldType::Bool:
          b.append_bool(c, cell == "true");
          break;
        case graphs::FieldType::String:
          b.append_string(c, cell);
          break;
      }
    }
    b.end_row(times[r]);
  }
  return b.finish(false);
}

}  // namespace rivulet::operators::testing
