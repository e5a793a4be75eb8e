#include "runtime/partitioner.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "runtime/batch_builder.hpp"

#define XXH_INLINE_ALL  // header-only use: no link dependency, and the hash inlines per row
#include <xxhash.h>

namespace rivulet::runtime {
namespace {

static_assert(std::endian::native == std::endian::little,
              "hash canonical form assumes little-endian; add byte swaps for big-endian hosts");

constexpr unsigned char kNullTag = 0xFF;

// The first key column seeds with 0 (= plain XXH3_64bits); later ones chain the previous hash
// as the seed, so (a, b) and (b, a) hash differently and no concatenation buffer is needed.
inline std::uint64_t hash_bytes(const void* data, std::size_t len, std::uint64_t seed) {
  return XXH3_64bits_withSeed(data, len, seed);
}

template <class HashRow>
void hash_rows(const Column& col, std::size_t n, std::uint64_t* out, HashRow hash_row) {
  if (col.validity().empty()) {
    for (std::size_t r = 0; r < n; ++r) out[r] = hash_row(r, out[r]);
    return;
  }
  for (std::size_t r = 0; r < n; ++r) {
    out[r] = col.is_null(r) ? hash_bytes(&kNullTag, 1, out[r]) : hash_row(r, out[r]);
  }
}

}  // namespace

void hash_key_columns(const RecordBatch& batch, std::span<const std::size_t> key_columns,
                      std::span<std::uint64_t> out) {
  const std::size_t n = batch.num_rows();
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), 0);
  std::uint64_t* h = out.data();
  for (std::size_t col_index : key_columns) {
    const Column& col = batch.column(col_index);
    // The type switch sits outside the row loops so each loop is a tight pass.
    switch (col.type()) {
      case FieldType::Int64:
      case FieldType::Timestamp: {
        const std::int64_t* v = col.int64s().data();
        hash_rows(col, n, h, [v](std::size_t r, std::uint64_t seed) {
          return hash_bytes(&v[r], sizeof v[r], seed);
        });
        break;
      }
      case FieldType::Float64: {
        const double* v = col.float64s().data();
        hash_rows(col, n, h, [v](std::size_t r, std::uint64_t seed) {
          double x = v[r];
          if (x == 0.0) x = 0.0;                                            // -0.0 equals 0.0
          if (std::isnan(x)) x = std::numeric_limits<double>::quiet_NaN();  // one NaN
          return hash_bytes(&x, sizeof x, seed);
        });
        break;
      }
      case FieldType::Bool: {
        const std::uint8_t* v = col.bools().data();
        hash_rows(col, n, h,
                  [v](std::size_t r, std::uint64_t seed) { return hash_bytes(&v[r], 1, seed); });
        break;
      }
      case FieldType::String:
        hash_rows(col, n, h, [&col](std::size_t r, std::uint64_t seed) {
          const std::string_view v = col.string_at(r);
          return hash_bytes(v.data(), v.size(), seed);
        });
        break;
    }
  }
}

HashPartitioner::HashPartitioner(std::vector<std::size_t> key_columns, std::uint32_t targets,
                                 std::uint32_t max_key_groups)
    : key_columns_(std::move(key_columns)),
      targets_(targets),
      max_key_groups_(std::max(max_key_groups, targets)) {}

void HashPartitioner::split(const BatchPtr& batch, std::vector<BatchPtr>& out) {
  out.assign(targets_, nullptr);
  const std::size_t n = batch->num_rows();
  if (n == 0) return;
  if (targets_ == 1) {
    out[0] = batch;
    return;
  }
  hashes_.resize(n);
  target_of_row_.resize(n);
  hash_key_columns(*batch, key_columns_, hashes_);
  counts_.assign(targets_ + 1, 0);
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint32_t t = target_of_hash(hashes_[r]);
    target_of_row_[r] = t;
    ++counts_[t + 1];
  }
  for (std::uint32_t t = 0; t < targets_; ++t) {
    if (counts_[t + 1] == n) {  // the whole batch goes to one target
      out[t] = batch;
      return;
    }
  }
  // Counting sort of row indices by target: one scratch array, input order kept per target.
  for (std::uint32_t t = 0; t < targets_; ++t) counts_[t + 1] += counts_[t];
  rows_by_target_.resize(n);
  std::vector<std::uint32_t>& cursor = counts_;  // counts_[t] is now the start of target t
  for (std::size_t r = 0; r < n; ++r) {
    rows_by_target_[cursor[target_of_row_[r]]++] = static_cast<std::uint32_t>(r);
  }
  // After the scatter, cursor[t] is the end of target t and cursor[t-1] its start.
  std::uint32_t begin = 0;
  for (std::uint32_t t = 0; t < targets_; ++t) {
    const std::uint32_t end = cursor[t];
    if (end > begin) {
      BatchBuilder builder(batch->schema(), end - begin);
      builder.append_rows(
          *batch, std::span<const std::uint32_t>(rows_by_target_).subspan(begin, end - begin));
      out[t] = builder.finish(/*reuse=*/false);
    }
    begin = end;
  }
}

}  // namespace rivulet::runtime
