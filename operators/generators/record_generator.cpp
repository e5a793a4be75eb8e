#include "operators/generators/record_generator.hpp"

#include <algorithm>

namespace rivulet::operators::generators {
namespace {

// Salts separating the random streams of the burst decision and the jitter from the fields'
// (fields use their 1-based position), so adding a field never changes the others' values.
constexpr std::uint64_t kBurstSalt = 0xb0257'0000'0001ULL;
constexpr std::uint64_t kJitterSalt = 0x71773'0000'0002ULL;

std::uint64_t instance_count(const SequenceConfig& c) {
  if (c.count == 0) return std::numeric_limits<std::uint64_t>::max();
  if (c.count <= c.subtask_index) return 0;
  return (c.count - c.subtask_index + c.parallelism - 1) / c.parallelism;
}

}  // namespace

RecordGenerator::RecordGenerator(std::vector<std::unique_ptr<FieldGenerator>> fields,
                                 SequenceConfig config)
    : fields_(std::move(fields)),
      config_(config),
      burst_seed_(derive_seed(config.seed, kBurstSalt)),
      jitter_seed_(derive_seed(config.seed, kJitterSalt)) {
  config_.parallelism = std::max<std::uint32_t>(config_.parallelism, 1);
  config_.burst_length = std::max<std::uint64_t>(config_.burst_length, 1);
  local_count_ = instance_count(config_);
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    field_seeds_.push_back(derive_seed(config_.seed, i + 1));
  }
}

std::int64_t RecordGenerator::base_time(std::uint64_t index) const {
  const auto n = static_cast<std::int64_t>(index);
  if (config_.rate <= 0) return config_.start_time_ms + n;
  return config_.start_time_ms + n * 1000 / config_.rate;
}

std::uint64_t RecordGenerator::key_source(std::uint64_t index) const {
  if (config_.burst_probability <= 0 || config_.burst_length <= 1) return index;
  // The latest burst start among the records whose burst still covers `index`.
  const std::uint64_t span = std::min(config_.burst_length - 1, index);
  for (std::uint64_t back = 0; back <= span; ++back) {
    DrawStream draws(burst_seed_, index - back);
    if (draws.bernoulli(config_.burst_probability)) return index - back;
  }
  return index;
}

std::size_t RecordGenerator::generate(runtime::BatchBuilder& out, std::size_t max_rows) {
  const auto rows = static_cast<std::size_t>(std::min<std::uint64_t>(max_rows, remaining()));
  std::int64_t last_base = 0;
  for (std::size_t r = 0; r < rows; ++r, ++position_) {
    const std::uint64_t index = config_.subtask_index + position_ * config_.parallelism;
    last_base = base_time(index);
    RecordInfo record{index, last_base};
    if (config_.max_out_of_orderness_ms > 0) {
      DrawStream jitter(jitter_seed_, index);
      record.event_time_ms -= jitter.uniform_int(0, config_.max_out_of_orderness_ms);
    }
    const std::uint64_t key_index = key_source(index);
    for (std::size_t f = 0; f < fields_.size(); ++f) {
      const FieldGenerator& generator = *fields_[f];
      DrawStream draws(field_seeds_[f], generator.is_key() ? key_index : index);
      generator.append(record, draws, out, f);
    }
    out.end_row(record.event_time_ms);
  }
  if (rows > 0) watermark_ = last_base - config_.max_out_of_orderness_ms - 1;
  return rows;
}

}  // namespace rivulet::operators::generators
