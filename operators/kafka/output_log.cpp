#include "operators/kafka/output_log.hpp"

#include <cstring>

namespace rivulet::operators::kafka {
namespace {

constexpr std::uint32_t kMagic = 0x52574c31;  // "RWL1"

class Writer {
 public:
  void u8(std::uint8_t v) { raw(&v, 1); }
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void i32(std::int32_t v) { raw(&v, sizeof v); }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void text(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  void raw(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::byte*>(data);
    bytes_.insert(bytes_.end(), p, p + size);
  }
  std::vector<std::byte> bytes_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == bytes_.size(); }
  template <class T>
  T number() {
    T v{};
    if (!take(&v, sizeof v)) return T{};
    return v;
  }
  std::string text() {
    const auto size = number<std::uint32_t>();
    if (!ok_ || size > bytes_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string s(size, '\0');
    take(s.data(), size);
    return s;
  }
  // A count of items, each at least `min_item_size` bytes: rejects counts the bytes cannot hold.
  std::size_t count(std::size_t min_item_size) {
    const auto n = number<std::uint32_t>();
    if (ok_ && min_item_size > 0 && n > (bytes_.size() - pos_) / min_item_size) ok_ = false;
    return ok_ ? n : 0;
  }

 private:
  bool take(void* out, std::size_t size) {
    if (!ok_ || size > bytes_.size() - pos_) {
      ok_ = false;
      return false;
    }
    std::memcpy(out, bytes_.data() + pos_, size);
    pos_ += size;
    return true;
  }
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::vector<std::byte> encode_output_log(const OutputLog& log) {
  Writer out;
  out.u32(kMagic);
  out.u32(static_cast<std::uint32_t>(log.scan_from.size()));
  for (std::int64_t offset : log.scan_from) out.i64(offset);
  out.u32(static_cast<std::uint32_t>(log.prepared.size()));
  for (const LoggedEpoch& epoch : log.prepared) {
    out.u64(epoch.id);
    out.u32(static_cast<std::uint32_t>(epoch.records.size()));
    for (const LoggedRecord& record : epoch.records) {
      out.i32(record.partition);
      out.u8(record.key ? 1 : 0);
      if (record.key) out.text(*record.key);
      out.text(record.value);
    }
  }
  return out.take();
}

graphs::Result<OutputLog> decode_output_log(std::span<const std::byte> bytes) {
  Reader in(bytes);
  if (in.number<std::uint32_t>() != kMagic || !in.ok()) {
    return graphs::Error{"the sink's output log is not in Rivulet's format"};
  }
  OutputLog log;
  log.scan_from.resize(in.count(sizeof(std::int64_t)));
  for (std::int64_t& offset : log.scan_from) offset = in.number<std::int64_t>();
  log.prepared.resize(in.count(sizeof(std::uint64_t) + sizeof(std::uint32_t)));
  for (LoggedEpoch& epoch : log.prepared) {
    epoch.id = in.number<std::uint64_t>();
    // partition + key flag + value length at least
    epoch.records.resize(in.count(sizeof(std::int32_t) + 1 + sizeof(std::uint32_t)));
    for (LoggedRecord& record : epoch.records) {
      record.partition = in.number<std::int32_t>();
      if (in.number<std::uint8_t>() != 0) record.key = in.text();
      record.value = in.text();
    }
  }
  if (!in.ok() || !in.at_end())
    return graphs::Error{"the sink's output log is truncated or damaged"};
  return log;
}

}  // namespace rivulet::operators::kafka
