#pragma once
// The record sequence of one datagen instance, free of rate limiting and of the runtime.
//
// The job generates a global sequence of records 0, 1, 2, ...; instance i of p generates the
// records whose index is i modulo p. Every value is a pure function of (seed, index, field)
// (counter_rng.hpp), so the union over instances is the same for every parallelism, parallel
// instances never duplicate each other, and a restore only needs the instance's position.
//
// Event time: record n's base time is start + n * 1000 / rate ms (start + n when unthrottled),
// moved back by a random jitter in [0, max_out_of_orderness]. The watermark after record n is
// base(n) - max_out_of_orderness - 1: every later record of any instance has base time >= base(n),
// hence an event time above the watermark, so datagen itself never produces late records.
//
// Bursts: record m starts a burst with probability burst_probability; the burst_length records
// m, m+1, ... share the key-field values drawn for record m (all other fields stay random), so
// a few keys briefly become very active — what rate-of-events rules such as fraud alerts look
// for. A record inside several bursts follows the latest.

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "operators/generators/field_generator.hpp"
#include "runtime/batch_builder.hpp"

namespace rivulet::operators::generators {

struct SequenceConfig {
  std::uint64_t seed = 1;
  std::int64_t rate = 0;    // records per second over all instances; 0: 1 ms of event time each
  std::uint64_t count = 0;  // records over all instances; 0: unbounded
  std::int64_t start_time_ms = 0;
  std::int64_t max_out_of_orderness_ms = 0;
  double burst_probability = 0;
  std::uint64_t burst_length = 1;
  std::uint32_t subtask_index = 0;
  std::uint32_t parallelism = 1;
};

class RecordGenerator {
 public:
  // `fields` holds one generator per schema field, in schema order.
  RecordGenerator(std::vector<std::unique_ptr<FieldGenerator>> fields, SequenceConfig config);

  // Appends up to `max_rows` records to `out` (a builder over the generated schema).
  std::size_t generate(runtime::BatchBuilder& out, std::size_t max_rows);

  bool exhausted() const { return position_ >= local_count_; }
  // Records this instance may still generate (max for unbounded).
  std::uint64_t remaining() const { return local_count_ - position_; }
  // Records this instance generated so far: its checkpointed state.
  std::uint64_t position() const { return position_; }
  void seek(std::uint64_t position) { position_ = position; }
  // The watermark after the last generated record, or nullopt-like min before the first.
  std::int64_t watermark() const { return watermark_; }
  static constexpr std::int64_t kNoWatermark = std::numeric_limits<std::int64_t>::min();

  // Exposed for tests and for the rate limiter's documentation: the un-jittered time of record n.
  std::int64_t base_time(std::uint64_t index) const;

 private:
  std::uint64_t key_source(std::uint64_t index) const;

  std::vector<std::unique_ptr<FieldGenerator>> fields_;
  std::vector<std::uint64_t> field_seeds_;
  SequenceConfig config_;
  std::uint64_t burst_seed_;
  std::uint64_t jitter_seed_;
  std::uint64_t local_count_;
  std::uint64_t position_ = 0;
  std::int64_t watermark_ = kNoWatermark;
};

}  // namespace rivulet::operators::generators
