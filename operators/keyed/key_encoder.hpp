#pragma once
// Turns the key columns of a row into a canonical byte string, written into a buffer the encoder
// reuses, so looking a key up in a hash table costs no allocation per record (the table only
// copies the bytes when it meets a new key; keys up to 15 bytes — one int64 key is 9 — even
// stay in std::string's inline storage).
//
// Canonical form per key column: a tag byte (0 = value, 0xFF = NULL), then the value: int64 and
// timestamp as 8 little-endian bytes, float64 as 8 bytes with -0.0 folded to 0.0 and every NaN
// to one NaN, bool as one byte, string as a u32 length and its bytes. The length prefix keeps
// multi-column keys unambiguous (("ab","c") != ("a","bc")). Int64 and timestamp encode alike,
// so two inputs keyed by an int64 and a timestamp field compare equal on equal values.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/record_batch.hpp"

namespace rivulet::operators::keyed {

class KeyEncoder {
 public:
  KeyEncoder() = default;
  explicit KeyEncoder(std::vector<std::size_t> key_columns);

  // The key bytes of `row`; the view stays valid until the next encode.
  std::string_view encode(const runtime::RecordBatch& batch, std::size_t row);
  // True when any key field of `row` is NULL.
  bool has_null(const runtime::RecordBatch& batch, std::size_t row) const;

  const std::vector<std::size_t>& columns() const { return columns_; }

 private:
  std::vector<std::size_t> columns_;
  std::string buffer_;
};

// Key equality across two batches (the two sides of a join), column by column, with the same
// value semantics as the canonical form and the runtime's key hash (-0.0 == 0.0, NaN == NaN).
// NULL equals NULL here; callers with SQL join semantics filter NULL keys first.
bool keys_equal(const runtime::RecordBatch& a, std::size_t row_a,
                std::span<const std::size_t> columns_a, const runtime::RecordBatch& b,
                std::size_t row_b, std::span<const std::size_t> columns_b);

// Key types two inputs may be joined on: equal types, or int64 with timestamp.
bool key_types_compatible(graphs::FieldType a, graphs::FieldType b);

}  // namespace rivulet::operators::keyed
