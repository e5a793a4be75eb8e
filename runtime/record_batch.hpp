#pragma once
// Columnar record batches: the unit that crosses actor boundaries.
//
// A batch is immutable once built and shared as `BatchPtr` (shared_ptr<const RecordBatch>), so
// forward/broadcast edges hand the same pointer to every receiver instead of copying rows.
// Layout (one Column per schema field, all of length num_rows()):
//   Int64, Timestamp -> contiguous int64_t values (Timestamp = epoch milliseconds)
//   Float64          -> contiguous double values
//   Bool             -> one uint8_t (0/1) per row, so predicates can vectorise without bit ops
//   String           -> num_rows()+1 uint32_t offsets into one byte arena
//   nullable fields  -> plus a validity bitmap (bit set = value present); none when not nullable
// Null slots still hold a default value (0, 0.0, false, "") so value spans stay dense.
// Every batch also carries an event-time column (epoch ms, one per row) that the source fills
// from a field or from the Kafka timestamp; windows and watermarks read it without a lookup.
// Why columnar: see docs/benchmarks.md (filter, sum and hash-partition vs a row layout).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "graphs/graph.hpp"

namespace rivulet::runtime {

using graphs::FieldType;
using SchemaPtr = std::shared_ptr<const graphs::Schema>;

class Column {
 public:
  Column(FieldType type, bool nullable) : type_(type), nullable_(nullable) {}

  FieldType type() const { return type_; }
  bool nullable() const { return nullable_; }

  bool is_null(std::size_t row) const {
    return !validity_.empty() && ((validity_[row >> 6] >> (row & 63)) & 1u) == 0;
  }
  // Validity words (bit per row, 1 = present); empty when the field is not nullable.
  std::span<const std::uint64_t> validity() const { return validity_; }

  // Typed views. Each is only meaningful for the matching type (Timestamp uses int64s()).
  std::span<const std::int64_t> int64s() const { return i64_; }
  std::span<const double> float64s() const { return f64_; }
  std::span<const std::uint8_t> bools() const { return u8_; }
  std::span<const std::uint32_t> string_offsets() const { return offsets_; }
  std::string_view string_arena() const { return {arena_.data(), arena_.size()}; }
  std::string_view string_at(std::size_t row) const {
    return {arena_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]};
  }

 private:
  friend class BatchBuilder;

  FieldType type_;
  bool nullable_;
  // Only the vectors for `type_` are used; the others stay empty (no allocation).
  std::vector<std::int64_t> i64_;
  std::vector<double> f64_;
  std::vector<std::uint8_t> u8_;
  std::vector<std::uint32_t> offsets_;
  std::vector<char> arena_;
  std::vector<std::uint64_t> validity_;
};

class RecordBatch {
 public:
  const SchemaPtr& schema() const { return schema_; }
  std::size_t num_rows() const { return num_rows_; }
  std::size_t num_columns() const { return columns_.size(); }
  const Column& column(std::size_t index) const { return columns_[index]; }
  std::span<const std::int64_t> event_times() const { return event_times_; }

  // Approximate heap bytes held by the batch (metrics, memory accounting).
  std::size_t byte_size() const;

 private:
  friend class BatchBuilder;
  RecordBatch() = default;

  SchemaPtr schema_;
  std::size_t num_rows_ = 0;
  std::vector<Column> columns_;
  std::vector<std::int64_t> event_times_;
};

using BatchPtr = std::shared_ptr<const RecordBatch>;

}  // namespace rivulet::runtime
