#pragma once
// Splitting a batch over the instances of a downstream operator.
//
// Hash partitioning must send the same key to the same instance always, across runs and
// processes (keyed state and exactly-once restore depend on it), so it uses XXH3-64 over a
// canonical byte form of the key columns (integers little-endian, -0.0 as 0.0, one NaN, a
// fixed tag for null) and maps the hash to a key group, then the key group to an instance
// (Flink's scheme: keyed state is stored per key group, so a job can later be rescaled).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "runtime/record_batch.hpp"

namespace rivulet::runtime {

// Per-row stable hash of the key columns of `batch` into `out` (size num_rows()).
void hash_key_columns(const RecordBatch& batch, std::span<const std::size_t> key_columns,
                      std::span<std::uint64_t> out);

inline std::uint32_t key_group_of(std::uint64_t hash, std::uint32_t max_key_groups) {
  return static_cast<std::uint32_t>(hash % max_key_groups);
}
// Contiguous key-group ranges per instance, as in Flink.
inline std::uint32_t instance_of_key_group(std::uint32_t key_group, std::uint32_t parallelism,
                                           std::uint32_t max_key_groups) {
  return static_cast<std::uint32_t>(std::uint64_t{key_group} * parallelism / max_key_groups);
}

class HashPartitioner {
 public:
  HashPartitioner(std::vector<std::size_t> key_columns, std::uint32_t targets,
                  std::uint32_t max_key_groups = 128);

  std::uint32_t targets() const { return targets_; }
  std::uint32_t target_of_hash(std::uint64_t hash) const {
    return instance_of_key_group(key_group_of(hash, max_key_groups_), targets_, max_key_groups_);
  }
  // out[t] = the rows of `batch` for target t (in input order), or null when there are none.
  // A batch whose rows all go to one target is passed on as is (no copy). Scratch buffers are
  // reused across calls, so the only allocations are the output batches' columns.
  void split(const BatchPtr& batch, std::vector<BatchPtr>& out);

 private:
  std::vector<std::size_t> key_columns_;
  std::uint32_t targets_;
  std::uint32_t max_key_groups_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> target_of_row_;
  std::vector<std::uint32_t> counts_;
  std::vector<std::uint32_t> rows_by_target_;
};

// Rebalance: whole batches round robin (batches are the unit; splitting them would cost a copy
// for no balance gain at hundreds of records per batch).
class RoundRobin {
 public:
  explicit RoundRobin(std::uint32_t targets, std::uint32_t start = 0)
      : targets_(targets), next_(start % (targets ? targets : 1)) {}
  std::uint32_t next() {
    const std::uint32_t t = next_;
    next_ = (next_ + 1 == targets_) ? 0 : next_ + 1;
    return t;
  }

 private:
  std::uint32_t targets_;
  std::uint32_t next_;
};

}  // namespace rivulet::runtime
