#pragma once
// Moving single rows between batches, byte strings and builders. Stateful operators keep
// references to input rows while those batches are retained, but two things need rows on their
// own: snapshots (state must outlive the batches) and operators that keep a few rows out of
// many (top_n), which would otherwise pin whole batches for one row. Encoded rows carry the
// event time and every column: [i64 event time] then per column [u8 null flag if nullable]
// [value: 8 bytes for int64/timestamp/float64, 1 for bool, u32 length + bytes for string].

#include <cstddef>
#include <cstdint>
#include <string>

#include "operators/keyed/byte_io.hpp"
#include "runtime/batch_builder.hpp"
#include "runtime/record_batch.hpp"

namespace rivulet::operators::keyed {

// Appends `src[row]` to builder column `dst` (same type, or int64 <-> timestamp). A NULL goes in
// as NULL, or as the type's default when the destination is not nullable.
void append_cell(runtime::BatchBuilder& builder, std::size_t dst, const runtime::Column& src,
                 std::size_t row);
// NULL, or the type's default value when the column is not nullable.
void append_null_or_default(runtime::BatchBuilder& builder, std::size_t dst);

// Appends row `row` of `batch` to `out` (see the format above); `out` keeps its capacity, so a
// reused string costs no allocation once it is large enough.
void encode_row(const runtime::RecordBatch& batch, std::size_t row, std::string& out);
// Reads one encoded row of `schema` layout and appends its values to builder columns
// first_column, first_column + 1, ... (does not call end_row). Returns the event time.
// Sets in.ok() false on a malformed row.
std::int64_t decode_row(ByteReader& in, const graphs::Schema& schema,
                        runtime::BatchBuilder& builder, std::size_t first_column = 0);

}  // namespace rivulet::operators::keyed
