#pragma once
// An open-addressing hash index from a 64-bit hash to a uint32_t value (a key id or a window
// slot). The index stores no keys: callers keep them in their own flat arrays and confirm a
// candidate with an equality predicate on the value. This keeps one index type for every key
// shape (an int64, a string, multi-field bytes, a (key, window) pair) with no per-entry heap
// node, and lets the owner's arrays stay dense and indexable by the value.
//
// Linear probing with backward-shift deletion (no tombstones), so lookups stay short in
// long-running jobs where windows are inserted and purged forever.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rivulet::operators::windows {

// A finaliser that spreads nearby integers (consecutive key ids, window starts) over the table.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

class FlatIndex {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  FlatIndex() { rehash(16); }

  // The value whose entry has `hash` and satisfies `equal(value)`, or kNone.
  template <class Equal>
  std::uint32_t find(std::uint64_t hash, Equal&& equal) const {
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.value == kNone) return kNone;
      if (e.hash == hash && equal(e.value)) return e.value;
    }
  }

  // Adds an entry; the caller has checked that no equal entry exists.
  void insert(std::uint64_t hash, std::uint32_t value) {
    if ((size_ + 1) * 4 > entries_.size() * 3) rehash(entries_.size() * 2);
    place(hash, value);
    ++size_;
  }

  // Removes the entry with `hash` and exactly `value`; false when there is none.
  bool erase(std::uint64_t hash, std::uint32_t value) {
    std::size_t i = hash & mask_;
    for (;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.value == kNone) return false;
      if (e.hash == hash && e.value == value) break;
    }
    // Backward shift: pull later entries of the probe run into the hole when their home slot
    // is not between the hole and their current position.
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask_;; j = (j + 1) & mask_) {
      Entry& e = entries_[j];
      if (e.value == kNone) break;
      const std::size_t home = e.hash & mask_;
      const bool movable = ((j - home) & mask_) >= ((j - hole) & mask_);
      if (movable) {
        entries_[hole] = e;
        hole = j;
      }
    }
    entries_[hole] = Entry{};
    --size_;
    return true;
  }

  void clear() {
    entries_.assign(entries_.size(), Entry{});
    size_ = 0;
  }
  std::size_t size() const { return size_; }

 private:
  struct Entry {
    std::uint64_t hash = 0;
    std::uint32_t value = kNone;
  };

  void place(std::uint64_t hash, std::uint32_t value) {
    std::size_t i = hash & mask_;
    while (entries_[i].value != kNone) i = (i + 1) & mask_;
    entries_[i] = Entry{hash, value};
  }

  void rehash(std::size_t capacity) {
    std::vector<Entry> old = std::move(entries_);
    entries_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    for (const Entry& e : old) {
      if (e.value != kNone) place(e.hash, e.value);
    }
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace rivulet::operators::windows
