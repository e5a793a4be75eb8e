#pragma once
// Accumulators of window_aggregate: one object per aggregate of the operator, holding the state
// of every window in flat arrays indexed by the window's slot (see operators/windows). A batch
// costs one virtual call per aggregate (`add` over all its rows), so the per-record work is a
// tight loop over spans, never a call or an allocation per record (count_distinct and
// percentile allocate when a window's set or sketch grows, which is inherent to them).
//
// NULL arguments are skipped, as in SQL; count(*) has no argument and counts rows. Results for
// a window without (non-NULL) values are NULL, except the counts, which are 0.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "graphs/graph.hpp"
#include "graphs/result.hpp"
#include "operators/keyed/byte_io.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::aggregates {

using graphs::FieldType;

// The argument values of one batch, borrowed from a batch column or from an evaluator's result.
// Exactly one NULL representation is set: a column's validity bitmap or evaluator NULL bytes.
struct ArgumentView {
  FieldType type = FieldType::Int64;
  const std::int64_t* ints = nullptr;  // Int64, Timestamp
  const double* floats = nullptr;      // Float64
  const std::uint8_t* bools = nullptr;
  const std::uint32_t* offsets = nullptr;  // String
  const char* arena = nullptr;
  const std::uint64_t* validity = nullptr;  // bit set = present
  const std::uint8_t* nulls = nullptr;      // 1 = NULL

  bool may_have_nulls() const { return validity != nullptr || nulls != nullptr; }
  bool is_null(std::size_t row) const {
    if (validity != nullptr) return ((validity[row >> 6] >> (row & 63)) & 1u) == 0;
    return nulls != nullptr && nulls[row] != 0;
  }
  std::string_view string_at(std::size_t row) const {
    return {arena + offsets[row], offsets[row + 1] - offsets[row]};
  }
};

class Accumulator {
 public:
  virtual ~Accumulator() = default;

  // Makes room for slots [0, slots); new slots start empty.
  virtual void resize(std::size_t slots) = 0;
  // Empties one slot (a window was purged and the slot will be reused).
  virtual void reset(std::uint32_t slot) = 0;
  // Adds argument row rows[i] to window slots[i], for every i. `arg` is unused by count(*).
  virtual void add(std::span<const std::uint32_t> rows, std::span<const std::uint32_t> slots,
                   const ArgumentView& arg) = 0;
  // Folds slot `from` into slot `into` (session windows merging); `from` is reset afterwards
  // by the caller.
  virtual void merge(std::uint32_t into, std::uint32_t from) = 0;
  // Appends the slot's result to builder column `column` (whose type is the aggregate's result).
  virtual void append_result(std::uint32_t slot, runtime::BatchBuilder& out,
                             std::size_t column) const = 0;
  // Snapshot of one slot; load reads exactly what save wrote into an empty slot.
  virtual void save(std::uint32_t slot, keyed::ByteWriter& out) const = 0;
  virtual void load(std::uint32_t slot, keyed::ByteReader& in) = 0;
};

// What an aggregate computes, from graphs::expr::Aggregate.
struct AggregateKind {
  std::string_view function;  // count, count_distinct, sum, min, max, avg, percentile
  bool has_argument = false;  // false: count(*)
  FieldType argument_type = FieldType::Int64;
  double fraction = 0;  // percentile
};

graphs::Result<std::unique_ptr<Accumulator>> make_accumulator(const AggregateKind& kind);

// One factory per file; make_accumulator dispatches to them.
std::unique_ptr<Accumulator> make_count(bool count_rows);
std::unique_ptr<Accumulator> make_sum(FieldType type);
std::unique_ptr<Accumulator> make_avg();
std::unique_ptr<Accumulator> make_min_max(FieldType type, bool is_max);
std::unique_ptr<Accumulator> make_count_distinct(FieldType type);
std::unique_ptr<Accumulator> make_percentile(double fraction);

// Reads an int64 or float64 argument as a double (avg, percentile).
inline double numeric_at(const ArgumentView& arg, std::size_t row) {
  return arg.type == FieldType::Float64 ? arg.floats[row] : static_cast<double>(arg.ints[row]);
}

}  // namespace rivulet::operators::aggregates
