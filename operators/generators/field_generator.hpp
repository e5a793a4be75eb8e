#pragma once
// A field generator produces one column's values for datagen, one record at a time, from the
// record's counter-based draws (so a value depends only on seed, record index and field).

#include <cstddef>
#include <cstdint>

#include "operators/generators/counter_rng.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::generators {

// What a generator may know about the record being generated besides its random draws.
struct RecordInfo {
  std::uint64_t index = 0;         // global position in the generated sequence (0, 1, 2, ...)
  std::int64_t event_time_ms = 0;  // the record's event time, out-of-orderness jitter included
};

class FieldGenerator {
 public:
  virtual ~FieldGenerator() = default;
  // Appends exactly one value (or null) to `column` of `out`.
  virtual void append(const RecordInfo& record, DrawStream& draws, runtime::BatchBuilder& out,
                      std::size_t column) const = 0;
  // Key fields are the ones a burst repeats: datagen draws them from the burst's first record.
  virtual bool is_key() const { return false; }
};

}  // namespace rivulet::operators::generators
