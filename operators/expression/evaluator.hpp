#pragma once
// Compiles a checked expression tree (graphs/expr) into a columnar evaluator: one call evaluates
// the expression for every row of a batch, so the per-record cost is a tight loop over column
// spans, never a name lookup or a virtual call per record. Used by filter, map, project and the
// aggregate arguments of the window operators.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "graphs/expr/check.hpp"
#include "graphs/result.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::expression {

// One value per row of the evaluated batch. Only the vectors of `type` are filled.
struct Vector {
  graphs::FieldType type = graphs::FieldType::Int64;
  std::size_t size = 0;
  std::vector<std::int64_t> ints;      // Int64, Timestamp (epoch ms)
  std::vector<double> floats;          // Float64
  std::vector<std::uint8_t> bools;     // Bool (0/1)
  std::vector<std::uint32_t> offsets;  // String: size + 1 offsets into arena
  std::vector<char> arena;             // String bytes
  std::vector<std::uint8_t> nulls;     // empty: no nulls; else one byte per row, 1 = NULL

  bool is_null(std::size_t row) const { return !nulls.empty() && nulls[row] != 0; }
  std::string_view string_at(std::size_t row) const {
    return {arena.data() + offsets[row], offsets[row + 1] - offsets[row]};
  }
};

class Evaluator {
 public:
  // The tree's field indices refer to the schema it was checked against; batches passed to
  // evaluate must have that schema.
  static graphs::Result<std::unique_ptr<Evaluator>> compile(
      std::shared_ptr<const graphs::expr::Node> tree);
  virtual ~Evaluator() = default;

  virtual graphs::FieldType result_type() const = 0;
  // Evaluates every row of `batch` into `out`, reusing its buffers.
  virtual void evaluate(const runtime::RecordBatch& batch, Vector& out) const = 0;
  // Boolean expressions: the rows where the result is TRUE (NULL and FALSE are dropped, as SQL
  // WHERE does), in ascending order.
  virtual void select(const runtime::RecordBatch& batch,
                      std::vector<std::uint32_t>& rows) const = 0;
};

}  // namespace rivulet::operators::expression
