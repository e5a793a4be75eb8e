#pragma once
// State blobs, once for the whole state layer: the memory keyed state backend and every
// operator snapshot their state as blobs in this format: little-endian fixed-width integers and
// length-prefixed bytes, so a blob written on one host restores on another (the checkpoint
// storage does not interpret it), headed by the writer's format version (write_version /
// check_version). Reads are bounds-checked and latch a failure flag instead of throwing, so
// restore can return one readable Error.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "graphs/result.hpp"

namespace rivulet::runtime::state {

static_assert(std::endian::native == std::endian::little,
              "state blobs are written in host order; add byte swaps for big-endian hosts");

class ByteWriter {
 public:
  void u8(std::uint8_t v) { bytes_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  // Length-prefixed (u32) bytes.
  void bytes(std::string_view v) {
    u32(static_cast<std::uint32_t>(v.size()));
    bytes_.append(v);
  }
  void raw(const void* data, std::size_t size) {
    bytes_.append(static_cast<const char*>(data), size);
  }

  std::string& buffer() { return bytes_; }
  std::span<const std::byte> view() const {
    return std::as_bytes(std::span<const char>(bytes_.data(), bytes_.size()));
  }

 private:
  std::string bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  explicit ByteReader(std::span<const std::byte> data)
      : data_(reinterpret_cast<const char*>(data.data()), data.size()) {}

  std::uint8_t u8() { return fixed<std::uint8_t>(); }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::uint64_t u64() { return fixed<std::uint64_t>(); }
  std::int64_t i64() { return fixed<std::int64_t>(); }
  double f64() { return fixed<double>(); }
  // A view into the blob (valid while the blob lives); empty after a failure.
  std::string_view bytes() {
    const std::uint32_t n = u32();
    if (!ok_ || n > data_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  void raw(void* out, std::size_t size) {
    if (!ok_ || size > data_.size() - pos_) {
      ok_ = false;
      std::memset(out, 0, size);
      return;
    }
    std::memcpy(out, data_.data() + pos_, size);
    pos_ += size;
  }

  // A count that cannot exceed what is left in the blob (each item takes >= min_item_bytes),
  // so a corrupt count fails instead of reserving gigabytes.
  std::size_t count(std::size_t min_item_bytes = 1) {
    const std::uint64_t n = u64();
    if (!ok_ || n > (data_.size() - pos_) / (min_item_bytes ? min_item_bytes : 1)) {
      ok_ = false;
      return 0;
    }
    return static_cast<std::size_t>(n);
  }

  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == data_.size(); }
  void fail() { ok_ = false; }

 private:
  // A fixed-width value (0 after a failure).
  template <class T>
  T fixed() {
    T v{};
    raw(&v, sizeof v);
    return v;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// Every state blob starts with the u32 format version of its writer, checked on restore so an
// older or newer layout is refused with a readable error instead of decoded as garbage.
inline void write_version(ByteWriter& w, std::uint32_t version) { w.u32(version); }

// Reads the version; an error naming `what` ("dedup state") unless it is `version`.
inline graphs::Status check_version(ByteReader& r, std::uint32_t version, std::string_view what) {
  const std::uint32_t found = r.u32();
  if (r.ok() && found == version) return graphs::Ok{};
  std::string why = r.ok() ? "it has format version " + std::to_string(found) +
                                 ", this build reads version " + std::to_string(version)
                           : std::string("the blob is too short to hold its version");
  return graphs::Error{std::string(what) + " cannot be restored: " + why};
}

}  // namespace rivulet::runtime::state
