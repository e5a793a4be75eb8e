#pragma once
// Order-by fields as one byte string whose memcmp order is the requested order, so ranking
// compares two records with one memcmp instead of a per-field type switch, and a candidate
// keeps its sort key without pinning its batch.
//
// Per field: a null byte (0 = value, 1 = NULL — NULLs rank last in both directions), then the
// value in an order-preserving form: int64/timestamp big-endian with the sign bit flipped;
// float64 big-endian with the sign bit flipped for positives and all bits flipped for negatives
// (-0.0 as 0.0, NaN after +inf); bool one byte; strings with 0x00 escaped as 0x00 0xFF and
// terminated by 0x00 0x00 (prefix-free, so "ab" < "abc"). Descending fields invert the value
// bytes (not the null byte), which reverses the order of a prefix-free encoding.

#include <cstddef>
#include <string>
#include <vector>

#include "runtime/record_batch.hpp"

namespace rivulet::operators::keyed {

struct SortField {
  std::size_t column = 0;
  bool descending = false;
};

class SortKeyEncoder {
 public:
  SortKeyEncoder() = default;
  explicit SortKeyEncoder(std::vector<SortField> fields) : fields_(std::move(fields)) {}

  // Replaces `out` with the sort key of `row` (out keeps its capacity).
  void encode(const runtime::RecordBatch& batch, std::size_t row, std::string& out) const;

 private:
  std::vector<SortField> fields_;
};

}  // namespace rivulet::operators::keyed
