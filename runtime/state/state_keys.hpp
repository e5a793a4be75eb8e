#pragma once
// Encodings for keys of a KeyedStateBackend, whose keys are ordered bytewise.
//
// The one place that writes and reads big-endian integers for state keys (operators' sort keys
// too). Sortable integers: big-endian with the sign bit flipped, so the byte order of the encoding
// is the numeric order (negative times before positive ones). Length-prefixed parts keep composite
// keys prefix-free: <u32 length><record key> is never a prefix of another record key's part.

#include <cstdint>
#include <string>
#include <string_view>

namespace rivulet::runtime::state {

// Big-endian: bytewise order is numeric order for unsigned integers.
inline void append_big_endian_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

// Reads 8 bytes at `pos` (the caller checks the length).
inline std::uint64_t read_big_endian_u64(std::string_view in, std::size_t pos = 0) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

inline void append_sortable_i64(std::string& out, std::int64_t v) {
  append_big_endian_u64(out, static_cast<std::uint64_t>(v) ^ (1ull << 63));
}

// Reads 8 bytes at `pos` (the caller checks the length).
inline std::int64_t read_sortable_i64(std::string_view in, std::size_t pos = 0) {
  return static_cast<std::int64_t>(read_big_endian_u64(in, pos) ^ (1ull << 63));
}

inline void append_length_prefixed(std::string& out, std::string_view part) {
  const auto n = static_cast<std::uint32_t>(part.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  out.append(part);
}

// Reads a part written by append_length_prefixed at `pos` and advances it; false when short.
inline bool read_length_prefixed(std::string_view in, std::size_t& pos, std::string_view& part) {
  if (in.size() - pos < 4) return false;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(in[pos + i]);
  pos += 4;
  if (in.size() - pos < n) return false;
  part = in.substr(pos, n);
  pos += n;
  return true;
}

}  // namespace rivulet::runtime::state
