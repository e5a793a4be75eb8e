#pragma once
// Builds columnar RecordBatches. Decoders append row by row (one append_* per column, then
// end_row); operators that select rows (filter, hash partitioner) gather whole columns from an
// existing batch with append_rows, which allocates per column, never per record.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/record_batch.hpp"

namespace rivulet::runtime {

class BatchBuilder {
 public:
  explicit BatchBuilder(SchemaPtr schema, std::size_t expected_rows = 0);

  const SchemaPtr& schema() const { return schema_; }
  std::size_t num_rows() const { return num_rows_; }
  bool empty() const { return num_rows_ == 0; }

  // Row-at-a-time: call exactly one append_* per column (any order), then end_row.
  // append_int64 also serves Timestamp columns (epoch milliseconds).
  void append_int64(std::size_t column, std::int64_t value);
  void append_float64(std::size_t column, double value);
  void append_bool(std::size_t column, bool value);
  void append_string(std::size_t column, std::string_view value);
  // Returns false (and appends nothing) when the field is not nullable: the caller decides
  // whether that is a decode error (then discard_row) or a default value.
  bool append_null(std::size_t column);
  void end_row(std::int64_t event_time_ms);
  // Drops the values appended since the last end_row (a decoder met a malformed record).
  void discard_row();
  // True when every column holds a value for the row being built (debug checks, decoders).
  bool row_complete() const;

  // Columnar gather: appends `rows` of `source` (same schema layout) in the given order.
  void append_rows(const RecordBatch& source, std::span<const std::uint32_t> rows);

  // Hands out the batch built so far and resets the builder. With `reuse`, the columns are
  // reserved again for expected_rows (decoders that build batch after batch).
  BatchPtr finish(bool reuse = true);

 private:
  void reset(std::size_t reserve_rows);
  void mark_valid(Column& column, std::size_t row, bool valid);

  SchemaPtr schema_;
  std::size_t expected_rows_;
  std::size_t num_rows_ = 0;
  std::vector<Column> columns_;
  std::vector<std::int64_t> event_times_;
};

}  // namespace rivulet::runtime
