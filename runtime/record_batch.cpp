#include "runtime/record_batch.hpp"

namespace rivulet::runtime {

std::size_t RecordBatch::byte_size() const {
  std::size_t bytes = event_times_.size() * sizeof(std::int64_t);
  for (const Column& c : columns_) {
    bytes += c.int64s().size_bytes() + c.float64s().size_bytes() + c.bools().size_bytes() +
             c.string_offsets().size_bytes() + c.string_arena().size() + c.validity().size_bytes();
  }
  return bytes;
}

}  // namespace rivulet::runtime
