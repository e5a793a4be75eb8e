#pragma once
// Interns encoded keys (KeyEncoder bytes) into dense uint32_t ids, so an operator keeps its
// per-key state in plain vectors indexed by id instead of one heap node per key and field.
// Lookups take a string_view (heterogeneous lookup): no allocation for keys already known.
// Ids of released keys are recycled, so the id range tracks the live key count, not history.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rivulet::operators::keyed {

struct KeyBytesHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept;
};

class KeyTable {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  struct Interned {
    std::uint32_t id;
    bool inserted;
  };
  Interned intern(std::string_view key);
  std::uint32_t find(std::string_view key) const;
  void release(std::uint32_t id);
  void clear();

  // Ids in use are < id_limit(); is_live tells which of them currently hold a key.
  std::uint32_t id_limit() const { return static_cast<std::uint32_t>(keys_.size()); }
  bool is_live(std::uint32_t id) const { return id < keys_.size() && keys_[id] != nullptr; }
  std::string_view key(std::uint32_t id) const { return *keys_[id]; }
  std::size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, std::uint32_t, KeyBytesHash, std::equal_to<>> ids_;
  std::vector<const std::string*> keys_;  // the map's node keys: stable across rehashes
  std::vector<std::uint32_t> free_ids_;
};

}  // namespace rivulet::operators::keyed
