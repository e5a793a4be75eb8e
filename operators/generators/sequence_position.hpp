#pragma once
// The checkpointed state of a generator source: how far into its sequence it is, as one blob
// "position" (8 bytes). datagen and the use-case generators share it; a restore regenerates
// from it.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "graphs/result.hpp"
#include "runtime/state_io.hpp"

namespace rivulet::operators::generators {

[[nodiscard]] inline graphs::Status save_position(runtime::StateWriter& writer,
                                                  std::uint64_t position) {
  std::byte bytes[sizeof position];
  std::memcpy(bytes, &position, sizeof position);
  return writer.write_blob("position", bytes);
}

// The saved position, or nullopt when the checkpoint holds none (a new node).
[[nodiscard]] inline graphs::Result<std::optional<std::uint64_t>> load_position(
    runtime::StateReader& reader, const std::string& what) {
  if (!reader.has_blob("position")) return std::optional<std::uint64_t>{};
  auto bytes = reader.read_blob("position");
  if (!bytes) return bytes.error();
  std::uint64_t position = 0;
  if (bytes->size() != sizeof position) {
    return graphs::Error{what + ": checkpointed position has " + std::to_string(bytes->size()) +
                         " bytes, expected 8"};
  }
  std::memcpy(&position, bytes->data(), sizeof position);
  return std::optional<std::uint64_t>{position};
}

}  // namespace rivulet::operators::generators
