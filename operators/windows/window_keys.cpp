#include "operators/windows/window_keys.hpp"

#include <cstring>

#include "runtime/field_ref.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace rivulet::operators::windows {

using graphs::FieldType;

namespace {

constexpr char kValueTag = 0x00;  // keyed::KeyEncoder's canonical form
constexpr char kNullTag = static_cast<char>(0xFF);

std::string int_key_bytes(std::int64_t v) {
  std::string out(1 + sizeof v, kValueTag);
  std::memcpy(out.data() + 1, &v, sizeof v);
  return out;
}

}  // namespace

graphs::Status WindowKeys::bind(const graphs::Schema& input,
                                const std::vector<std::string>& key_fields) {
  auto columns = runtime::resolve_fields(input, key_fields);
  if (!columns) return columns.error();
  fields_.clear();
  for (std::size_t c : *columns) fields_.push_back(input[c]);
  int_path_ = fields_.size() == 1 && !fields_[0].nullable &&
              (fields_[0].type == FieldType::Int64 || fields_[0].type == FieldType::Timestamp);
  encoder_ = keyed::KeyEncoder(std::move(*columns));
  return graphs::Ok{};
}

std::uint32_t WindowKeys::new_id() {
  if (!free_ids_.empty()) {
    const std::uint32_t id = free_ids_.back();
    free_ids_.pop_back();
    return id;
  }
  bytes_.emplace_back();
  int_keys_.push_back(0);
  hashes_.push_back(0);
  refs_.push_back(0);
  return static_cast<std::uint32_t>(bytes_.size() - 1);
}

std::uint32_t WindowKeys::intern(std::uint64_t hash, std::string_view bytes, std::int64_t int_key) {
  const std::uint32_t id = new_id();
  bytes_[id].assign(bytes);
  int_keys_[id] = int_key;
  hashes_[id] = hash;
  refs_[id] = 0;
  index_.insert(hash, id);
  new_ids_.push_back(id);
  return id;
}

void WindowKeys::intern_rows(const runtime::RecordBatch& batch, std::vector<std::uint32_t>& ids) {
  const std::size_t n = batch.num_rows();
  ids.resize(n);
  new_ids_.clear();
  if (int_path_) {
    const std::int64_t* values = batch.column(encoder_.columns()[0]).int64s().data();
    for (std::size_t row = 0; row < n; ++row) {
      const std::int64_t v = values[row];
      const std::uint64_t h = mix64(static_cast<std::uint64_t>(v));
      std::uint32_t id = index_.find(h, [&](std::uint32_t i) { return int_keys_[i] == v; });
      if (id == FlatIndex::kNone) id = intern(h, int_key_bytes(v), v);
      ids[row] = id;
    }
    return;
  }
  for (std::size_t row = 0; row < n; ++row) {
    const std::string_view key = encoder_.encode(batch, row);
    const std::uint64_t h = XXH3_64bits(key.data(), key.size());
    std::uint32_t id = index_.find(h, [&](std::uint32_t i) { return bytes_[i] == key; });
    if (id == FlatIndex::kNone) id = intern(h, key, 0);
    ids[row] = id;
  }
}

std::uint32_t WindowKeys::intern_bytes(std::string_view bytes) {
  if (int_path_) {
    std::int64_t v = 0;
    if (bytes.size() == 1 + sizeof v) std::memcpy(&v, bytes.data() + 1, sizeof v);
    const std::uint64_t h = mix64(static_cast<std::uint64_t>(v));
    const std::uint32_t id = index_.find(h, [&](std::uint32_t i) { return int_keys_[i] == v; });
    return id != FlatIndex::kNone ? id : intern(h, bytes, v);
  }
  const std::uint64_t h = XXH3_64bits(bytes.data(), bytes.size());
  const std::uint32_t id = index_.find(h, [&](std::uint32_t i) { return bytes_[i] == bytes; });
  return id != FlatIndex::kNone ? id : intern(h, bytes, 0);
}

bool WindowKeys::well_formed(std::string_view bytes) const {
  std::size_t pos = 0;
  auto take = [&](std::size_t n) {
    if (n > bytes.size() - pos) return false;
    pos += n;
    return true;
  };
  for (const graphs::Field& field : fields_) {
    if (!take(1)) return false;
    if (bytes[pos - 1] == kNullTag) {
      if (!field.nullable) return false;
      continue;
    }
    if (bytes[pos - 1] != kValueTag) return false;
    switch (field.type) {
      case FieldType::Int64:
      case FieldType::Timestamp:
      case FieldType::Float64:
        if (!take(8)) return false;
        break;
      case FieldType::Bool:
        if (!take(1)) return false;
        break;
      case FieldType::String: {
        std::uint32_t len = 0;
        if (!take(sizeof len)) return false;
        std::memcpy(&len, bytes.data() + pos - sizeof len, sizeof len);
        if (!take(len)) return false;
        break;
      }
    }
  }
  return pos == bytes.size();
}

void WindowKeys::clear() {
  index_.clear();
  bytes_.clear();
  int_keys_.clear();
  hashes_.clear();
  refs_.clear();
  free_ids_.clear();
  new_ids_.clear();
}

void WindowKeys::release(std::uint32_t id) {
  if (--refs_[id] != 0) return;
  index_.erase(hashes_[id], id);
  bytes_[id].clear();  // keeps its capacity for the next key of this id
  free_ids_.push_back(id);
}

void WindowKeys::release_unused_new_keys() {
  for (std::uint32_t id : new_ids_) {
    if (refs_[id] != 0) continue;
    ++refs_[id];
    release(id);
  }
  new_ids_.clear();
}

void WindowKeys::append_key(std::uint32_t id, runtime::BatchBuilder& out) const {
  if (int_path_) {
    out.append_int64(0, int_keys_[id]);
    return;
  }
  const std::string& bytes = bytes_[id];
  std::size_t pos = 0;
  for (std::size_t column = 0; column < fields_.size(); ++column) {
    if (bytes[pos++] == kNullTag) {
      out.append_null(column);
      continue;
    }
    switch (fields_[column].type) {
      case FieldType::Int64:
      case FieldType::Timestamp: {
        std::int64_t v = 0;
        std::memcpy(&v, bytes.data() + pos, sizeof v);
        pos += sizeof v;
        out.append_int64(column, v);
        break;
      }
      case FieldType::Float64: {
        double v = 0;
        std::memcpy(&v, bytes.data() + pos, sizeof v);
        pos += sizeof v;
        out.append_float64(column, v);
        break;
      }
      case FieldType::Bool:
        out.append_bool(column, bytes[pos++] != 0);
        break;
      case FieldType::String: {
        std::uint32_t len = 0;
        std::memcpy(&len, bytes.data() + pos, sizeof len);
        pos += sizeof len;
        out.append_string(column, std::string_view(bytes.data() + pos, len));
        pos += len;
        break;
      }
    }
  }
}

}  // namespace rivulet::operators::windows
