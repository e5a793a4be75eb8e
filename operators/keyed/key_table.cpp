#include "operators/keyed/key_table.hpp"

#define XXH_INLINE_ALL  // header-only use, as in runtime/partitioner.cpp
#include <xxhash.h>

namespace rivulet::operators::keyed {

std::size_t KeyBytesHash::operator()(std::string_view key) const noexcept {
  return static_cast<std::size_t>(XXH3_64bits(key.data(), key.size()));
}

KeyTable::Interned KeyTable::intern(std::string_view key) {
  if (auto it = ids_.find(key); it != ids_.end()) return {it->second, false};
  std::uint32_t id = 0;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(keys_.size());
    keys_.push_back(nullptr);
  }
  auto [it, inserted] = ids_.emplace(std::string(key), id);
  keys_[id] = &it->first;
  return {id, true};
}

std::uint32_t KeyTable::find(std::string_view key) const {
  auto it = ids_.find(key);
  return it == ids_.end() ? kNone : it->second;
}

void KeyTable::release(std::uint32_t id) {
  if (!is_live(id)) return;
  ids_.erase(*keys_[id]);
  keys_[id] = nullptr;
  free_ids_.push_back(id);
}

void KeyTable::clear() {
  ids_.clear();
  keys_.clear();
  free_ids_.clear();
}

}  // namespace rivulet::operators::keyed
