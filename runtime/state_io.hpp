#pragma once
// The state abstraction that operator snapshot/restore hooks write to and read from.
// Only the interface exists now; the checkpoint storage (directory + manifest, memory and
// RocksDB backends) implements it in the fault-tolerance work.

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::runtime {

class StateWriter {
 public:
  virtual ~StateWriter() = default;
  // Stores one named blob of the operator's state for the checkpoint being taken.
  virtual graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) = 0;
};

class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual bool has_blob(std::string_view name) const = 0;
  virtual graphs::Result<std::vector<std::byte>> read_blob(std::string_view name) = 0;
};

}  // namespace rivulet::runtime
